"""Plumbing shared by the independent provider servers (standard library only).

Nothing here knows a provider: a provider module gives an `App` whose `handle(req)` returns a
`Reply`; this module reads requests (whole bodies, chunked or not), writes replies in one piece with
lower-case header names, keeps connections alive, and runs the process (one JSON line, then serve
until SIGTERM/SIGINT).

For the benchmarks, `--latency-ms N` makes every answer wait N ms (a target across the internet),
and `--traffic FILE` writes, when the server stops, each request's arrival and answer times and
how many requests were in flight when it arrived (itself included): the in-flight figures are
measured where the requests land, not where they are sent from.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

JSON_TYPE = "application/json; charset=utf-8"
MAX_BODY = 64 * 1024 * 1024  # read and drop anything beyond this (a client error, never a crash)


@dataclass
class Request:
    method: str
    path: str  # percent-decoded path, without the query
    raw_path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names; the first value of a repeated header
    body: bytes
    body_truncated: bool = False

    @property
    def segments(self) -> list[str]:
        """The path's segments, each percent-decoded on its own (an encoded '/' stays inside its id)."""
        return [unquote(part, errors="replace") for part in self.raw_path.split("/")[1:]]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def query_first(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_reply(status: int, payload: object, headers: list[tuple[str, str]] | None = None) -> Reply:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Reply(status, data, JSON_TYPE, list(headers or []))


def parse_json(body: bytes) -> tuple[bool, object]:
    """(ok, value): strict JSON (no NaN/Infinity), UTF-8 (a BOM is tolerated)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False, None

    def _bad_constant(name: str) -> object:
        raise ValueError(name)

    try:
        return True, json.loads(text, parse_constant=_bad_constant)
    except (ValueError, RecursionError):
        return False, None


REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class Traffic:
    """Each request's (arrival, answer, in flight at arrival), on the server's monotonic clock."""

    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s
        self.lock = threading.Lock()
        self.in_flight = 0
        self.requests: list[list[float]] = []

    def arrived(self) -> list[float]:
        with self.lock:
            self.in_flight += 1
            entry = [time.monotonic(), 0.0, float(self.in_flight)]
            self.requests.append(entry)
        return entry

    def answered(self, entry: list[float]) -> None:
        with self.lock:
            self.in_flight -= 1
            entry[1] = time.monotonic()

    def write(self, path: str) -> None:
        with self.lock:
            doc = {"latency_ms": self.latency_s * 1000, "requests": self.requests}
        with open(path, "w", encoding="utf-8") as out:
            json.dump(doc, out)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "independent"
    sys_version = ""
    app = None  # set by serve()
    traffic = Traffic(0.0)  # replaced by serve()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def __getattr__(self, name: str):  # every method (GET, PUT, BREW, ...) goes to the app
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level refusals (bad request line, huge URI or headers) in the provider's envelope."""
        self.close_connection = True
        reply = self.app.protocol_error(code)
        with contextlib.suppress(OSError):
            self._write(reply, head=False)

    def _read_body(self) -> tuple[bytes, bool] | None:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            return self._read_chunked()
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b"", False
        raw = raw.strip()
        if not raw.isdigit():
            return None
        length = int(raw)
        chunks, kept, left = [], 0, length
        while left > 0:
            data = self.rfile.read(min(left, 1 << 20))
            if not data:
                self.close_connection = True
                break
            left -= len(data)
            if kept < MAX_BODY:
                chunks.append(data)
                kept += len(data)
        return b"".join(chunks), length > MAX_BODY

    def _read_chunked(self) -> tuple[bytes, bool] | None:
        chunks, kept = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip() or b"x", 16)
            except ValueError:
                return None
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks), kept > MAX_BODY
            data = self.rfile.read(size)
            self.rfile.readline(16)
            if kept < MAX_BODY:
                chunks.append(data)
            kept += len(data)

    def _dispatch(self) -> None:
        entry = self.traffic.arrived()
        try:
            self._answer()
        finally:
            self.traffic.answered(entry)

    def _answer(self) -> None:
        body = self._read_body()
        if self.traffic.latency_s:
            time.sleep(self.traffic.latency_s)
        if body is None:  # unusable framing: answer, then close (the rest of the stream is unknown)
            self.close_connection = True
            self._write(self.app.protocol_error(400), head=self.command == "HEAD")
            return
        split = urlsplit(self.path)
        req = Request(
            method=self.command.upper(),
            path=unquote(split.path, errors="replace"),
            raw_path=split.path,
            query=parse_qsl(split.query, keep_blank_values=True, errors="replace"),
            headers={k.lower(): v for k, v in reversed(self.headers.items())},
            body=body[0],
            body_truncated=body[1],
        )
        try:
            reply = self.app.handle(req)
        except Exception as exc:  # a bug in this server: say so loudly, in the envelope
            print(f"independent server bug: {exc!r}", file=sys.stderr, flush=True)
            reply = self.app.internal_error()
        self._write(reply, head=req.method == "HEAD")

    def _write(self, reply: Reply, head: bool) -> None:
        lines = [
            f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'Unknown')}",
            f"date: {formatdate(usegmt=True)}",
            f"content-type: {reply.content_type}",
            f"content-length: {len(reply.body)}",
        ]
        lines += [f"{name.lower()}: {value}" for name, value in reply.headers]
        if self.close_connection:
            lines.append("connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(data if head else data + reply.body)
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: socket.socket, client_address: tuple) -> None:
        pass  # client hung up mid-request: nothing to report


def serve(app: object, fixtures: dict[str, str], argv: list[str] | None = None) -> None:
    """Run a server for `app` on 127.0.0.1, print {"url", "fixtures"} and serve until a signal."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="wait this long before each answer")
    parser.add_argument("--traffic", default=None, help="write each request's times here when stopped")
    args = parser.parse_args(argv)
    traffic = Traffic(args.latency_ms / 1000)
    handler = type("AppHandler", (Handler,), {"app": app, "traffic": traffic})
    server = _Server(("127.0.0.1", args.port), handler)
    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        if not stop.is_set():
            stop.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    port = server.server_address[1]
    print(json.dumps({"url": f"http://127.0.0.1:{port}", "fixtures": fixtures}), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if args.traffic:
            traffic.write(args.traffic)
