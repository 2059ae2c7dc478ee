"""Serving the mock with uvicorn on 127.0.0.1: in this process (a thread) or as the CLI's server.

The socket is bound before uvicorn starts, so the URL is known (and connectable: the kernel
queues connections) the moment it is printed or returned.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette

from errcontract.contract.model import Contract, load_provider
from errcontract.core.errors import ErrcontractError, UsageError
from errcontract.mock.app import build_app

HOST = "127.0.0.1"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def bind_socket(port: int = 0) -> socket.socket:
    """A listening TCP socket on loopback (port 0: the kernel picks a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this. Without it uvicorn's h11 writes (headers, then body) meet
    # Nagle and delayed ACKs: ~40 ms per keep-alive request instead of ~1 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class _Server(uvicorn.Server):
    """uvicorn, minus re-raising SIGTERM/SIGINT after shutdown: a stopped mock exits 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def make_server(app: Starlette, own_headers: bool = True) -> uvicorn.Server:
    """uvicorn for `app`; `own_headers=False` leaves out uvicorn's Server and Date headers (a
    proxy passes the upstream's answer on as it came)."""
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        timeout_keep_alive=30,
        server_header=own_headers,
        date_header=own_headers,
    )
    return _Server(config)


def url_of(sock: socket.socket) -> str:
    return f"http://{HOST}:{sock.getsockname()[1]}"


@dataclass
class ThreadedMock:
    """A mock served from a daemon thread of this process; `stop()` shuts it down."""

    url: str
    fixtures: dict[str, str]
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket
    stopped: bool = field(default=False)

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()

    def __enter__(self) -> ThreadedMock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@functools.lru_cache(maxsize=8)
def _contract(provider: str) -> Contract:
    """Contracts are immutable: load each once per process (tests start dozens of mocks)."""
    return load_provider(provider)


def serve_in_thread(provider: str, drift: str | None = None, test_mode: bool = False) -> ThreadedMock:
    """Start the provider's mock on a free loopback port in a thread; returns once it serves."""
    app, fixtures = build_app(_contract(provider), drift=drift, test_mode=test_mode)
    sock = bind_socket(0)
    server = make_server(app)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"errcontract-mock-{provider}"
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise ErrcontractError(f"mock {provider} did not start in a thread")
        time.sleep(0.005)
    return ThreadedMock(url_of(sock), fixtures, server, thread, sock)


def stop_all(mocks: list[ThreadedMock]) -> None:
    """Stop several threaded mocks at once (each shutdown waits for uvicorn's 0.1 s tick)."""
    for mock in mocks:
        mock.server.should_exit = True
    for mock in mocks:
        mock.stop()
