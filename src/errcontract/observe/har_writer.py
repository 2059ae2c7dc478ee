"""`--record FILE.har`: the exchanges a proxy saw, as a HAR 1.2 file (credentials scrubbed, as
everything errcontract keeps). Entries are written as they complete into a file beside FILE,
which replaces FILE when the proxy stops: a reader never sees half a file."""

from __future__ import annotations

import base64
import json
import os
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, NotRequired, TypedDict

from errcontract import __version__
from errcontract.core.errors import UsageError
from errcontract.traffic.entry import Headers, Recorded

HEAD = '{"log": {"version": "1.2", "creator": {"name": "errcontract", "version": %s}, "entries": [\n'
TAIL = "\n]}}\n"


class HarHeader(TypedDict):
    name: str
    value: str


class HarContent(TypedDict):
    """A body as HAR 1.2 keeps it: text, or base64 when it is not UTF-8."""

    size: int
    mimeType: str
    text: str
    encoding: NotRequired[str]


class HarPostData(TypedDict):
    mimeType: str
    text: str
    encoding: NotRequired[str]


class HarRequest(TypedDict):
    method: str
    url: str
    httpVersion: str
    headers: list[HarHeader]
    queryString: list[HarHeader]
    cookies: list[HarHeader]
    headersSize: int
    bodySize: int
    postData: NotRequired[HarPostData]


# `_error`: why the answer is incomplete (a custom field, as HAR 1.2 allows with a leading underscore)
class HarResponse(TypedDict):
    status: int
    statusText: str
    httpVersion: str
    headers: list[HarHeader]
    cookies: list[HarHeader]
    content: HarContent
    redirectURL: str
    headersSize: int
    bodySize: int
    _error: NotRequired[str]


class HarTimings(TypedDict):
    send: int
    wait: int
    receive: int


class HarEntry(TypedDict):
    """One exchange as a HAR 1.2 entry."""

    startedDateTime: str
    time: int
    request: HarRequest
    response: HarResponse
    cache: dict[str, str]
    timings: HarTimings


def _headers(pairs: Headers) -> list[HarHeader]:
    return [HarHeader(name=k, value=v) for k, v in pairs]


def _content(body: bytes, mime: str) -> HarContent:
    try:
        return HarContent(size=len(body), mimeType=mime, text=body.decode("utf-8"))
    except UnicodeDecodeError:
        return HarContent(
            size=len(body), mimeType=mime, text=base64.b64encode(body).decode(), encoding="base64"
        )


def har_entry_of(entry: Recorded) -> HarEntry:
    started = datetime.fromtimestamp(entry.started_at or 0, UTC).isoformat().replace("+00:00", "Z")
    request = HarRequest(
        method=entry.method,
        url=entry.url,
        httpVersion="HTTP/1.1",
        headers=_headers(entry.request_headers),
        queryString=[],
        cookies=[],
        headersSize=-1,
        bodySize=len(entry.request_body or b""),
    )
    if entry.request_body:
        mime = entry.header("content-type", response=False) or ""
        content = _content(entry.request_body, mime)
        request["postData"] = HarPostData(mimeType=mime, text=content["text"])
        if "encoding" in content:
            request["postData"]["encoding"] = "base64"
    mime = entry.header("content-type") or ""
    response = HarResponse(
        status=entry.status or 0,
        statusText="",
        httpVersion="HTTP/1.1",
        headers=_headers(entry.response_headers),
        cookies=[],
        content=_content(entry.response_body, mime),
        redirectURL="",
        headersSize=-1,
        bodySize=len(entry.response_body),
    )
    if entry.aborted:
        response["_error"] = entry.aborted
    return HarEntry(
        startedDateTime=started,
        time=0,
        request=request,
        response=response,
        cache={},
        timings=HarTimings(send=0, wait=0, receive=0),
    )


class HarWriter:
    """Appends entries to a staged HAR; `close` completes it and moves it to its place."""

    def __init__(self, path: Path) -> None:
        self.path = Path(os.path.abspath(path))
        self._lock = threading.Lock()
        self._count = 0
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror} (choose another with --record)") from None
        self._tmp = Path(tmp)
        self._handle: IO[str] = os.fdopen(fd, "w", encoding="utf-8")
        self._handle.write(HEAD % json.dumps(__version__))

    def add(self, entry: Recorded) -> None:
        with self._lock:
            if self._handle.closed:
                return
            self._handle.write(
                (",\n" if self._count else "") + json.dumps(har_entry_of(entry), ensure_ascii=False)
            )
            self._count += 1
            self._handle.flush()

    def close(self) -> Path:
        """Complete the file and put it at its path (0644, as every file errcontract publishes)."""
        with self._lock:
            if not self._handle.closed:
                self._handle.write(TAIL)
                self._handle.close()
                os.chmod(self._tmp, 0o644)
                os.replace(self._tmp, self.path)
        return self.path

    def discard(self) -> None:
        with self._lock:
            if not self._handle.closed:
                self._handle.close()
            self._tmp.unlink(missing_ok=True)
