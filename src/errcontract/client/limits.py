"""Rate limits as the target states them: read on every response, honoured, never hammered.

A 429 that the request did not ask for ends the probing (the run marks what is left not
observed) unless the target says the wait is short, in which case the client waits once and
retries. `X-RateLimit-Remaining: 0` ends the probing before the target has to say 429.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from errcontract.core.exchange import Exchange


def seconds_until(value: str | None, now: float | None = None) -> float | None:
    """A wait in seconds from Retry-After / X-RateLimit-Reset: delta seconds, Unix time, ISO or HTTP date."""
    if not value:
        return None
    value = value.strip()
    now = time.time() if now is None else now
    if value.isdigit():
        number = int(value)
        return float(number) if number < 10**9 else max(0.0, number - now)
    for parse in (_iso, parsedate_to_datetime):
        try:
            moment = parse(value)
        except (ValueError, TypeError, IndexError):
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max(0.0, moment.timestamp() - now)
    return None


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _header_ending(exchange: Exchange, suffix: str) -> str | None:
    for name, value in exchange.headers.items():
        if name.endswith(suffix):
            return value
    return None


def remaining_shown(exchange: Exchange) -> int | None:
    """The room `X-RateLimit-Remaining` shows the request's key (None: not shown, not a number,
    or not this key's: an unrecognised key, or a 429 the request asked for)."""
    value = _header_ending(exchange, "ratelimit-remaining")
    if value is None or not exchange.identified or exchange.request.expects_rate_limit:
        return None
    value = value.strip()
    return int(value) if value.isdigit() else None


def refused_unasked(exchange: Exchange) -> bool:
    """A 429 the request did not ask for: the target is refusing the run's pace."""
    return exchange.status == 429 and not exchange.request.expects_rate_limit


class RateLimitState:
    """Whether probing may go on, from what the target's headers said."""

    def __init__(self, max_wait_s: float) -> None:
        self.max_wait_s = max_wait_s
        self.stopped_reason: str | None = None
        self._lock = threading.Lock()

    def _stop(self, reason: str) -> None:
        with self._lock:
            self.stopped_reason = self.stopped_reason or reason

    def after_response(self, exchange: Exchange, retried: bool = False) -> float | None:
        """Return a wait to honour before one retry, or None; may end the probing."""
        expected_429 = exchange.request.expects_rate_limit
        if exchange.status == 429:
            if expected_429:
                return None
            wait = seconds_until(exchange.header("retry-after")) or seconds_until(
                _header_ending(exchange, "ratelimit-reset")
            )
            if wait is not None and wait <= self.max_wait_s and not retried:
                return wait
            shown = f"{wait:.0f} s" if wait is not None else "an unknown time"
            self._stop(f"rate limited by the target (HTTP 429; resets in {shown}): probing stopped")
            return None
        remaining = _header_ending(exchange, "ratelimit-remaining")
        if remaining is not None and remaining.strip() == "0" and exchange.identified and not expected_429:
            self._stop("the target's X-RateLimit-Remaining reached 0: probing stopped")
        return None
