"""Real misbehaving HTTP targets on 127.0.0.1 sockets, for the robustness tests.

A `LoopbackServer` is a plain TCP listener served by one thread per connection; its handler gets
the parsed request and the raw connection, so it can misbehave at the byte level (never answer,
close mid-response, trickle, send 64 MB) in ways no web framework allows. Every answer carries
`Connection: close`: one request per connection keeps the bookkeeping simple. Each server records
the requests it read, so a test can assert what reached it (and with which headers).

`faithful_vicsee` answers the recipes a live run sends with conformant VicSee errors (the
contract's envelope, codes and rate-limit headers); `routed` sends only some requests to a fault,
so a run can show that it judges the rest.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

RESET_FAR_AWAY = "2099-01-01T00:00:00.000Z"
KNOWN_MODEL = "vicsee-image-1"  # the contract's default `model` fixture


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


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
    return Request(method, path, headers, body)


def response_head(status: int, headers: dict[str, str], length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def http_response(status: int, headers: dict[str, str], body: bytes) -> bytes:
    return response_head(status, headers, len(body)) + body


_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 402: "Payment Required",
            403: "Forbidden", 404: "Not Found", 413: "Request Entity Too Large",
            429: "Too Many Requests", 502: "Bad Gateway", 504: "Gateway Timeout"}


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """The status, headers (Connection and Content-Length left out) and body of a built response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    pairs = (line.split(": ", 1) for line in lines)
    headers = {k: v for k, v in pairs if k not in ("Connection", "Content-Length")}
    return int(status_line.split(" ")[1]), headers, body


# -- the faithful target ---------------------------------------------------------------------------
@dataclass
class VicSeeKeys:
    """Which keys the faithful target knows, and what each account is like."""

    valid: set[str] = field(default_factory=set)
    no_credits: set[str] = field(default_factory=set)
    pending_task: str = "task-pending-0001"


def vicsee_error(status: int, code: str, message: str, limits: dict[str, str] | None = None) -> bytes:
    body = json.dumps({"success": False, "error": {"code": code, "message": message}}).encode()
    return http_response(status, {"Content-Type": "application/json", **(limits or {})}, body)


def rate_limit_headers(limit: int = 500, remaining: int = 499) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": RESET_FAR_AWAY}


def faithful_vicsee(keys: VicSeeKeys, limits: Callable[[], dict[str, str]] = rate_limit_headers) -> Handler:
    """Conformant VicSee errors for every recipe errcontract sends (docs: Errors page, API pages)."""

    def handle(request: Request, conn: Connection) -> None:
        conn.send(vicsee_answer(request, keys, limits))

    return handle


def vicsee_answer(request: Request, keys: VicSeeKeys, limits: Callable[[], dict[str, str]]) -> bytes:
    route = request.path.split("?")[0]
    if route == "/api/v1/models" and request.method == "GET":  # the one endpoint with no auth
        body = json.dumps({"success": True, "data": [{"id": KNOWN_MODEL}]}).encode()
        return http_response(200, {"Content-Type": "application/json"}, body)
    if not (route.startswith("/api/v1/tasks/") or route in ("/api/v1/generate", "/api/v1/tools/upscale")):
        return vicsee_error(404, "NOT_FOUND", "No such route")  # outside the docs: any 404 will do
    auth = request.headers.get("authorization")
    if auth is None:
        return vicsee_error(401, "MISSING_AUTH_HEADER", "Missing Authorization header")
    if not auth.startswith("Bearer "):
        return vicsee_error(401, "INVALID_AUTH_FORMAT", "Invalid Authorization format")
    key = auth.removeprefix("Bearer ")
    if not key.startswith("sk-"):
        return vicsee_error(401, "INVALID_KEY_FORMAT", "Invalid API key format")
    if key not in keys.valid | keys.no_credits:
        return vicsee_error(401, "INVALID_API_KEY", "Invalid or inactive API key")
    if "/tasks/" in request.path:
        return _task_answer(request.path, keys, limits())
    return _generate_answer(request.body, key in keys.no_credits, limits())


