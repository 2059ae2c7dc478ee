"""Header checks: the rate-limit headers and per-status headers, in their documented formats."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime

from errcontract.contract.parts import HeaderField, RateLimitHeaders
from errcontract.core.exchange import Exchange
from errcontract.core.verdicts import Strength, severity_for
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
    exchange: Exchange,
    check_name: str,
    text: str,
    fault: HeaderFault,
    strength: Strength,
    name: str,
) -> Violation:
    """A header violation marked missing or malformed, which the recorder counts by that mark."""
    return Violation(check_name, text, exchange.status, None, severity_for(strength), strength, fault, name)


def _malformed(spec: HeaderField, value: str) -> str | None:
    """Why a present value breaks the field (its format, its minimum), or None."""
    if not FORMATS[spec.format](value):
        return f"is not in the documented {spec.format} format"
    if spec.minimum is not None and INTEGER.match(value) and int(value) < spec.minimum:
        return f"is below the documented minimum {spec.minimum}"
    return None


def _judge_fields(
    exchange: Exchange,
    fields: dict[str, HeaderField],
    required: Strength | None,
    check_name: str,
) -> list[Violation]:
    """Each field's format wherever present; its presence where `required` (with that strength)."""
    found: list[Violation] = []
    for name, spec in fields.items():
        value = exchange.header(name)
        if value is None:
            if required is not None and spec.required:
                text = f"{name} header missing"
                found.append(_fault(exchange, check_name, text, "missing", required, name))
            continue
        problem = _malformed(spec, value.strip())
        if problem is not None:
            text = f"{name}: {value!r} {problem}"
            found.append(_fault(exchange, check_name, text, "malformed", spec.strength, name))
        elif spec.pattern is not None and not re.search(spec.pattern, value.strip()):
            text = f"{name}: {value!r} does not match /{spec.pattern}/"
            strength = spec.pattern_strength or spec.strength
            severity = severity_for(strength)
            found.append(
                Violation(check_name, text, exchange.status, None, severity, strength, "malformed", name)
            )
    return found


def _presence(exchange: Exchange, spec: RateLimitHeaders, oracle: Oracle) -> Strength | None:
    """How strongly the docs require the rate-limit headers on this response (None: not)."""
    if spec.endpoints and exchange.request.endpoint not in spec.endpoints:
        return None
    rule = spec.required_on
    served = 200 <= (exchange.status or 0) < 300
    if rule == "all" or (rule == "identified" and exchange.identified):
        return Strength.STATED
    if rule == "served" and exchange.identified and served:
        return Strength.STATED
    if rule == "identified" and spec.anonymous is not None and oracle.scope_of(exchange):
        return spec.anonymous  # 'any response', though no user is known for this one
    return None


@check(promise="The rate-limit headers the docs say responses carry, in their documented formats.")
def rate_limit_headers(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """The rate-limit headers the docs say responses carry, in their documented formats."""
    spec = oracle.contract.headers.rate_limit
    if not spec:
        return []
    return _judge_fields(exchange, spec.fields, _presence(exchange, spec, oracle), "rate_limit_headers")


@check(promise="Where the headers count the only documented limit, a 429 leaves no request remaining.")
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


@check(promise="Headers a status must carry (Vydra: a 429 also carries Retry-After in seconds).")
def status_headers(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Headers a status must carry (Vydra: a 429 also carries Retry-After in seconds)."""
    fields = oracle.contract.headers.for_status(exchange.status)
    if not fields:
        return []
    return _judge_fields(exchange, fields, Strength.STATED, "status_headers")


@check(
    promise=(
        "Headers the docs put on every response, whatever its status (Anthropic: 'Every API "
        "response includes a unique request-id header')."
    ),
)
def every_response_headers(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Headers the docs put on every response, whatever its status (Anthropic: 'Every API response
    includes a unique request-id header')."""
    fields = oracle.contract.headers.every_response
    if not fields:
        return []
    return _judge_fields(exchange, fields, Strength.STATED, "every_response_headers")


@check(
    promise=(
        "A 405 names the methods the path supports in Allow, the documented ones among them (RFC "
        "9110 15.5.6: 'The origin server MUST generate an Allow header field in a 405 response')."
    )
)
def allow_header(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """A 405 names the methods the path supports in Allow, the documented ones among them (RFC
    9110 15.5.6: 'The origin server MUST generate an Allow header field in a 405 response'); judged
    where the contract documents 405."""
    if exchange.status != 405 or 405 not in oracle.contract.statuses:
        return []
    allow = exchange.header("allow")
    documented = sorted(_documented_methods(exchange, oracle))
    if allow is None:
        text = f"405 without an Allow header (the docs give {', '.join(documented) or 'none'})"
        return [Violation("allow_header", text, 405, oracle.code_of(exchange), header_fault="missing")]
    listed = {m.strip().upper() for m in allow.split(",") if m.strip()}
    left_out = [m for m in documented if m not in listed]
    if not left_out:
        return []
    text = f"Allow: {allow} leaves out {', '.join(left_out)}, which the docs give this path"
    return [Violation("allow_header", text, 405, oracle.code_of(exchange), header_fault="malformed")]


def _documented_methods(exchange: Exchange, oracle: Oracle) -> set[str]:
    contract = oracle.contract
    path = exchange.request.path
    below = path[len(contract.base_path) :] if path.startswith(contract.base_path) else path
    return {m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if contract.endpoint_for(m, below)}
