"""Drifts on facts the docs state beside a case or a header: a documented code at a status the
docs do not give it, a type stated beside a code, Retry-After's minimum, an unknown model refused
like a malformed body, and a body longer than any client reads. Each is caught by the check (or
the could-not-judge error) its docstring names (tests/test_drifts_detected.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from errcontract.contract.cases import case_match
from errcontract.core import pointer
from errcontract.judge.checks.registry import COULD_NOT_JUDGE
from errcontract.mock.drifts.registry import drift, provokes
from errcontract.mock.respond import MockError, Outcome, error_outcome

if TYPE_CHECKING:
    from errcontract.mock.config import MockConfig
    from errcontract.mock.engine import Call, Engine

OVER_THE_READ_LIMIT = 2 << 20  # bytes: beyond the 1 MiB a client reads of a body


def _pinned_code_elsewhere(config: MockConfig, status: int) -> str | None:
    """A code string the docs give only with statuses other than `status` (its case pins it)."""
    pointer_to_code = config.contract.envelope.code_pointer
    for name, code in config.contract.codes.items():
        if status in code.statuses:
            continue
        value = case_match(config.contract, name).get(pointer_to_code)
        if isinstance(value, str):
            return value
    return None


def _has_401_and_another_code(config: MockConfig) -> bool:
    return bool(config.contract.codes_by_status.get(401)) and _pinned_code_elsewhere(config, 401) is not None


@drift(
    "response",
    _has_401_and_another_code,
    caught_by={"code_documented"},
    description=(
        "Every 401 carries a code the docs give another status (OpenAI: a quota code such as "
        "credit_balance_exhausted, documented with 429), members and status otherwise "
        "unchanged."
    ),
)
def code_from_another_status(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Every 401 carries a code the docs give another status (OpenAI: a quota code such as
    credit_balance_exhausted, documented with 429), members and status otherwise unchanged."""
    code = _pinned_code_elsewhere(engine.config, 401)
    if outcome.is_error and outcome.status == 401 and code is not None:
        pointer.set(outcome.body, engine.contract.envelope.code_pointer, code)
    return outcome


def _stated_type_code(config: MockConfig) -> tuple[str, str, int] | None:
    """A code whose per-code schema states a const beside it (OpenAI: server_is_overloaded's
    type service_unavailable_error), at a 5xx status: (code, pointer, status)."""
    for name, code in config.contract.codes.items():
        schema = _own_schema(config, code.schema_ref)
        if schema is None or code.strength("schema") != "stated" or not any(s >= 500 for s in code.statuses):
            continue
        found = _const_pointer(schema)
        if found is not None:
            return name, found, next(s for s in code.statuses if s >= 500)
    return None


def _own_schema(config: MockConfig, ref: str | None) -> dict[str, Any] | None:
    """The per-code schema a `#/$defs/...` reference names in the contract's error schema."""
    if not ref or not ref.startswith("#/"):
        return None
    found: Any = config.contract.error_schema
    for part in ref[2:].split("/"):
        found = found.get(part) if isinstance(found, dict) else None
    return found if isinstance(found, dict) else None


def _const_pointer(schema: dict[str, Any], at: str = "") -> str | None:
    for key, sub in schema.get("properties", {}).items():
        if isinstance(sub, dict) and "const" in sub:
            return f"{at}/{key}"
        if isinstance(sub, dict):
            deeper = _const_pointer(sub, f"{at}/{key}")
            if deeper is not None:
                return deeper
    return None


def _overloaded_endpoint(config: MockConfig) -> bool:
    return _stated_type_code(config) is not None and any(
        e.billable for e in config.contract.endpoints.values()
    )


@drift(
    "response",
    _overloaded_endpoint,
    caught_by={"code_fields"},
    description=(
        "The billable endpoint is overloaded: it answers the case whose type the docs state "
        "beside its code (OpenAI: 503 server_is_overloaded), with another type (server_error)."
    ),
)
def stated_type_changed(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The billable endpoint is overloaded: it answers the case whose type the docs state beside
    its code (OpenAI: 503 server_is_overloaded), with another type (server_error)."""
    found = _stated_type_code(engine.config)
    if found is None or call.endpoint is None or not call.endpoint.billable or outcome.is_error:
        return outcome
    code, where, status = found
    overloaded = error_outcome(engine.config, code, status, {})
    pointer.set(overloaded.body, where, "server_error")
    return overloaded


def _retry_after_minimum(config: MockConfig) -> bool:
    fields = config.contract.headers.for_status(429)
    return any(f.minimum for f in fields.values()) and config.code_for("rate_limited") is not None


@drift(
    "response",
    _retry_after_minimum,
    caught_by={"status_headers"},
    description=(
        "The billable endpoint is rate-limited with 'Retry-After: 0' (no wait at all), where "
        "the docs give it a minimum (OpenAI's OpenAPI: minimum 1)."
    ),
)
def retry_after_zero(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The billable endpoint is rate-limited with 'Retry-After: 0' (no wait at all), where the
    docs give it a minimum (OpenAI's OpenAPI: minimum 1)."""
    code = engine.config.code_for("rate_limited")
    if code is None or call.endpoint is None or not call.endpoint.billable or outcome.is_error:
        return outcome
    limited = error_outcome(engine.config, code, 429, {"retry_after": 0})
    limited.headers.update(outcome.headers)
    for name in engine.contract.headers.for_status(429):
        limited.headers[name] = "0"
    return limited


def _unknown_model_elsewhere(config: MockConfig) -> bool:
    unknown, invalid = config.code_for("unknown_model"), config.code_for("invalid_field")
    if unknown is None or invalid is None or not provokes("unknown_model")(config):
        return False
    return config.status_for(unknown) != config.status_for(invalid)


@drift(
    "error",
    _unknown_model_elsewhere,
    caught_by={"code_justified"},
    description=(
        "An unknown model is refused like a malformed body: the 400 invalid-field error instead"
        " of the documented unknown-model error (Vydra's 404 MODEL_NOT_FOUND, OpenAI's 404)."
    ),
)
def unknown_model_as_400(err: MockError, call: Call, engine: Engine) -> MockError | None:
    """An unknown model is refused like a malformed body: the 400 invalid-field error instead of
    the documented unknown-model error (Vydra's 404 MODEL_NOT_FOUND, OpenAI's 404)."""
    if err.condition != "unknown_model":
        return err
    return MockError("invalid_field", field="model")


@drift(
    "response",
    caught_by={COULD_NOT_JUDGE},
    description=(
        "Every successful answer is a body of 2 MiB (spaces inside its JSON): more than a "
        "client reads. Part of a body is not the body: could not judge, never a pass."
    ),
)
def body_over_the_read_limit(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Every successful answer is a body of 2 MiB (spaces inside its JSON): more than a client
    reads. Part of a body is not the body: could not judge, never a pass."""
    if outcome.is_error or call.endpoint is None:
        return outcome
    outcome.raw = b'{"data": [' + b" " * OVER_THE_READ_LIMIT + b"]}"
    return outcome
