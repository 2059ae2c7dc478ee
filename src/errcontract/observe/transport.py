"""httpx transports that judge every response the code under test receives (sync and async).

    judge = TrafficJudge("openai")
    client = httpx.Client(transport=judge.transport())        # or judge.async_transport()
    ...                                                        # the code under test runs
    judge.publish(Path("reports"))                             # the report set, as a run's

The transport wraps another (default: httpx's own over real sockets) and changes nothing: the
response's bytes reach the caller as they arrive; a copy (bounded) is judged when the body has
been read to its end; a body the caller closed half read is counted, not judged, and a stream the
caller never closes is never seen.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx

from errcontract.observe.session import TargetResults, TrafficSession, contracts_for, publish
from errcontract.traffic.entry import MAX_BODY, Recorded, Skipped, decoded_body

__all__ = ["AsyncJudgingTransport", "JudgingTransport", "TrafficJudge"]

Observe = Callable[[bytes, bool], None]
CLOSED_EARLY = "the caller closed the response before its body ended (not judged)"


class _Copy:
    """The body's first MAX_BODY bytes as they pass, and whether the stream ended whole."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.whole = False

    def add(self, chunk: bytes) -> None:
        if len(self.data) <= MAX_BODY:
            self.data += chunk[: MAX_BODY + 1 - len(self.data)]


class _TeeStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, observe: Observe) -> None:
        self.inner, self.observe, self.copy, self.done = inner, observe, _Copy(), False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            self.copy.add(chunk)
            yield chunk
        self.copy.whole = True

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            if not self.done:
                self.done = True
                self.observe(bytes(self.copy.data), self.copy.whole)


class _AsyncTeeStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, observe: Observe) -> None:
        self.inner, self.observe, self.copy, self.done = inner, observe, _Copy(), False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            self.copy.add(chunk)
            yield chunk
        self.copy.whole = True

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            if not self.done:
                self.done = True
                self.observe(bytes(self.copy.data), self.copy.whole)


def _request_body(request: httpx.Request) -> bytes | None:
    try:
        return request.content or None
    except httpx.RequestNotRead:
        return None  # a streamed upload: not kept


class TrafficJudge:
    """One provider's judge for a test suite's traffic: transports in, a report set out."""

    def __init__(self, provider: str) -> None:
        contracts, contract = contracts_for(provider)
        self.session = TrafficSession(contracts, contract)
        self._numbers = iter(range(1, 1 << 62))

    def transport(self, wrapped: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        return JudgingTransport(self, wrapped or httpx.HTTPTransport())

    def async_transport(self, wrapped: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncBaseTransport:
        return AsyncJudgingTransport(self, wrapped or httpx.AsyncHTTPTransport())

    def observer(self, request: httpx.Request, response: httpx.Response, started: float) -> Observe:
        """What to do with the body once read: judge the exchange."""
        where = f"transport:{next(self._numbers)}"
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw)
        common = (where, request.method, str(request.url), headers, _request_body(request))

        def observe(body: bytes, whole: bool) -> None:
            if not whole:  # a body half read is no body to judge (nor the server's fault)
                self.session.add_live(Skipped(where, CLOSED_EARLY))
                return
            pairs = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw)
            decoded, over = decoded_body(body, response.headers.get("content-encoding"))
            status = response.status_code
            self.session.add_live(Recorded(*common, status, pairs, decoded, started, over))

        return observe

    def failed(self, request: httpx.Request, exc: Exception, started: float) -> None:
        """A request that got no answer (connection refused, timeout): recorded as such."""
        where = f"transport:{next(self._numbers)}"
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw)
        why = f"no response: {type(exc).__name__}: {exc}"
        body = _request_body(request)
        self.session.add_live(
            Recorded(
                where, request.method, str(request.url), headers, body, None, (), b"", started, aborted=why
            )
        )

    def publish(self, report_dir: Path, strict: bool = False) -> list[TargetResults]:
        """The report set (a folder per target and the index); nothing when nothing came through."""
        self.session.finish()
        return publish(self.session, report_dir, strict) if self.session.hosts else []


class JudgingTransport(httpx.BaseTransport):
    def __init__(self, judge: TrafficJudge, wrapped: httpx.BaseTransport) -> None:
        self.judge, self.wrapped = judge, wrapped

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.time()
        try:
            response = self.wrapped.handle_request(request)
        except httpx.TransportError as exc:
            self.judge.failed(request, exc, started)
            raise
        assert isinstance(response.stream, httpx.SyncByteStream)
        observe = self.judge.observer(request, response, started)
        response.stream = _TeeStream(response.stream, observe)
        return response

    def close(self) -> None:
        self.wrapped.close()


class AsyncJudgingTransport(httpx.AsyncBaseTransport):
    def __init__(self, judge: TrafficJudge, wrapped: httpx.AsyncBaseTransport) -> None:
        self.judge, self.wrapped = judge, wrapped

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.time()
        try:
            response = await self.wrapped.handle_async_request(request)
        except httpx.TransportError as exc:
            self.judge.failed(request, exc, started)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        observe = self.judge.observer(request, response, started)
        response.stream = _AsyncTeeStream(response.stream, observe)
        return response

    async def aclose(self) -> None:
        await self.wrapped.aclose()
