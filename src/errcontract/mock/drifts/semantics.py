"""Drifts a single response cannot show: access control on some endpoints only, rate-limit
headers whose values lie across a run, a cancel that keeps the credits. Each is caught by the
check its docstring's promise belongs to (tests/test_drifts_detected.py)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from errcontract.mock.drifts.registry import drift
from errcontract.mock.respond import (
    MockError,
    Outcome,
    error_outcome,
    format_header,
    iso_timestamp,
    status_headers,
)

if TYPE_CHECKING:
    from errcontract.mock.config import MockConfig
    from errcontract.mock.engine import Call, Engine


def _header(engine: Engine, role: str) -> tuple[str, str] | None:
    """The (name, format) of the rate-limit header with this role in the contract."""
    fields = engine.contract.headers.rate_limit_fields
    return next(((n, f.format) for n, f in fields.items() if f.role == role), None)


def _has_role(config: MockConfig, role: str) -> bool:
    return any(f.role == role for f in config.contract.headers.rate_limit_fields.values())


def _fixed_window(config: MockConfig) -> bool:
    rate_limit = config.contract.headers.rate_limit
    return rate_limit is not None and rate_limit.window is not None and rate_limit.window.kind == "fixed"


def _sole_window(config: MockConfig) -> bool:
    rate_limit = config.contract.headers.rate_limit
    window = rate_limit.window if rate_limit else None
    return window is not None and window.sole and config.code_for("rate_limited") is not None


def _forbidden_is_403(config: MockConfig) -> bool:
    code = config.code_for("resource_forbidden")
    return code is not None and config.status_for(code) == 403


@drift(
    "response",
    lambda config: _has_role(config, "remaining") and _has_role(config, "limit"),
    caught_by={"rate_limit_remaining_decreases"},
    description=("X-RateLimit-Remaining never goes down: every response says the window is untouched."),
)
def frozen_remaining(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """X-RateLimit-Remaining never goes down: every response says the window is untouched."""
    found = _header(engine, "remaining")
    limit = _header(engine, "limit")
    if found and found[0] in outcome.headers and limit and limit[0] in outcome.headers:
        outcome.headers[found[0]] = outcome.headers[limit[0]]
    return outcome


@drift(
    "response",
    lambda config: all(_has_role(config, role) for role in ("remaining", "limit", "reset")),
    caught_by={"rate_limit_remaining_decreases"},
    description=(
        "X-RateLimit-Remaining stays at the limit while X-RateLimit-Reset moves with every "
        "request (a day from now): the count never goes down, whatever the reset says about "
        "the window."
    ),
)
def frozen_remaining_moving_reset(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """X-RateLimit-Remaining stays at the limit while X-RateLimit-Reset moves with every request
    (a day from now): the count never goes down, whatever the reset says about the window."""
    outcome = frozen_remaining(outcome, call, engine)
    found = _header(engine, "reset")
    if found and found[0] in outcome.headers:
        outcome.headers[found[0]] = format_header(time.time() + 86400, found[1])
    return outcome


def _window_exemplified(config: MockConfig) -> bool:
    rate_limit = config.contract.headers.rate_limit
    window = rate_limit.window if rate_limit else None
    return window is not None and window.strength == "exemplified"


# A violation where the contract states its fixed window, a warning where only an example shows it.
@drift(
    "response",
    _fixed_window,
    caught_by={"rate_limit_reset_fixed"},
    warns=_window_exemplified,
    description=("In a fixed window, X-RateLimit-Reset moves with every request (always a day from now)."),
)
def moving_reset(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """In a fixed window, X-RateLimit-Reset moves with every request (always a day from now)."""
    found = _header(engine, "reset")
    if found and found[0] in outcome.headers:
        outcome.headers[found[0]] = format_header(time.time() + 86400, found[1])
    return outcome


@drift(
    "response",
    _sole_window,
    caught_by={"rate_limited_with_room"},
    description=(
        "An eager limiter: every request it would serve is answered 429 rate-limited, while "
        "X-RateLimit-Remaining still shows requests remaining in the one documented window."
    ),
)
def rate_limited_with_room(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """An eager limiter: every request it would serve is answered 429 rate-limited, while
    X-RateLimit-Remaining still shows requests remaining in the one documented window."""
    usage = call.usage
    if not 200 <= outcome.status < 300 or usage is None or usage.remaining == 0:
        return outcome
    code = engine.config.code_for("rate_limited")
    assert code is not None  # the drift applies only where the mock has the condition
    wait = max(1, int(usage.reset_at - time.time() + 0.999))
    params = {
        "limit": usage.limit,
        "used": usage.used,
        "window": engine.config.window,
        "retry_after": wait,
        "reset_iso": iso_timestamp(usage.reset_at),
    }
    limited = error_outcome(engine.config, code, 429, params)
    limited.headers.update(outcome.headers)
    limited.headers.update(status_headers(engine.contract, 429, wait))
    return limited


@drift(
    "skip",
    _forbidden_is_403,
    caught_by={"access_control"},
    description=(
        "Only the first endpoint of a resource checks ownership: the others (a task's "
        "download) serve another account's resource."
    ),
)
def ownership_checked_on_one_endpoint(step: str, call: Call, engine: Engine) -> bool:
    """Only the first endpoint of a resource checks ownership: the others (a task's download)
    serve another account's resource."""
    first = next(e for e in engine.contract.endpoints.values() if e.path_params)
    return step == "ownership" and call.endpoint is not None and call.endpoint.name != first.name


@drift(
    "response",
    caught_by={"access_control"},
    description=(
        "One authenticated endpoint (the last in the contract) forgot its auth check: a "
        "request with no, malformed or unknown credentials is served there."
    ),
)
def auth_skipped_on_one_endpoint(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """One authenticated endpoint (the last in the contract) forgot its auth check: a request
    with no, malformed or unknown credentials is served there."""
    last = [e for e in engine.contract.endpoints.values() if e.auth][-1]
    if outcome.status == 401 and call.endpoint is not None and call.endpoint.name == last.name:
        return Outcome(200, {"data": []})
    return outcome


@drift(
    "skip",
    lambda config: bool(config.refund.get("on_cancel")),
    caught_by={"refund_on_cancel"},
    description="A cancelled job keeps its credits: the documented instant refund never comes.",
)
def cancel_without_refund(step: str, call: Call, engine: Engine) -> bool:
    """A cancelled job keeps its credits: the documented instant refund never comes."""
    return step == "refund_on_cancel"


@drift(
    "response",
    lambda config: any(not e.auth for e in config.contract.endpoints.values()),
    caught_by={"open_endpoint_needs_no_key"},
    description=(
        "An endpoint the docs open to everyone (VicSee's model list, Vydra's health) refuses "
        "a request without a key."
    ),
)
def open_endpoint_demands_a_key(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """An endpoint the docs open to everyone (VicSee's model list, Vydra's health) refuses a
    request without a key."""
    sent = engine.contract.auth.sent(dict(call.request.headers), dict(call.request.query_params))
    if call.endpoint is not None and not call.endpoint.auth and not sent:
        return engine.error(MockError("missing_auth"), call)
    return outcome
