"""vcrpy cassettes (what pytest-recording and vcrpy write), YAML or JSON.

`{"interactions": [{"request": {"method", "uri", "headers", "body"}, "response": {"status":
{"code", "message"}, "headers", "body": {"string"}}}], "version": 1}`, headers a map of lists.
Bodies may be text, bytes (YAML `!!binary`, base64 in the file: a gzip body as the server sent
it, decoded here), or a parsed JSON value (`parsed_body`, as pydantic-ai's cassettes keep them).
vcrpy keeps no time: the response's Date header stands for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

import ijson
import yaml

from errcontract.traffic.entry import (
    BadRecording,
    Entry,
    Recorded,
    Skipped,
    decoded_body,
    header_pairs,
    http_date,
)

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml_cassette(handle: IO[bytes], name: str) -> Iterator[Entry]:
    """Each interaction of a YAML cassette (a cassette is small: it is read whole)."""
    try:
        document = yaml.load(handle, Loader=_Loader)  # a safe loader: tags are data, never code
    except yaml.YAMLError as exc:
        line = str(exc).strip().splitlines()[0][:120]
        raise BadRecording(f"{name}: not a readable YAML cassette ({line})") from None
    interactions = document.get("interactions") if isinstance(document, Mapping) else None
    if not isinstance(interactions, list):
        raise BadRecording(f"{name}: not a vcrpy cassette (no interactions list)")
    for number, raw in enumerate(interactions, 1):
        yield interaction_of(raw, f"{name}:{number}")


def read_json_cassette(handle: IO[bytes], name: str) -> Iterator[Entry]:
    """Each interaction of a JSON cassette, streamed."""
    number = 0
    try:
        for raw in ijson.items(handle, "interactions.item", use_float=True):
            number += 1
            yield interaction_of(raw, f"{name}:{number}")
    except ijson.JSONError as exc:
        line = (str(exc).strip().splitlines() or ["invalid JSON"])[0][:120]
        where = f"after interaction {number}"
        raise BadRecording(f"{name}: cut short or not valid JSON {where} ({line})") from None
    if number == 0:
        handle.seek(0)
        if not _has_interactions(handle):
            raise BadRecording(f"{name}: not a vcrpy cassette (no interactions list)")


def _has_interactions(handle: IO[bytes]) -> bool:
    try:
        return any(p == "interactions" and e == "start_array" for p, e, _ in ijson.parse(handle))
    except ijson.JSONError:
        return False


def body_of(part: Mapping[str, Any]) -> bytes | None:
    """A request's or response's body as bytes, whichever way the cassette keeps it."""
    if "parsed_body" in part:
        parsed = part["parsed_body"]
        return parsed.encode() if isinstance(parsed, str) else json.dumps(parsed).encode()
    body = part.get("body")
    if isinstance(body, Mapping):
        body = body.get("string", body.get("base64_string"))
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    return str(body).encode("utf-8", "surrogatepass")


def interaction_of(raw: Any, where: str) -> Entry:
    """One interaction as a Recorded exchange, or Skipped (an unknown shape) with why."""
    request = raw.get("request") if isinstance(raw, Mapping) else None
    response = raw.get("response") if isinstance(raw, Mapping) else None
    if not isinstance(request, Mapping):
        return Skipped(where, "cassette entry of an unknown shape (no request)")
    method, url = request.get("method"), request.get("uri") or request.get("url")
    if not isinstance(method, str) or not isinstance(url, str):
        return Skipped(where, "cassette entry of an unknown shape (no method or uri)")
    common = (where, method.upper(), url, header_pairs(request.get("headers")), body_of(request))
    if not isinstance(response, Mapping):
        return Recorded(*common, None, (), b"", None, aborted="no response recorded")
    status = response.get("status")
    code = status.get("code") if isinstance(status, Mapping) else status
    if not isinstance(code, int | float) or isinstance(code, bool):
        return Skipped(where, "cassette entry of an unknown shape (no response status code)")
    headers = header_pairs(response.get("headers"))
    encoding = next((v for k, v in headers if k.lower() == "content-encoding"), None)
    raw_body = body_of(response) or b""
    body, truncated = decoded_body(raw_body, None if "parsed_body" in response else encoding)
    date = next((v for k, v in headers if k.lower() == "date"), None)
    return Recorded(*common, int(code), headers, body, http_date(date), truncated)
