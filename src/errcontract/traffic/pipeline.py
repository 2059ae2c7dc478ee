"""Recordings read and scrubbed in a process of their own, while the caller judges: two cores at
work on one file (reading and scrubbing cost about as much as judging).

The reader process reads every file in turn (`read_traffic`), scrubs each entry (`Scrubber`, one
for all the files, so a key keeps its label and a credential found early is replaced in every
later entry) and sends them in batches, in file order; a pipe holds at most a batch or two, so
memory stays bounded whatever the file's size. Nothing unscrubbed leaves the reader. A file that
cannot be read ends the reading with its one line (`BadRecording` in the caller); the process is
ended and waited for however the caller stops (an error, Ctrl-C).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from pathlib import Path

from errcontract.traffic.entry import BadRecording, Entry, Skipped
from errcontract.traffic.read import read_traffic
from errcontract.traffic.scrub import Scrubber

BATCH = 256  # entries per message (~1 MB of a HAR like the benchmark's)


@dataclass(frozen=True)
class Scrubbed:
    """An entry with its credentials replaced, and the label of the key its request carried."""

    entry: Entry
    key: str | None


@dataclass(frozen=True)
class Unreadable:
    """An entry whose URL cannot be split (`http://[::1`): counted, never judged."""

    where: str
    reason: str


Item = Scrubbed | Unreadable


@dataclass(frozen=True)
class _Done:
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class _Failed:
    message: str
    bad_input: bool


def scrubbed(scrub: Scrubber, entry: Entry) -> Item:
    """One entry as it leaves the reader: scrubbed, with its key's label."""
    if isinstance(entry, Skipped):
        return Scrubbed(entry, None)
    try:
        key = scrub.key_of(entry)
        return Scrubbed(scrub(entry), key)
    except ValueError as exc:
        return Unreadable(entry.where, first_line(exc))


def first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]


def _readable(path: Path) -> None:
    if not path.is_file():
        raise BadRecording(f"{path}: {'a folder, not a file' if path.is_dir() else 'no such file'}")


def _read(paths: Sequence[Path], conn: Connection) -> None:
    """The reader process: every file's entries, scrubbed, in batches; then the secrets found."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller ends it (and says why)
    scrub = Scrubber()
    try:
        for path in paths:
            _readable(path)
            batch: list[Item] = []
            for entry in read_traffic(path):
                batch.append(scrubbed(scrub, entry))
                if len(batch) >= BATCH:
                    conn.send(batch)
                    batch = []
            conn.send(batch)
        conn.send(_Done(tuple(scrub.secrets)))
    except BadRecording as exc:
        conn.send(_Failed(str(exc), bad_input=True))
    except Exception as exc:  # a bug of ours: named in the caller, not a traceback from here
        conn.send(_Failed(f"{type(exc).__name__}: {first_line(exc)}", bad_input=False))
    finally:
        conn.close()


def _context() -> ForkContext | SpawnContext:
    """fork where there is one (the reader starts with every module loaded), else spawn."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class ReadAhead:
    """Iterate for every entry of `paths`, scrubbed; then `secrets` holds every credential met."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.secrets: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Item]:
        context = _context()
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_read, args=(self.paths, sender), daemon=True)
        process.start()
        sender.close()
        try:
            yield from self._receive(receiver)
        finally:
            receiver.close()
            if process.is_alive():
                process.terminate()
            process.join()

    def _receive(self, receiver: Connection) -> Iterator[Item]:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise RuntimeError("the reader process ended without a word") from None
            if isinstance(message, list):
                yield from message
            elif isinstance(message, _Done):
                self.secrets = message.secrets
                return
            elif isinstance(message, _Failed):
                if message.bad_input:
                    raise BadRecording(message.message)
                raise RuntimeError(f"reading failed: {message.message}")
