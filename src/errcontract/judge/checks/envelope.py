"""Envelope checks: JSON content type, the stated envelope, message and per-code fields."""

from __future__ import annotations

from typing import Any

import jsonschema

from errcontract.core.exchange import NO_JSON, Exchange
from errcontract.core.verdicts import Severity, Strength, severity_for
from errcontract.judge.checks.registry import Violation, check
from errcontract.judge.oracle import Oracle


def _is_error(exchange: Exchange) -> bool:
    return (exchange.status or 0) >= 400


def _severity(exchange: Exchange, oracle: Oracle) -> Severity:
    """The docs promise the envelope on documented routes; an undocumented route's error page
    (a framework 404/405) is outside them: a warning."""
    return Severity.VIOLATION if oracle.scope_of(exchange) else Severity.WARNING


def _first_problem(validator: jsonschema.protocols.Validator, body: Any) -> str | None:
    error = jsonschema.exceptions.best_match(validator.iter_errors(body))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


@check(promise="Errors come 'in JSON format', as the error pages say.")
def content_type_json(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Errors come 'in JSON format' (both providers' error pages)."""
    if not _is_error(exchange):
        return []
    ctype = exchange.content_type
    if ctype == "application/json" or (ctype.startswith("application/") and ctype.endswith("+json")):
        return []
    shown = ctype or "no Content-Type"
    return [
        Violation(
            "content_type_json",
            f"error sent as {shown}, not JSON",
            exchange.status,
            oracle.code_of(exchange),
            _severity(exchange, oracle),
        )
    ]


@check(promise="The body follows the stated envelope (the profile that decides the verdict).")
def envelope(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """The body follows the stated envelope (the profile that decides the verdict)."""
    if not _is_error(exchange):
        return []
    body = exchange.json()
    if body is NO_JSON:
        snippet = exchange.body[:60].decode("utf-8", "replace")
        note = " (truncated)" if exchange.truncated else ""
        return [
            Violation(
                "envelope",
                f"body is not JSON{note}: {snippet!r}",
                exchange.status,
                None,
                _severity(exchange, oracle),
            )
        ]
    if oracle.body_in_profile(body, Strength.STATED):
        return []
    problem = _first_problem(oracle.profile_validator(Strength.STATED), body)
    if problem is None:
        return []
    return [
        Violation(
            "envelope",
            f"stated envelope broken at {problem}",
            exchange.status,
            oracle.code_of(exchange),
            _severity(exchange, oracle),
        )
    ]


@check(
    promise=(
        "Where the stated envelope holds, the body also keeps what the error page's own examples "
        "show (the contract's exemplified profile)."
    ),
)
def envelope_exemplified(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Where the stated envelope holds, the body also keeps what the error page's own examples
    show (the contract's exemplified profile: Vydra's refund object)."""
    if not _is_error(exchange) or Strength.EXEMPLIFIED not in oracle.profiles:
        return []
    body = exchange.json()
    if body is NO_JSON or not oracle.body_in_profile(body, Strength.STATED):
        return []  # no body, or a broken stated envelope: the envelope check's finding
    if oracle.body_in_profile(body, Strength.EXEMPLIFIED):
        return []
    problem = _first_problem(oracle.profile_validator(Strength.EXEMPLIFIED), body)
    if problem is None:
        return []
    return [
        Violation(
            "envelope_exemplified",
            f"the examples' envelope differs at {problem}",
            exchange.status,
            oracle.code_of(exchange),
            Severity.WARNING,
            Strength.EXEMPLIFIED,
        )
    ]


@check(
    promise=("Where an example gives the message's shape (numbers, reset time), the message keeps it."),
)
def message_pattern(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Where an example gives the message's shape (numbers, reset time), the message keeps it."""
    code = oracle.code_of(exchange)
    pattern = oracle.patterns.get(code or "")
    if not _is_error(exchange) or pattern is None:
        return []
    message = oracle.message_of(exchange)
    if isinstance(message, str) and pattern.search(message):
        return []
    strength = oracle.contract.codes[code or ""].strength("message_pattern")
    text = f"message {message!r} does not match the {strength} pattern /{pattern.pattern}/"
    return [
        Violation(
            "message_pattern",
            text,
            exchange.status,
            code,
            severity_for(strength, oracle.scope_of(exchange)),
            strength,
        )
    ]


@check(promise="Per-code fields the docs give (402 credit numbers, 429 retryAfter and limits).")
def code_fields(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Per-code fields the docs give (402 credit numbers, 429 retryAfter and limits)."""
    code = oracle.code_of(exchange)
    schema = oracle.contract.code_schema(code) if code in oracle.contract.codes else None
    body = exchange.json()
    if not _is_error(exchange) or schema is None or body is NO_JSON:
        return []
    if oracle.is_valid(f"code:{code}", schema, body):
        return []
    validator = oracle.code_validator(code) if code is not None else None
    if validator is None:
        return []
    problem = _first_problem(validator, body)
    if problem is None:
        return []
    strength = oracle.contract.codes[code or ""].strength("schema")
    return [
        Violation(
            "code_fields",
            f"{code} fields broken at {problem}",
            exchange.status,
            code,
            severity_for(strength, oracle.scope_of(exchange)),
            strength,
        )
    ]
