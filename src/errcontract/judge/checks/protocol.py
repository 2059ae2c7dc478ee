"""Protocol checks: what an error response says about its own status and media type.

Each rule is contract data (`protocol` in contract.yaml, usually given by the envelope family):
a body member that equals the HTTP status (RFC 9457 `status`, Google's `error.code`, JSON:API's
`errors[].status` as a string), a member naming the status (Google's `error.status`), the error
media type (`application/problem+json`), and the about:blank title (the status's reason phrase).
Each finding carries the rule's strength: a stated rule broken is a violation, an exemplified
one a warning.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from errcontract.core.exchange import NO_JSON, Exchange
from errcontract.core.pointer import get, get_all
from errcontract.core.verdicts import Strength, severity_for
from errcontract.judge.checks.registry import Violation, check
from errcontract.judge.oracle import Oracle

BLANK = "about:blank"


def _error_body(exchange: Exchange) -> Any:
    """The parsed body of an error response, or NO_JSON (no error, or no JSON to judge)."""
    return exchange.json() if (exchange.status or 0) >= 400 else NO_JSON


def _finding(name: str, text: str, exchange: Exchange, oracle: Oracle, strength: Strength) -> Violation:
    severity = severity_for(strength, oracle.scope_of(exchange))
    return Violation(name, text, exchange.status, oracle.code_of(exchange), severity, strength)


@check(
    promise=(
        "A body member that states the status equals the HTTP status (RFC 9457 3.1.2: 'Generators "
        "MUST use the same status code in the actual HTTP response')."
    ),
)
def status_member(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """A body member that states the status equals the HTTP status (RFC 9457 3.1.2: 'Generators
    MUST use the same status code in the actual HTTP response')."""
    rule = oracle.contract.protocol.status_member
    body = _error_body(exchange)
    if rule is None or body is NO_JSON:
        return []
    expected: Any = exchange.status if rule.as_type == "integer" else str(exchange.status)
    found = [value for value in get_all(body, rule.pointer) if not _same(value, expected)]
    if not found:
        return []
    shown = ", ".join(json.dumps(value) for value in found)
    text = f"{rule.pointer} is {shown}, but the response's status is {exchange.status}"
    text += f" (expected {json.dumps(expected)})"
    return [_finding("status_member", text, exchange, oracle, rule.strength)]


def _same(found: Any, expected: Any) -> bool:
    return type(found) is type(expected) and found == expected


@check(
    promise=(
        "A body member naming the status carries a name documented for that HTTP status (Google: "
        "error.status is the canonical code code.proto maps to the status)."
    ),
)
def status_name(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """A body member naming the status carries a name documented for that HTTP status (Google:
    error.status is the canonical code code.proto maps to the status)."""
    rule = oracle.contract.protocol.status_name
    body = _error_body(exchange)
    allowed = rule.names.get(exchange.status or 0) if rule else None
    if rule is None or body is NO_JSON or allowed is None:
        return []
    value = get(body, rule.pointer)
    if value is NO_JSON or value in allowed:
        return []  # a missing member is the envelope's finding
    text = f"{rule.pointer} is {json.dumps(value)}; HTTP {exchange.status} carries {' or '.join(allowed)}"
    return [_finding("status_name", text, exchange, oracle, rule.strength)]


@check(
    promise="An error is sent with the media type the docs give it (RFC 9457: application/problem+json).",
)
def error_media_type(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """An error is sent with the media type the docs give it (RFC 9457: application/problem+json);
    a body that is not JSON at all is the envelope check's finding, not this one's."""
    rule = oracle.contract.protocol.error_media_type
    if rule is None or (exchange.status or 0) < 400 or exchange.content_type in rule.types:
        return []
    if exchange.json() is NO_JSON:
        return []
    shown = exchange.content_type or "no Content-Type"
    text = f"error sent as {shown}, not {' or '.join(rule.types)}"
    return [_finding("error_media_type", text, exchange, oracle, rule.strength)]


@check(
    promise=(
        "Where the problem type is about:blank (or absent), the title is the status's reason phrase "
        "(RFC 9457 4.2.1: 'the title SHOULD be the same as the recommended HTTP status phrase')."
    ),
)
def blank_title(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Where the problem type is about:blank (or absent), the title is the status's reason phrase
    (RFC 9457 4.2.1: 'the title SHOULD be the same as the recommended HTTP status phrase')."""
    rule = oracle.contract.protocol.blank_title
    body = _error_body(exchange)
    if rule is None or not isinstance(body, dict):
        return []
    kind, title = get(body, rule.type_pointer), get(body, rule.pointer)
    phrases = _phrases(exchange.status or 0)
    if kind not in (NO_JSON, BLANK) or not isinstance(title, str) or not phrases:
        return []
    if title.casefold() in {p.casefold() for p in phrases}:
        return []
    text = f"type {BLANK} with title {title!r}: the reason phrase of {exchange.status} is {phrases[-1]!r}"
    return [_finding("blank_title", text, exchange, oracle, rule.strength)]


# RFC 9110 renamed a few reason phrases that the standard library still spells the RFC 7231 way.
RFC9110_PHRASES = {413: "Content Too Large", 416: "Range Not Satisfiable", 422: "Unprocessable Content"}


def _phrases(status: int) -> tuple[str, ...]:
    try:
        known = HTTPStatus(status).phrase
    except ValueError:
        return ()
    return (known, RFC9110_PHRASES[status]) if status in RFC9110_PHRASES else (known,)


@check(promise="Of two defects in one request, the one the docs check first decides the answer.")
def status_precedence(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Of two defects in one request, the one the docs check first decides the answer (AIP-193:
    'Permission must be checked prior to checking if the resource or parent exists')."""
    contract = oracle.contract
    found = []
    for rule in contract.protocol.precedence:
        if exchange.status != rule.over or not _carries(exchange, oracle, rule.first):
            continue
        if not _carries(exchange, oracle, rule.over):
            continue
        text = (
            f"HTTP {rule.over} for a request that also carries a defect answered {rule.first} "
            f"({exchange.request.describe_defects()}): the docs check that one first"
        )
        found.append(_finding("status_precedence", text, exchange, oracle, rule.strength))
    return found


def _carries(exchange: Exchange, oracle: Oracle, status: int) -> bool:
    """Does a certain defect of the request justify a documented case of `status`?"""
    codes = oracle.contract.codes
    return any(
        status in codes[c].statuses
        for d in exchange.request.defects
        if d.certain
        for c in d.codes
        if c in codes
    )
