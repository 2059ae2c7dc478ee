"""The loopback server machinery: a raw-bytes HTTP/1.1 server on 127.0.0.1 and its helpers.

A `LoopbackServer` is a plain TCP listener served by one thread per connection; its handler gets
the parsed request and the raw connection, so it can misbehave at the byte level (never answer,
close mid-response, trickle, send 64 MB) in ways no web framework allows. Every answer carries
`Connection: close`: one request per connection keeps the bookkeeping simple. Each server records
the requests it read, so a test can assert what reached it (and with which headers).
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    header_names: tuple[str, ...] = ()  # every header line's name, lower-cased, repeats kept


class Connection:
    """One accepted socket; `send` counts what was written, `stopping` is set when the server stops."""

    def __init__(self, sock: socket.socket, server: LoopbackServer) -> None:
        self.sock = sock
        self.server = server
        self.stopping = server.stopping

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)
        with self.server.lock:
            self.server.bytes_sent += len(data)


Handler = Callable[[Request, Connection], None]


class LoopbackServer:
    """A threaded TCP server on 127.0.0.1 (optionally TLS) whose handler writes raw bytes."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.requests: list[Request] = []
        self.crashes: list[str] = []
        self.bytes_sent = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # accept() wakes up to see `stopping`
        self._open: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def __enter__(self) -> LoopbackServer:
        self._spawn(self._accept_loop)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        accept_thread, *connection_threads = self._threads
        accept_thread.join(timeout=5)
        with self.lock:
            for sock in self._open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in connection_threads:
            thread.join(timeout=5)
        self._listener.close()

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self.lock:
                self._open.append(sock)
            self._spawn(self._serve, sock)

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            request = read_request(sock)
            if request is not None:
                with self.lock:
                    self.requests.append(request)
                self.handler(request, Connection(sock, self))
        except OSError:
            pass  # the client went away (as it should, from a trickle or a 64 MB body)
        except Exception as exc:  # a bug in a test double: kept for the test to report
            with self.lock:
                self.crashes.append(f"{type(exc).__name__}: {exc}")
        finally:
            with suppress(OSError):
                sock.close()


def read_request(sock: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    names = tuple(line.partition(":")[0].strip().lower() for line in lines[1:])
    return Request(method, path, headers, body, names)


def response_head(status: int, headers: dict[str, str], length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASON_PHRASES.get(status, 'Status')}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def http_response(status: int, headers: dict[str, str], body: bytes) -> bytes:
    return response_head(status, headers, len(body)) + body


REASON_PHRASES = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """The status, headers (Connection and Content-Length left out) and body of a built response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    pairs = (line.split(": ", 1) for line in lines)
    headers = {k: v for k, v in pairs if k not in ("Connection", "Content-Length")}
    return int(status_line.split(" ")[1]), headers, body


@contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port bound but not listening: connecting to it is refused, and no one can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def self_signed_tls(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate (made by the openssl CLI)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
