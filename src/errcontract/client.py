"""The client: httpx over real sockets, with every safety a live, paid API deserves.

Keep-alive; bounded body size and total time per response (a trickling body cannot hold the run);
no redirect is ever followed (so `Authorization` never reaches another host; the 3xx is recorded
and judged); a request budget; a spend guard; rate limits read from the headers, a short wait
honoured and a long one ending the probing. Every exchange goes to the observers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from errcontract.client_limits import RateLimitState
from errcontract.exchange import Exchange, RequestSpec, pointer_get
from errcontract.redact import Redactor

Observer = Callable[[Exchange], None]


class NotSent(Exception):
    """The request was deliberately not sent; the reason says why (budget, spend, rate limit)."""


@dataclass
class ClientSettings:
    base_url: str
    timeout_s: float = 10.0
    max_body_bytes: int = 1 << 20
    max_requests: int = 5000
    is_mock: bool = False
    allow_spend: float | None = None
    max_wait_s: float = 5.0
    verify_tls: bool = True
    charged_pointers: tuple[str, ...] = ()  # where a success body says what it cost
    max_run_s: float = 600.0  # the whole run is bounded too
    unreachable_after: int = 2  # transport failures, with no answer ever, that end the probing


@dataclass
class ClientStats:
    sent: int = 0
    answered: int = 0
    transport_errors: int = 0
    spent: float = 0.0
    not_sent: dict[str, int] = field(default_factory=dict)


class TargetClient:
    """Sends RequestSpecs to one target and records Exchanges."""

    def __init__(self, settings: ClientSettings, redactor: Redactor) -> None:
        self.settings = settings
        self.redact = redactor
        self.stats = ClientStats()
        self.observers: list[Observer] = []
        self.limits = RateLimitState(settings.max_wait_s)
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/"),
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=False,
            verify=settings.verify_tls,
            limits=httpx.Limits(max_keepalive_connections=16, max_connections=32),
            headers={"User-Agent": "errcontract"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TargetClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- guards -------------------------------------------------------------------------------
    def _refuse(self, reason: str) -> None:
        with self._lock:
            self.stats.not_sent[reason] = self.stats.not_sent.get(reason, 0) + 1
        raise NotSent(reason)

    def _guard(self, spec: RequestSpec) -> None:
        settings = self.settings
        budget = settings.allow_spend or 0
        if spec.may_bill and not settings.is_mock and budget <= 0:
            self._refuse("could be billed on a live target: pass --allow-spend CREDITS to send it")
        if spec.may_bill and budget > 0 and self.stats.spent >= budget:
            self._refuse(f"spend cap reached ({self.stats.spent:g} of {budget:g} credits)")
        stopped = self.limits.stopped_reason
        if stopped:
            self._refuse(stopped)
        if self.stats.answered == 0 and self.stats.transport_errors >= settings.unreachable_after:
            self._refuse(f"the target never answered ({self.stats.transport_errors} attempts): probing stopped")
        if time.monotonic() - self._started > settings.max_run_s:
            self._refuse(f"the run's time bound ({settings.max_run_s:g} s) is reached")
        with self._lock:
            if self.stats.sent >= settings.max_requests:
                reason = f"request budget used up (--max-requests {settings.max_requests})"
                self.stats.not_sent[reason] = self.stats.not_sent.get(reason, 0) + 1
                raise NotSent(reason)
            self.stats.sent += 1

    # -- sending ------------------------------------------------------------------------------
    def send(self, spec: RequestSpec) -> Exchange:
        """Send one request (NotSent when a guard refuses it); observers see the exchange."""
        self._guard(spec)
        exchange = self._exchange(spec)
        wait = self.limits.after_response(exchange)
        if wait is not None:  # a short, documented wait: honour it once, then retry
            time.sleep(wait)
            self._guard(spec)
            exchange = self._exchange(spec)
            self.limits.after_response(exchange, retried=True)
        for observer in self.observers:
            observer(exchange)
        return exchange

    def _exchange(self, spec: RequestSpec) -> Exchange:
        request = self._http.build_request(
            spec.method, spec.path, headers=spec.headers, params=spec.query or None,
            content=spec.body_bytes(), files=_files(spec),
        )
        exchange = Exchange(
            request=spec,
            url=self.redact(str(request.url)),
            redacted_headers={k: self.redact(v) for k, v in request.headers.items()},
        )
        started = time.monotonic()
        try:
            self._read(request, exchange, started + self.settings.timeout_s)
        except httpx.HTTPError as exc:
            exchange.transport_error = self.redact(_describe(exc, self.settings.timeout_s))
        exchange.elapsed_s = time.monotonic() - started
        with self._lock:
            if exchange.status is not None:
                self.stats.answered += 1
                self.stats.spent += self._charged(exchange)
            else:
                self.stats.transport_errors += 1
        return exchange

    def _charged(self, exchange: Exchange) -> float:
        if not 200 <= (exchange.status or 0) < 300 or not self.settings.charged_pointers:
            return 0.0
        body = exchange.json()
        values = (pointer_get(body, p) for p in self.settings.charged_pointers)
        return float(sum(v for v in values if isinstance(v, int | float) and not isinstance(v, bool)))

    def _read(self, request: httpx.Request, exchange: Exchange, deadline: float) -> None:
        response = self._http.send(request, stream=True)
        try:
            exchange.status = response.status_code
            exchange.headers = {k.lower(): v for k, v in response.headers.items()}
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_raw():
                chunks.append(chunk)
                size += len(chunk)
                if size > self.settings.max_body_bytes:
                    exchange.truncated = True
                    break
                if time.monotonic() > deadline:
                    exchange.transport_error = (
                        f"body not complete after {self.settings.timeout_s:g} s (trickling); "
                        f"{size} bytes read"
                    )
                    exchange.truncated = True
                    break
            exchange.body = b"".join(chunks)[: self.settings.max_body_bytes]
        finally:
            response.close()


def _files(spec: RequestSpec) -> dict[str, tuple[str, bytes, str]] | None:
    upload = spec.upload
    if upload is None:
        return None
    data = payload_bytes(upload.content_type, upload.size)
    return {upload.field: (upload.filename, data, upload.content_type)}


_PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def payload_bytes(content_type: str, size: int) -> bytes:
    """A file of `size` bytes whose first bytes fit its declared type (PNG header for images)."""
    head = _PNG_HEADER if content_type.startswith("image/") else b"errcontract probe file\n"
    return (head + b"\x00" * max(0, size - len(head)))[:size]


def _describe(exc: httpx.HTTPError, timeout_s: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout_s:g} s ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection closed or broken mid-response: {exc}"
    return f"{type(exc).__name__}: {exc}"
