"""The exchange's deadline, enforced on every socket operation of the client's transport.

A per-request timeout alone would let a target that sends one byte per second hold a read
forever: every read, write, connect and TLS start waits at most until the current thread's
exchange must end. `DeadlineBackend` is given to the connection pool of the client's transport
(`transport.py`) through httpcore's public `network_backend` argument.
"""

from __future__ import annotations

import ssl
import threading
import time
from typing import Any

import httpcore


class _Deadline(threading.local):
    """When the current thread's exchange must end (a per-request timeout alone would let a
    target that sends one byte per second hold a read forever)."""

    at: float | None = None

    def bound(self, timeout: float | None, error: type[Exception]) -> float | None:
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("the exchange's time bound is reached")
        return left if timeout is None else min(timeout, left)

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at


DEADLINE = _Deadline()


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, DEADLINE.bound(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, DEADLINE.bound(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        bounded = DEADLINE.bound(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend (the plain socket one by default), every connect bounded."""

    def __init__(self, backend: httpcore.NetworkBackend | None = None) -> None:
        self._backend = backend if backend is not None else httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        bounded = DEADLINE.bound(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._backend.connect_tcp(host, port, bounded, local_address, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
