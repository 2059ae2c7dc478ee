"""Which reader a file needs, from its name and its first bytes; `read_traffic` yields its entries.

`.har` is HAR; `.jsonl`/`.ndjson` JSON Lines; `.yaml`/`.yml` a YAML cassette; `.json` (or any
other name) is told by its content: a JSON document whose top level holds `log` is HAR, one that
holds `interactions` a JSON cassette; a first line that is a whole exchange object, JSON Lines;
anything else that parses as YAML, a cassette. `.gz` is read through gzip.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import ijson

from errcontract.traffic.entry import BadRecording, Entry
from errcontract.traffic.har import read_har
from errcontract.traffic.jsonl import read_jsonl
from errcontract.traffic.vcr import read_json_cassette, read_yaml_cassette

FORMATS = {
    "har": read_har,
    "jsonl": read_jsonl,
    "yaml-cassette": read_yaml_cassette,
    "json-cassette": read_json_cassette,
}
BY_SUFFIX = {
    ".har": "har",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml-cassette",
    ".yml": "yaml-cassette",
}
SNIFF_BYTES = 64 * 1024


def _open(path: Path) -> IO[bytes]:
    handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the caller's ExitStack
    if path.suffix == ".gz":
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def _top_level_key(handle: IO[bytes]) -> str | None:
    """The first top-level key that names a format (`log`, `interactions`), reading no further."""
    try:
        for prefix, event, value in ijson.parse(handle):
            if prefix == "" and event == "map_key" and value in ("log", "interactions"):
                return str(value)
            if prefix == "" and event in ("end_map", "start_array"):
                return None
    except ijson.JSONError:
        return None
    return None


def _first_line_is_exchange(handle: IO[bytes]) -> bool:
    line = handle.readline(SNIFF_BYTES)
    try:
        value = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(value, dict) and "url" in value


def sniff(path: Path, handle: IO[bytes]) -> str:
    """The format of a file (see the module docstring); BadRecording when none fits."""
    name = path.name.removesuffix(".gz")
    suffix = Path(name).suffix.lower()
    if suffix in BY_SUFFIX:
        return BY_SUFFIX[suffix]
    start = handle.read(SNIFF_BYTES).lstrip()
    handle.seek(0)
    if start.startswith(b"{"):
        key = _top_level_key(handle)
        handle.seek(0)
        if key is not None:
            return "har" if key == "log" else "json-cassette"
        if _first_line_is_exchange(handle):
            handle.seek(0)
            return "jsonl"
        raise BadRecording(
            f"{path}: neither HAR (log.entries), a vcrpy cassette (interactions) nor JSON Lines of exchanges"
        )
    if not start:
        raise BadRecording(f"{path}: the file is empty")
    return "yaml-cassette"


def read_traffic(path: Path) -> Iterator[Entry]:
    """Every entry of a recorded-traffic file; BadRecording (one line) when it cannot be read."""
    with ExitStack() as stack:
        try:
            handle = stack.enter_context(_open(path))
            kind = sniff(path, handle)
        except OSError as exc:
            raise BadRecording(f"{path}: cannot be read ({exc.strerror or exc})") from None
        try:
            yield from FORMATS[kind](handle, path.name)
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise BadRecording(f"{path}: cannot be read to its end ({exc})") from None
