"""Responses built from the contract: error envelopes at its pointers, headers in its formats.

An `Outcome` is a response not yet sent, so drifts can bend it; `MockError` is a detected
condition (a generic name such as "unknown_key") that mock.yaml maps to a documented code.
"""

from __future__ import annotations

import copy
import json
import math
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from errcontract.contract.cases import case_match
from errcontract.contract.model import Contract
from errcontract.core import pointer
from errcontract.mock.config import MockConfig, format_message, render
from errcontract.mock.state import Usage

JSON_TYPE = "application/json"


class MockError(Exception):
    """A condition the provider answers with an error; `code` overrides the condition's mapping."""

    def __init__(
        self,
        condition: str,
        field: str | None = None,
        code: str | None = None,
        status: int | None = None,
        message: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(condition)
        self.condition = condition
        self.field = field
        self.code = code
        self.status = status
        self.message = message
        self.params = params


@dataclass
class Outcome:
    """A response before it is sent. `code` is the documented code of an error (None on success)."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = JSON_TYPE
    code: str | None = None
    raw: bytes | None = None  # a non-JSON body (HTML pages, crashes, proxied files)

    @property
    def is_error(self) -> bool:
        return self.status >= 400

    def to_response(self) -> Response:
        content = self.raw if self.raw is not None else _dumps(self.body)
        return Response(content, status_code=self.status, headers=self.headers, media_type=self.media_type)


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_outcome(
    config: MockConfig, code: str, status: int, params: dict[str, Any], message: str | None = None
) -> Outcome:
    """The documented envelope for a code: template + code and message at the contract pointers."""
    envelope = config.contract.envelope
    body = copy.deepcopy(config.error_template)
    pointer.set(body, envelope.code_pointer, code)
    if code in config.contract.codes:  # a case recognised by other members (a type, code null)
        for where, value in case_match(config.contract, code).items():
            pointer.set(body, where, value)
    pointer.set(body, envelope.message_pointer, message or message_for(config, code, params))
    for name, value in render(config.extras.get(code, {}), params).items():
        body[name] = value
    if params.get("refunded"):
        body.update(render(config.refund.get("extras", {}), params))
    return Outcome(status, body, code=code)


def message_for(config: MockConfig, code: str, params: dict[str, Any]) -> str:
    """mock.yaml's message template for the code, else the contract's table message."""
    template = config.messages.get(code)
    filled = format_message(template, params) if template else None
    if filled:
        return filled
    known = config.contract.codes.get(code)
    return known.message if known else code.replace("_", " ").capitalize()


def success_outcome(config: MockConfig, status: int, body: Any) -> Outcome:
    return Outcome(status, render(config.success_template, {"body": body}))


def format_header(value: float, fmt: str) -> str:
    """A number in one of the contract's header formats (integer, unix-seconds, iso8601; a
    duration is the time from now until `value`, a Unix time)."""
    if fmt == "iso8601":
        moment = datetime.fromtimestamp(value, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if fmt == "duration":
        return f"{max(0, math.ceil(value - time.time()))}s"
    return str(int(value))


def _role(header: str) -> str:
    lowered = header.lower()  # X-RateLimit-Remaining, x-ratelimit-remaining-requests
    for role in ("remaining", "reset"):
        if role in lowered:
            return role
    return "limit"


def rate_limit_headers(contract: Contract, usage: Usage) -> dict[str, str]:
    """The contract's rate-limit headers, each in its documented format."""
    fields = contract.headers.rate_limit_fields
    values = {"limit": usage.limit, "remaining": usage.remaining, "reset": usage.reset_at}
    return {name: format_header(values[_role(name)], spec.format) for name, spec in fields.items()}


def status_headers(contract: Contract, status: int, retry_after: int) -> dict[str, str]:
    """Headers the contract requires on one status (e.g. Retry-After on 429)."""
    extra = contract.headers.for_status(status)
    return {name: format_header(retry_after, spec.format) for name, spec in extra.items()}


def iso_timestamp(value: float) -> str:
    return format_header(value, "iso8601")


def follow_protocol(contract: Contract, outcome: Outcome) -> None:
    """What the contract's protocol rules and every-response headers ask of any response: the
    headers (a value of the documented pattern's literal prefix), and on an error the documented
    media type and the body member that states the status."""
    for name, spec in contract.headers.every_response.items():
        outcome.headers.setdefault(name, _literal_prefix(spec.pattern) + uuid.uuid4().hex)
    rules = contract.protocol
    if not outcome.is_error or outcome.raw is not None:
        return
    if rules.error_media_type is not None and outcome.media_type == JSON_TYPE:
        outcome.media_type = rules.error_media_type.types[0]
    member = rules.status_member
    if member is not None and isinstance(outcome.body, dict) and "*" not in pointer.tokens(member.pointer):
        value = outcome.status if member.as_type == "integer" else str(outcome.status)
        pointer.set(outcome.body, member.pointer, value)


def _literal_prefix(pattern: str | None) -> str:
    """The literal text an anchored pattern starts with (`^req_` -> `req_`), else nothing."""
    if not pattern or not pattern.startswith("^"):
        return ""
    match = re.match(r"[A-Za-z0-9_-]*", pattern[1:])
    return match.group(0) if match else ""
