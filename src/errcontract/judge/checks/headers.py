"""Header checks: the rate-limit headers and per-status headers, in their documented formats."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime

from errcontract.contract.parts import HeaderField
from errcontract.core.exchange import Exchange
from errcontract.core.verdicts import severity_for
from errcontract.judge.checks.registry import HeaderFault, Violation, check
from errcontract.judge.oracle import Oracle

INTEGER = re.compile(r"^\d+$")


def _iso8601(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


def _unix_seconds(value: str) -> bool:
    # Seconds since the epoch, not milliseconds and not an ISO string: 10 digits until 2286.
    return bool(INTEGER.match(value)) and 10**9 <= int(value) < 10**10


# A Go-style duration, as OpenAI's rate-limit guide shows them: "1s", "6m0s", "12ms", "2m59.56s".
DURATION = re.compile(r"^(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns))+$")


def _retry_after(value: str) -> bool:
    """RFC 9110 section 10.2.3: delay-seconds or an HTTP-date."""
    if INTEGER.match(value):
        return True
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return False
    return True


FORMATS: dict[str, Callable[[str], bool]] = {
    "integer": lambda v: bool(INTEGER.match(v.strip())),
    "iso8601": _iso8601,
    "unix-seconds": _unix_seconds,
    "duration": lambda v: bool(DURATION.match(v)),
    "retry-after": _retry_after,
    "string": lambda v: bool(v),
}


def _fault(
    exchange: Exchange, check_name: str, spec: HeaderField, text: str, fault: HeaderFault, name: str
) -> Violation:
    """A header violation marked missing or malformed, which the recorder counts by that mark."""
    strength = spec.strength
    return Violation(check_name, text, exchange.status, None, severity_for(strength), strength, fault, name)


def _judge_fields(
    exchange: Exchange, fields: dict[str, HeaderField], required: bool, check_name: str
) -> list[Violation]:
    found: list[Violation] = []
    for name, spec in fields.items():
        value = exchange.header(name)
        if value is None:
            if required and spec.required:
                found.append(_fault(exchange, check_name, spec, f"{name} header missing", "missing", name))
        elif not FORMATS[spec.format](value.strip()):
            text = f"{name}: {value!r} is not in the documented {spec.format} format"
            found.append(_fault(exchange, check_name, spec, text, "malformed", name))
        elif spec.pattern is not None and not re.search(spec.pattern, value.strip()):
            text = f"{name}: {value!r} does not match /{spec.pattern}/"
            strength = spec.pattern_strength or spec.strength
            severity = severity_for(strength)
            found.append(
                Violation(check_name, text, exchange.status, None, severity, strength, "malformed", name)
            )
    return found


@check("rate_limit_headers")
def rate_limit_headers(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """'Every response carries' the rate-limit headers (required where a key was recognised)."""
    spec = oracle.contract.headers.rate_limit
    if not spec:
        return []
    rule = spec.required_on
    required = rule == "all" or (rule == "identified" and exchange.identified)
    return _judge_fields(exchange, spec.fields, required, "rate_limit_headers")


@check("rate_limited_with_room")
def rate_limited_with_room(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Where the headers count the only documented limit, a 429 leaves no request remaining
    (VicSee: 'Per user per day'; X-RateLimit-Remaining is the requests remaining)."""
    spec = oracle.contract.headers.rate_limit
    if exchange.status != 429 or spec is None or spec.window is None or not spec.window.sole:
        return []
    remaining = oracle.remaining_of(exchange)
    if not remaining:
        return []
    text = f"429 while the rate-limit headers say {remaining} requests remain (the docs name no other limit)"
    return [Violation("rate_limited_with_room", text, 429, oracle.code_of(exchange))]


@check("status_headers")
def status_headers(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Headers a status must carry (Vydra: a 429 also carries Retry-After in seconds)."""
    fields = oracle.contract.headers.for_status(exchange.status)
    if not fields:
        return []
    return _judge_fields(exchange, fields, True, "status_headers")


@check("every_response_headers")
def every_response_headers(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Headers the docs put on every response, whatever its status (Anthropic: 'Every API response
    includes a unique request-id header')."""
    fields = oracle.contract.headers.every_response
    if not fields:
        return []
    return _judge_fields(exchange, fields, True, "every_response_headers")
