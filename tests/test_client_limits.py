"""Rate-limit headers read as the target states them; a long 429 ends the probing."""

from __future__ import annotations

import time

from errcontract.client.limits import RateLimitState, seconds_until
from errcontract.core.exchange import Exchange, RequestSpec

NOW = 1_800_000_000.0


def test_retry_after_delta_seconds():
    assert seconds_until("30", NOW) == 30


def test_unix_reset_is_converted_to_a_wait():
    assert seconds_until(str(int(NOW) + 12), NOW) == 12


def test_iso_reset_is_converted_to_a_wait():
    assert seconds_until("2027-01-15T08:00:05Z", 1_800_000_000.0) == 5


def test_unreadable_value_gives_no_wait():
    assert seconds_until("soon", NOW) is None


def _ex(status: int, headers: dict[str, str], expects: bool = False) -> Exchange:
    spec = RequestSpec("GET", "/x", None, key_fixture="api_key", expects_rate_limit=expects)
    return Exchange(spec, "http://h/x", status=status, headers=headers)


def test_short_429_wait_is_honoured_once():
    state = RateLimitState(max_wait_s=5)
    assert state.after_response(_ex(429, {"retry-after": "1"})) == 1
    assert state.stopped_reason is None
    # the retry meets another 429: no second wait, probing stops
    assert state.after_response(_ex(429, {"retry-after": "1"}), retried=True) is None
    assert "probing stopped" in (state.stopped_reason or "")


def test_long_429_stops_probing():
    state = RateLimitState(max_wait_s=5)
    reset = str(int(time.time()) + 3600)
    assert state.after_response(_ex(429, {"x-ratelimit-reset": reset})) is None
    assert "probing stopped" in state.stopped_reason


def test_expected_429_does_not_stop_probing():
    state = RateLimitState(max_wait_s=5)
    state.after_response(_ex(429, {"retry-after": "3600"}, expects=True))
    assert state.stopped_reason is None


def test_remaining_zero_stops_before_a_429():
    state = RateLimitState(max_wait_s=5)
    state.after_response(_ex(200, {"x-ratelimit-remaining": "0"}))
    assert "Remaining reached 0" in state.stopped_reason