def _task_answer(path: str, keys: VicSeeKeys, limits: dict[str, str]) -> bytes:
    task = path.split("/tasks/", 1)[1].split("/")[0].split("?")[0]
    if task != keys.pending_task:
        return vicsee_error(404, "TASK_NOT_FOUND", "Task not found", limits)
    if "/download" in path:
        return vicsee_error(403, "TASK_NOT_COMPLETE", "Task is not complete", limits)
    body = json.dumps({"success": True, "data": {"id": task, "status": "pending"}}).encode()
    return http_response(200, {"Content-Type": "application/json", **limits}, body)


def _generate_answer(raw: bytes, no_credits: bool, limits: dict[str, str]) -> bytes:
    try:
        body = json.loads(raw)
    except ValueError:
        return vicsee_error(400, "INVALID_JSON", "Invalid JSON body", limits)
    if not isinstance(body, dict):
        return vicsee_error(400, "INVALID_JSON", "Invalid JSON body", limits)
    if "model" not in body:
        return vicsee_error(400, "MISSING_MODEL", "model is required", limits)
    if "prompt" not in body:
        return vicsee_error(400, "MISSING_PROMPT", "prompt is required", limits)
    if body["model"] != KNOWN_MODEL:
        return vicsee_error(400, "INVALID_MODEL", "Invalid model", limits)
    if no_credits:
        message = "Insufficient credits. Required: 60, Available: 0"
        return vicsee_error(402, "INSUFFICIENT_CREDITS", message, limits)
    return vicsee_error(500, "INTERNAL_ERROR", "a billable request reached the test target", limits)


def routed(fault: Handler, when: Callable[[Request], bool], otherwise: Handler) -> Handler:
    """Requests matching `when` meet the fault; the others get `otherwise`."""

    def handle(request: Request, conn: Connection) -> None:
        (fault if when(request) else otherwise)(request, conn)

    return handle


def is_task_request(request: Request) -> bool:
    return "/tasks/" in request.path


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
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


# -- faults: each handler's docstring says exactly how it is wrong ---------------------------------
def never_answers(request: Request, conn: Connection) -> None:
    """Reads the request, then says nothing until the server stops."""
    conn.stopping.wait()


def closes_without_response(request: Request, conn: Connection) -> None:
    """Reads the request and closes the connection without a byte of response."""


def closes_mid_body(request: Request, conn: Connection) -> None:
    """Promises a 400 JSON body of 200 bytes, sends 20 of them, and closes."""
    conn.send(response_head(400, {"Content-Type": "application/json"}, 200) + b'{"success": false, "e')


def trickles_body(request: Request, conn: Connection) -> None:
    """Sends a 404's headers at once, then its JSON body one byte every 0.1 s."""
    body = json.dumps({"success": False, "error": {"code": "TASK_NOT_FOUND", "message": "x" * 1200}})
    conn.send(response_head(404, {"Content-Type": "application/json"}, len(body)))
    for byte in body.encode():
        if conn.stopping.wait(0.1):
            return
        conn.send(bytes([byte]))


def trickles_head(request: Request, conn: Connection) -> None:
    """Sends its status line and headers one byte every 0.1 s (a read timeout never fires)."""
    head = response_head(404, {"Content-Type": "application/json", "X-Padding": "p" * 1200}, 0)
    for byte in head:
        if conn.stopping.wait(0.1):
            return
        conn.send(bytes([byte]))


def gateway_page(status: int) -> Handler:
    """An nginx-style HTML error page (502, 504, 413) where the contract promises a JSON error."""
    title = f"{status} {_REASONS[status]}"
    page = f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
    page += "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

    def handle(request: Request, conn: Connection) -> None:
        conn.send(http_response(status, {"Content-Type": "text/html", "Server": "nginx"}, page.encode()))

    return handle


def json_typed(status: int, body: bytes) -> Handler:
    """`body` (invalid UTF-8, truncated JSON) sent as `application/json`."""

    def handle(request: Request, conn: Connection) -> None:
        conn.send(http_response(status, {"Content-Type": "application/json"}, body))

    return handle


