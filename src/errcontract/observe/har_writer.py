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
from typing import IO, Any

from errcontract import __version__
from errcontract.core.errors import UsageError
from errcontract.traffic.entry import Headers, Recorded

HEAD = '{"log": {"version": "1.2", "creator": {"name": "errcontract", "version": %s}, "entries": [\n'
TAIL = "\n]}}\n"


def _headers(pairs: Headers) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in pairs]


def _content(body: bytes, mime: str) -> dict[str, Any]:
    try:
        return {"size": len(body), "mimeType": mime, "text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {
            "size": len(body),
            "mimeType": mime,
            "text": base64.b64encode(body).decode(),
            "encoding": "base64",
        }


def har_entry_of(entry: Recorded) -> dict[str, Any]:
    started = datetime.fromtimestamp(entry.started_at or 0, UTC).isoformat().replace("+00:00", "Z")
    request: dict[str, Any] = {
        "method": entry.method,
        "url": entry.url,
        "httpVersion": "HTTP/1.1",
        "headers": _headers(entry.request_headers),
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(entry.request_body or b""),
    }
    if entry.request_body:
        mime = entry.header("content-type", response=False) or ""
        content = _content(entry.request_body, mime)
        request["postData"] = {
            "mimeType": mime,
            "text": content["text"],
            **({"encoding": "base64"} if "encoding" in content else {}),
        }
    mime = entry.header("content-type") or ""
    response: dict[str, Any] = {
        "status": entry.status or 0,
        "statusText": "",
        "httpVersion": "HTTP/1.1",
        "headers": _headers(entry.response_headers),
        "cookies": [],
        "content": _content(entry.response_body, mime),
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": len(entry.response_body),
    }
    if entry.aborted:
        response["_error"] = entry.aborted
    return {
        "startedDateTime": started,
        "time": 0,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
    }


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
