"""A reverse proxy that judges on the side: what the upstream answers reaches the client
unchanged (status, every header line, the body's bytes as they arrive, streamed and SSE alike),
and a copy of each exchange goes to the traffic session once its body has ended.

Nothing is rewritten: no header added to the answer, no body decoded for the client, redirects
passed back as they are. Hop-by-hop headers (RFC 9110 section 7.6.1) are the connection's own and
are not forwarded. An upstream that cannot be reached gets the client a 502 saying so in plain
words (the proxy's, never the upstream's), and the outage is recorded as an entry without answer.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from errcontract.observe.har_writer import HarWriter
from errcontract.observe.session import TrafficSession
from errcontract.traffic.entry import MAX_BODY, Recorded, decoded_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"transfer-encoding", b"upgrade"}
)
MAX_REQUEST = 64 * 1024 * 1024


def upstream_url(upstream: str, scope: Scope) -> str:
    """The upstream URL for a request: the upstream's root and path, then the request's path."""
    raw_path: bytes = scope.get("raw_path") or str(scope["path"]).encode()
    path = raw_path.decode("latin-1")
    query = scope.get("query_string", b"").decode("latin-1")
    return upstream.rstrip("/") + path + (f"?{query}" if query else "")


def _forwarded(headers: list[tuple[bytes, bytes]], drop_host: bool) -> list[tuple[bytes, bytes]]:
    return [
        (k, v) for k, v in headers if k.lower() not in HOP_BY_HOP and not (drop_host and k.lower() == b"host")
    ]


def _text_pairs(headers: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers)


async def _request_body(receive: Receive) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body") or len(body) > MAX_REQUEST:
            return bytes(body)


class Proxy:
    """The ASGI app: forward, pass back, then hand the exchange to the session."""

    def __init__(self, upstream: str, session: TrafficSession, har: HarWriter | None, timeout: float) -> None:
        self.upstream = upstream
        self.session = session
        self.har = har
        self.timeout = timeout
        self.outages = 0
        self._numbers = itertools.count(1)
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            timeout = httpx.Timeout(self.timeout, read=None)  # a stream may pause as long as it likes
            self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)
            self._client.headers.clear()  # no header of httpx's own is added to what the client sent
        return self._client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # not proxied: refused at the handshake, in so many words
            await receive()
            await send({"type": "websocket.close", "code": 1003, "reason": "errcontract proxy: HTTP only"})
            return
        if scope["type"] != "http":
            return
        started = time.time()
        body = await _request_body(receive)
        url = upstream_url(self.upstream, scope)
        headers = _forwarded(list(scope["headers"]), drop_host=True)
        request = self.client().build_request(scope["method"], url, headers=headers, content=body or None)
        common = (f"proxy:{next(self._numbers)}", scope["method"], url, _text_pairs(headers), body or None)
        try:
            response = await self.client().send(request, stream=True)
        except httpx.HTTPError as exc:
            await self._bad_gateway(send, exc)
            self.outages += 1
            why = f"no response: the upstream {urlsplit(self.upstream).netloc} did not answer ({_why(exc)})"
            await self._observe(Recorded(*common, None, (), b"", started, aborted=why))
            return
        captured, complete = await self._pass_back(response, send)
        response_headers = _text_pairs(list(response.headers.raw))
        encoding = response.headers.get("content-encoding")
        decoded, truncated = decoded_body(bytes(captured), encoding)
        entry = Recorded(
            *common, response.status_code, response_headers, decoded, started, truncated or not complete
        )
        await self._observe(entry)

    async def _pass_back(self, response: httpx.Response, send: Send) -> tuple[bytearray, bool]:
        """Status, headers and body bytes to the client as they arrive; a copy (bounded) kept."""
        captured = bytearray()
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": _forwarded(list(response.headers.raw), drop_host=False),
            }
        )
        complete = True
        try:
            async for chunk in response.aiter_raw():
                if len(captured) <= MAX_BODY:
                    captured += chunk[: MAX_BODY + 1 - len(captured)]
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.HTTPError:
            complete = False  # the upstream broke off mid-body: the client gets what came
        finally:
            await response.aclose()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return captured, complete

    async def _bad_gateway(self, send: Send, exc: Exception) -> None:
        text = (
            f"errcontract proxy: the upstream {self.upstream} could not be reached ({_why(exc)}); "
            "nothing was forwarded back.\n"
        ).encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(text)).encode()),
        ]
        await send({"type": "http.response.start", "status": 502, "headers": headers})
        await send({"type": "http.response.body", "body": text, "more_body": False})

    async def _observe(self, entry: Recorded) -> None:
        """Judge off the event loop (a stream being passed back is never held up by the judge)."""
        clean = await asyncio.to_thread(self.session.add_live, entry)
        if self.har is not None and isinstance(clean, Recorded):
            self.har.add(clean)


def _why(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
