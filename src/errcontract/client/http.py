"""The client: httpx over real sockets, with every safety a live, paid API deserves.

Keep-alive; bounded body size and total time per exchange (every socket read and write waits at
most until the exchange's deadline, so a target trickling its headers or body cannot hold the run);
no redirect is ever followed (so `Authorization` never reaches another host; the 3xx is recorded
and judged); a request budget; a spend guard; rate limits read from the headers, a short wait
honoured and a long one ending the probing. `send` returns the exchange; the caller judges it.

Requests go straight to the transport (`httpx.Request` → `DeadlineTransport`), not through an
`httpx.Client`: every request is built once under the target root (a generated path can never
name another host), and no cookie jar carries state from one probe to the next (a session cookie
set on an authenticated answer must not authenticate the next, deliberately key-less, probe).
A compressed body is decoded (`body.py`) before anything judges it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import NoReturn

import httpx

from errcontract.client.body import BoundedBody
from errcontract.client.deadline import DEADLINE
from errcontract.client.inflight import InFlight
from errcontract.client.limits import RateLimitState, refused_unasked, remaining_shown
from errcontract.client.transport import DeadlineTransport
from errcontract.core.exchange import Exchange, RequestSpec, pointer_get
from errcontract.core.redact import Redactor

# What an httpx.Client sends unless told otherwise (only the encodings body.py decodes).
DEFAULT_HEADERS = {
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate",
    "Connection": "keep-alive",
    "User-Agent": "errcontract",
}


def _budget_reason(max_requests: int) -> str:
    return f"request budget used up (--max-requests {max_requests})"


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
    charged_pointers: tuple[str, ...] = ()  # where a billable success says what it cost
    spend_unit: str = "credits"  # what those numbers count (the contract's billing.unit)
    billable_endpoints: frozenset[str] = frozenset()
    max_run_s: float = 600.0  # the whole run is bounded too
    unreachable_after: int = 2  # transport failures, with no answer ever, that end the probing
    gone_after: int = 8  # transport failures in a row, after answers, that end it (the target died)
    concurrency: int = 4  # requests in flight at most, whichever threads send them (inflight.py)


@dataclass
class ClientStats:
    sent: int = 0
    answered: int = 0
    transport_errors: int = 0
    failures_in_a_row: int = 0
    spent: float = 0.0
    not_sent: dict[str, int] = field(default_factory=dict)


class TargetClient:
    """Sends RequestSpecs to one target and records Exchanges."""

    def __init__(self, settings: ClientSettings, redactor: Redactor) -> None:
        self.settings = settings
        self.redact = redactor
        self.stats = ClientStats()
        self.limits = RateLimitState(settings.max_wait_s)
        self.in_flight = InFlight(settings.concurrency)
        self._billing = 0  # billable requests in flight beside others (their charge reserved)
        self._largest_charge = 0.0
        self._lock = threading.Lock()
        self._sequence = 0
        self._started = time.monotonic()
        self._transport = DeadlineTransport(
            verify=settings.verify_tls,
            limits=httpx.Limits(max_keepalive_connections=16, max_connections=32),
        )
        self._root = settings.base_url.rstrip("/")
        self._timeouts = httpx.Timeout(settings.timeout_s).as_dict()

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> TargetClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- guards -------------------------------------------------------------------------------
    def _refuse(self, reason: str) -> NoReturn:
        with self._lock:
            self.stats.not_sent[reason] = self.stats.not_sent.get(reason, 0) + 1
        raise NotSent(reason)

    def _guard(self, spec: RequestSpec) -> None:
        settings = self.settings
        budget = settings.allow_spend or 0
        if spec.may_bill and not settings.is_mock and budget <= 0:
            unit = settings.spend_unit.upper()
            self._refuse(f"could be billed on a live target: pass --allow-spend {unit} to send it")
        if spec.may_bill and budget > 0 and self.stats.spent >= budget:
            self._refuse(f"spend cap reached ({self.stats.spent:g} of {budget:g} {settings.spend_unit})")
        stopped = self.limits.stopped_reason
        if stopped:
            self._refuse(stopped)
        if self.stats.answered == 0 and self.stats.transport_errors >= settings.unreachable_after:
            failures = self.stats.transport_errors
            self._refuse(f"the target never answered ({failures} attempts): probing stopped")
        if self.stats.failures_in_a_row >= settings.gone_after:
            self._refuse(
                f"the target stopped answering ({settings.gone_after} failures in a row): probing stopped"
            )
        if time.monotonic() - self._started > settings.max_run_s:
            self._refuse(f"the run's time bound ({settings.max_run_s:g} s) is reached")
        with self._lock:
            if self.stats.sent >= settings.max_requests:
                reason = _budget_reason(settings.max_requests)
                self.stats.not_sent[reason] = self.stats.not_sent.get(reason, 0) + 1
                raise NotSent(reason)
            self.stats.sent += 1

    def budget_left(self) -> int:
        """Requests the run may still send (--max-requests less those sent)."""
        with self._lock:
            return max(0, self.settings.max_requests - self.stats.sent)

    def count_unsent(self, count: int) -> str:
        """`count` requests never built because the request budget was spent: counted as the
        budget guard counts a refused one (results.json's not_sent), without drawing them; the
        reason is returned."""
        reason = _budget_reason(self.settings.max_requests)
        with self._lock:
            self.stats.not_sent[reason] = self.stats.not_sent.get(reason, 0) + count
        return reason

    # -- sending ------------------------------------------------------------------------------
    def send(self, spec: RequestSpec) -> Exchange:
        """Send one request (NotSent when a guard refuses it) once a slot is free: whichever
        thread calls, at most `concurrency` are in flight (fewer as the target asks, inflight.py)."""
        exchange, wait = self._send_in_slot(spec, self._build(spec))
        if wait is not None:  # a short, documented wait: every sender honours it, then one retry
            exchange, _ = self._send_in_slot(spec, self._build(spec), retried=True)
        return exchange

    def _lanes(self, spec: RequestSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(lanes it goes alone in, lanes it shares): the rate-limited key's requests one at a
        time (its window); under a spend budget, a request that may be billed goes beside others
        only while the budget covers every billable one in flight at the largest charge seen,
        else alone (after those in flight: each charge counted before it is let through)."""
        lanes = [f"window:{spec.key_fixture}"] if spec.expects_rate_limit and spec.key_fixture else []
        budget = self.settings.allow_spend or 0
        if not (spec.may_bill and budget > 0):
            return tuple(lanes), ()
        with self._lock:
            covered = self.stats.spent + (self._billing + 1) * self._largest_charge < budget
            if self._largest_charge > 0 and covered:
                self._billing += 1
                return tuple(lanes), ("billable",)
        return (*lanes, "billable"), ()

    def _send_in_slot(
        self, spec: RequestSpec, request: httpx.Request, retried: bool = False
    ) -> tuple[Exchange, float | None]:
        """Take a slot, check the guards (a stop may have come while waiting), send, and read
        what the answer says (a stop, a wait, the target's pace and room) before the slot is
        given back, so no request takes it without knowing. Returns the wait to honour."""
        lanes, shared = self._lanes(spec)
        try:
            ticket = self.in_flight.take(spec.key_fixture, lanes, shared)
        except BaseException:
            self._unbill(shared)
            raise
        try:
            self._guard(spec)
        except BaseException:
            self.in_flight.give_back_unsent(ticket)
            self._unbill(shared)
            raise
        exchange, wait = Exchange(spec, ""), None
        try:
            exchange = self._exchange(spec, request)
            wait = self.limits.after_response(exchange, retried=retried)
            if wait is not None:
                self.in_flight.pause(wait)
        finally:
            kind = f"{spec.endpoint or spec.path} {(exchange.status or 0) // 100}xx"
            self.in_flight.give_back(
                ticket,
                answered=kind if exchange.status is not None else None,
                refused=refused_unasked(exchange),
                remaining=remaining_shown(exchange),
            )
            self._unbill(shared)
        return exchange, wait

    def _unbill(self, shared: tuple[str, ...]) -> None:
        if shared:
            with self._lock:
                self._billing -= 1

    def _build(self, spec: RequestSpec) -> httpx.Request:
        """The HTTP request under the target root, with the headers an httpx client sends by
        default (the spec's own win); one httpx cannot express (a 64 kB query) is not sent."""
        headers = httpx.Headers(DEFAULT_HEADERS)
        headers.update(spec.headers)
        try:
            return httpx.Request(
                spec.method,
                f"{self._root}/{spec.path.lstrip('/')}",
                params=spec.query or None,
                headers=headers,
                content=spec.body_bytes(),
                files=_files(spec),
                extensions={"timeout": self._timeouts},
            )
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            self._refuse(f"the request cannot be built ({type(exc).__name__})")

    def _exchange(self, spec: RequestSpec, request: httpx.Request) -> Exchange:
        exchange = Exchange(
            request=spec,
            url=self.redact(str(request.url)),
            redacted_headers={k: self.redact(v) for k, v in request.headers.items()},
        )
        started = time.monotonic()
        with self._lock:
            self._sequence += 1
            exchange.seq, exchange.sent_at = self._sequence, time.time()
        DEADLINE.at = started + self.settings.timeout_s
        try:
            self._read(request, exchange)
        except httpx.HTTPError as exc:
            exchange.transport_error = self.redact(_describe(exc, self.settings.timeout_s, exchange))
        finally:
            DEADLINE.at = None
        exchange.elapsed_s = time.monotonic() - started
        answered = exchange.status is not None
        if answered and exchange.transport_error:
            exchange.status = None  # half an answer cannot be judged: an error, not a verdict
        with self._lock:
            if answered:
                self.stats.answered += 1
                self.stats.failures_in_a_row = 0
                charged = self._charged(exchange)
                self.stats.spent += charged
                self._largest_charge = max(self._largest_charge, charged)
            else:
                self.stats.transport_errors += 1
                self.stats.failures_in_a_row += 1
        return exchange

    def _charged(self, exchange: Exchange) -> float:
        billable = exchange.request.endpoint in self.settings.billable_endpoints
        if not billable or not 200 <= (exchange.status or 0) < 300:
            return 0.0
        body = exchange.json()
        values = (pointer_get(body, p) for p in self.settings.charged_pointers)
        return float(sum(v for v in values if isinstance(v, int | float) and not isinstance(v, bool)))

    def _read(self, request: httpx.Request, exchange: Exchange) -> None:
        response = self._transport.handle_request(request)
        body = BoundedBody(response.headers.get("content-encoding", ""), self.settings.max_body_bytes)
        try:
            exchange.status = response.status_code
            # A target may echo the key back (in a message, a debug header): mask it on arrival,
            # so no check message, snippet or report made from the response can carry it.
            exchange.headers = {k.lower(): self.redact(v) for k, v in response.headers.items()}
            for chunk in response.iter_raw():
                if not body.add(chunk):
                    exchange.truncated = True
                    break
                if DEADLINE.passed():  # belt and braces: the socket reads check it too
                    raise httpx.ReadTimeout("the exchange's time bound is reached", request=request)
        finally:
            exchange.body = self.redact.bytes(body.value())
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


def _describe(exc: httpx.HTTPError, timeout_s: float, exchange: Exchange) -> str:
    """One line saying what went wrong, and how far the answer got."""
    if exchange.status is not None:
        began = f"HTTP {exchange.status} began, then "
        read = f"{len(exchange.body)} bytes of body read"
        if isinstance(exc, httpx.TimeoutException):
            return f"{began}the body was not complete within {timeout_s:g} s ({read}; trickling?)"
        return f"{began}the connection broke mid-response ({read}): {exc}"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout_s:g} s ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError) and "[SSL" in str(exc):
        return f"TLS handshake failed (certificate not trusted or TLS broken): {exc}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection closed with no response: {exc}"
    return f"{type(exc).__name__}: {exc}"