def huge_body(megabytes: int) -> Handler:
    """A 404 whose JSON body is `megabytes` MB long (a message of spaces), sent as fast as it can."""
    piece = b" " * (1 << 20)

    def handle(request: Request, conn: Connection) -> None:
        total = megabytes << 20
        conn.send(response_head(404, {"Content-Type": "application/json"}, total))
        conn.send(b'{"success": false, "error": {"code": "TASK_NOT_FOUND", "message": "')
        for _ in range(megabytes - 1):
            conn.send(piece)

    return handle


def redirects_to(location: str) -> Handler:
    """Answers 302 to `location` (another host), as a moved or hijacked API root might."""

    def handle(request: Request, conn: Connection) -> None:
        headers = {"Location": location + request.path, "Content-Type": "text/html"}
        conn.send(http_response(302, headers, b"<a>moved</a>"))

    return handle


class DailyLimit:
    """A faithful VicSee target whose daily limit is `limit` requests; after it, 429 RATE_LIMITED
    with X-RateLimit-Remaining 0 and a reset far away (docs: Rate Limit Errors (429))."""

    def __init__(self, limit: int, keys: VicSeeKeys) -> None:
        self.limit = limit
        self.keys = keys
        self.answered_429 = 0
        self.after_first_429 = 0  # requests that arrived after the first 429 was sent
        self._used = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request, conn: Connection) -> None:
        with self._lock:
            self._used += 1
            used = self._used
            self.after_first_429 += 1 if self.answered_429 else 0
            self.answered_429 += 1 if used > self.limit else 0
        headers = rate_limit_headers(self.limit, max(0, self.limit - used))
        if used > self.limit:
            message = f"Rate limit exceeded. Limit: {self.limit}/day. Resets at: {RESET_FAR_AWAY}"
            conn.send(vicsee_error(429, "RATE_LIMITED", message, headers))
        else:
            conn.send(vicsee_answer(request, self.keys, lambda: headers))


# -- the real command, run against them ------------------------------------------------------------
@dataclass
class RunOutcome:
    exit_code: int
    stdout: str
    stderr: str
    elapsed_s: float
    report_dir: Path

    def results(self, provider: str = "vicsee") -> dict:
        return json.loads((self.report_dir / provider / "results.json").read_text(encoding="utf-8"))

    def outputs(self) -> dict[str, bytes]:
        """stdout, stderr and every file the run left under the report directory."""
        found = {"stdout": self.stdout.encode(), "stderr": self.stderr.encode()}
        if self.report_dir.is_dir():
            found.update({str(p): p.read_bytes() for p in sorted(self.report_dir.rglob("*")) if p.is_file()})
        return found

    def codes(self, provider: str = "vicsee") -> dict[str, dict]:
        return {c["code"]: c for c in self.results(provider)["codes"]}


def run_errcontract(args: list[str], report_dir: Path, env: dict[str, str] | None = None,
                    timeout_s: float = 60) -> RunOutcome:
    """`python -m errcontract run ARGS --report-dir DIR` in a child process, outside the checkout."""
    child_env = {k: v for k, v in os.environ.items()
                 if not k.startswith("ERRCONTRACT_") and "proxy" not in k.lower()}
    child_env.update(env or {})
    command = [sys.executable, "-m", "errcontract", "run", *args, "--report-dir", str(report_dir)]
    workdir = next(p for p in report_dir.parents if p.is_dir())  # outside the checkout
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=child_env, timeout=timeout_s,
                          cwd=workdir, check=False)
    return RunOutcome(done.returncode, done.stdout, done.stderr, time.monotonic() - started, report_dir)


def assert_clean(outcome: RunOutcome, secrets: list[str]) -> None:
    """No traceback anywhere, and no planted key in any output or report file."""
    for stream in (outcome.stdout, outcome.stderr):
        where = stream.find("Traceback")
        assert where < 0, stream[max(0, where - 300): where + 1500]
    for name, data in outcome.outputs().items():
        for secret in secrets:
            assert secret.encode() not in data, f"key {secret[:6]}… leaked into {name}"


def run_concurrently(jobs: dict[str, Callable[[], RunOutcome]], workers: int = 4) -> dict[str, RunOutcome]:
    """Several runs at once: each is a child process mostly waiting on imports or timeouts."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}
