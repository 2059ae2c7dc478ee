"""Drifts of the protocol rules a family gives (families/*/family.yaml, `protocol` and
`headers.every_response`): each applies only to a provider whose contract has that rule, so a
mock of a family provider (Anthropic's request-id header; a problem-details mock's status member
and media type) shows that its checks catch it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from errcontract.core import pointer
from errcontract.core.verdicts import Strength
from errcontract.mock.drifts.registry import drift
from errcontract.mock.respond import JSON_TYPE, Outcome

if TYPE_CHECKING:
    from errcontract.mock.config import MockConfig
    from errcontract.mock.engine import Call, Engine


def _every_response_headers(config: MockConfig) -> bool:
    return bool(config.contract.headers.every_response)


def _patterned_headers(config: MockConfig) -> bool:
    return any(f.pattern for f in config.contract.headers.every_response.values())


def _pattern_exemplified(config: MockConfig) -> bool:
    fields = [f for f in config.contract.headers.every_response.values() if f.pattern]
    return all((f.pattern_strength or f.strength) is Strength.EXEMPLIFIED for f in fields)


@drift(
    "response",
    _every_response_headers,
    caught_by={"every_response_headers"},
    description=("The headers the docs put on every response (Anthropic's request-id) are left out."),
)
def every_response_header_missing(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The headers the docs put on every response (Anthropic's request-id) are left out."""
    for name in engine.contract.headers.every_response:
        outcome.headers.pop(name, None)
    return outcome


@drift(
    "response",
    _patterned_headers,
    caught_by={"every_response_headers"},
    warns=_pattern_exemplified,
    description=(
        "The every-response headers carry a value outside their documented pattern (a bare "
        "UUID where the docs show req_...)."
    ),
)
def every_response_header_other_shape(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The every-response headers carry a value outside their documented pattern (a bare UUID
    where the docs show req_...)."""
    for name, spec in engine.contract.headers.every_response.items():
        if spec.pattern:
            outcome.headers[name] = "0f8fad5b-d9cb-469f-a165-70867728950e"
    return outcome


def _status_member(config: MockConfig) -> bool:
    member = config.contract.protocol.status_member
    return member is not None and "*" not in pointer.tokens(member.pointer)


def _status_member_exemplified(config: MockConfig) -> bool:
    member = config.contract.protocol.status_member
    return member is not None and member.strength is Strength.EXEMPLIFIED


@drift(
    "response",
    _status_member,
    caught_by={"status_member"},
    warns=_status_member_exemplified,
    description=("Error bodies state a status other than the response's (a 404 whose body says 400)."),
)
def status_member_disagrees(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Error bodies state a status other than the response's (a 404 whose body says 400)."""
    member = engine.contract.protocol.status_member
    if member is not None and outcome.code and isinstance(outcome.body, dict):
        other = 400 if outcome.status != 400 else 422
        pointer.set(outcome.body, member.pointer, other if member.as_type == "integer" else str(other))
    return outcome


def _media_type_rule(config: MockConfig) -> bool:
    rule = config.contract.protocol.error_media_type
    return rule is not None and JSON_TYPE not in rule.types


def _media_type_exemplified(config: MockConfig) -> bool:
    rule = config.contract.protocol.error_media_type
    return rule is not None and rule.strength is Strength.EXEMPLIFIED


@drift(
    "response",
    _media_type_rule,
    caught_by={"error_media_type"},
    warns=_media_type_exemplified,
    description=("Errors are sent as plain application/json instead of the documented error media type."),
)
def errors_as_plain_json(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Errors are sent as plain application/json instead of the documented error media type."""
    if outcome.code:
        outcome.media_type = JSON_TYPE
    return outcome
