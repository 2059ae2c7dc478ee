"""`judge(exchange, oracle, ...) -> Judged`: every check run on one exchange, as a frozen value.

A plain function: it sends nothing and records nothing. Whoever sent the exchange judges it once
and hands the value on (to the Recorder, which keeps what the results need, and to the test that
sent it); nothing is kept per exchange.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from errcontract.client.curl import curl_command
from errcontract.core.exchange import Exchange
from errcontract.core.redact import Redactor
from errcontract.judge.checks import CheckOutcome, Oracle, run_checks
from errcontract.judge.model import Evidence

BODY_EXCERPT = 1200


@dataclass(frozen=True)
class Judged:
    """An exchange with the checks' outcome, the envelope profiles it fits and the code it answered."""

    exchange: Exchange
    outcome: CheckOutcome
    profiles: dict[str, bool]
    code: str | None  # the code the answer carries (None: no answer, or none the contract knows)
    base_url: str
    redact: Redactor

    @cached_property
    def reproduce(self) -> str:
        """The curl reproducer, keys redacted (built when first needed: most exchanges pass)."""
        return curl_command(self.exchange.request, self.base_url, self.redact)

    @property
    def answered(self) -> str:
        """What the target answered, in a few words: `HTTP 402 PAYMENT_REQUIRED`."""
        if self.exchange.status is None:
            return "no answer"
        return self.redact(f"HTTP {self.exchange.status} {self.code or '(no code)'}")

    def evidence(self) -> Evidence:
        """Request, response (excerpts), reproducer, profiles and answer, keys redacted."""
        ex = self.exchange
        head = "\n".join(f"{k}: {v}" for k, v in ex.redacted_headers.items())
        body = (ex.request.body_bytes() or b"")[:BODY_EXCERPT].decode("utf-8", "replace")
        if ex.request.upload:
            body = f"(multipart: {ex.request.upload.filename}, {ex.request.upload.size} bytes)"
        response_head = "\n".join(f"{k}: {v}" for k, v in ex.headers.items())
        response_body = ex.body[:BODY_EXCERPT].decode("utf-8", "replace")
        return Evidence(
            request=self.redact(f"{ex.request.method} {ex.url}\n{head}\n\n{body}".rstrip()),
            response=self.redact(f"HTTP {ex.status}\n{response_head}\n\n{response_body}".rstrip()),
            reproduce=self.reproduce,
            profiles=", ".join(f"{p}: {'yes' if ok else 'no'}" for p, ok in self.profiles.items()),
            answered=self.answered,
        )


def judge(
    exchange: Exchange, oracle: Oracle, base_url: str, redact: Redactor, checks: Iterable[str] | None = None
) -> Judged:
    """Run every check (or those named) on the exchange; `base_url` and `redact` are for its
    reproducer."""
    outcome = run_checks(exchange, oracle, checks)
    code = oracle.code_of(exchange) if exchange.status is not None else None
    return Judged(exchange, outcome, oracle.profile_results(exchange), code, base_url, redact)
