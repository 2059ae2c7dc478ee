"""The drifts themselves: each docstring is what `errcontract mock --list-drifts` prints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from errcontract.contract.cases import code_values, uses_matches
from errcontract.core import pointer
from errcontract.mock.drifts.registry import (
    Applies,
    SimulatedCrash,
    drift,
    has_condition,
    has_status,
    provokes,
    requires_rate_limit_headers,
)
from errcontract.mock.respond import (
    MockError,
    Outcome,
    format_header,
)

if TYPE_CHECKING:
    from errcontract.mock.config import MockConfig
    from errcontract.mock.engine import Call, Engine

GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def _restatus(outcome: Outcome, old: int, new: int) -> Outcome:
    if outcome.is_error and outcome.code and outcome.status == old:
        outcome.status = new
    return outcome


def _set_code(outcome: Outcome, engine: Engine, code: str) -> Outcome:
    pointer.set(outcome.body, engine.contract.envelope.code_pointer, code)
    return outcome


@drift(
    "response",
    has_status(401),
    caught_by={"code_documented", "code_justified"},
    description=("Authentication errors (documented 401) are sent with status 403; code and body unchanged."),
)
def auth_errors_as_403(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Authentication errors (documented 401) are sent with status 403; code and body unchanged."""
    return _restatus(outcome, 401, 403)


@drift(
    "response",
    has_status(404),
    caught_by={"code_documented", "code_justified"},
    description=(
        "Errors documented as 404 are sent with status 400; code and body unchanged. (Where a"
        " 400 is recognised by its status alone, as OpenAI's, it is the 400 case: the defect "
        "does not justify it.)"
    ),
)
def not_found_as_400(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Errors documented as 404 are sent with status 400; code and body unchanged. (Where a 400
    is recognised by its status alone, as OpenAI's, it is the 400 case: the defect does not
    justify it.)"""
    return _restatus(outcome, 404, 400)


@drift(
    "response",
    has_status(402),
    caught_by={"code_documented"},
    description="The insufficient-credits error (documented 402) is sent with status 403.",
)
def credits_error_as_403(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The insufficient-credits error (documented 402) is sent with status 403."""
    return _restatus(outcome, 402, 403)


@drift(
    "response",
    has_status(400),
    caught_by={"defect_rejected"},
    description=("Errors documented as 400 are sent with status 200 (the error envelope in a success)."),
)
def validation_errors_as_200(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Errors documented as 400 are sent with status 200 (the error envelope in a success)."""
    return _restatus(outcome, 400, 200)


def _codes_lower_case(config: MockConfig) -> bool:
    """Every case name is lower-case already (OpenAI): lower-casing only writes each case's own
    name at the code pointer, which a contract that leaves codes open (or null) allows."""
    return all(name == name.lower() for name in config.contract.codes)


def _lower_casing_changes_codes(config: MockConfig) -> bool:
    """Lower-casing changes an answer where a case name has a capital (VicSee), or where a case is
    recognised by more than its name at the pointer, which lower-casing writes there (OpenAI's
    null codes); a contract whose case names are its lower-case codes (Anthropic) sees nothing."""
    return uses_matches(config.contract) or not _codes_lower_case(config)


@drift(
    "response",
    _lower_casing_changes_codes,
    caught_by={"code_documented", "envelope", "code_justified"},
    allowed=_codes_lower_case,
    description=("Error codes are sent lower-cased (insufficient_credits instead of INSUFFICIENT_CREDITS)."),
)
def lowercase_codes(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Error codes are sent lower-cased (insufficient_credits instead of INSUFFICIENT_CREDITS)."""
    return _set_code(outcome, engine, outcome.code.lower()) if outcome.code else outcome


@drift(
    "response",
    has_status(402),
    caught_by={"code_documented"},
    description=(
        "The 402 error carries the undocumented code PAYMENT_REQUIRED instead of the documented one."
    ),
)
def renamed_credits_code(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The 402 error carries the undocumented code PAYMENT_REQUIRED instead of the documented one."""
    if outcome.code and outcome.status == 402:
        return _set_code(outcome, engine, "PAYMENT_REQUIRED")
    return outcome


def _code_open_at(status: int) -> Applies:
    """A case of that status leaves the code open (OpenAI's 400): any code string is allowed."""
    return lambda config: code_values(config.contract, status)[1]


@drift(
    "response",
    has_status(400),
    caught_by={"code_documented"},
    allowed=_code_open_at(400),
    description="Every 400 error carries the undocumented code VALIDATION_ERROR.",
)
def undocumented_validation_code(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Every 400 error carries the undocumented code VALIDATION_ERROR."""
    if outcome.code and outcome.status == 400:
        return _set_code(outcome, engine, "VALIDATION_ERROR")
    return outcome


def _auth_cases_interchangeable(config: MockConfig) -> bool:
    """Every 401 recipe also allows every other 401 case (OpenAI: the docs do not say which 401
    a missing or an unknown key gets): one 401 for all of them is what the docs allow."""
    names = config.contract.codes_by_status.get(401, ())
    recipes = [config.contract.codes[n].recipe for n in names]
    return all(r is None or set(names) - {r.code} <= set(r.also_allowed) for r in recipes)


def _several_auth_cases(config: MockConfig) -> bool:
    """Collapsing the 401s changes something only where the docs give 401 more than one case."""
    return len(config.contract.codes_by_status.get(401, ())) > 1


@drift(
    "response",
    _several_auth_cases,
    caught_by={"code_justified"},
    allowed=_auth_cases_interchangeable,
    description="Every 401 carries the first documented 401 code, whatever the auth problem was.",
)
def auth_codes_collapsed(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Every 401 carries the first documented 401 code, whatever the auth problem was."""
    if outcome.code and outcome.status == 401:
        return _set_code(outcome, engine, engine.contract.codes_by_status[401][0])
    return outcome


@drift(
    "response",
    caught_by={"envelope"},
    description=('Errors are sent as a flat {"code", "message"} object instead of the documented envelope.'),
)
def flattened_envelope(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Errors are sent as a flat {"code", "message"} object instead of the documented envelope."""
    if outcome.code:
        message = pointer.get(outcome.body, engine.contract.envelope.message_pointer)
        outcome.body = {"code": outcome.code, "message": message}
    return outcome


@drift(
    "response",
    caught_by={"envelope"},
    description="Errors leave out the message field of the envelope (only the code is sent).",
)
def missing_message(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Errors leave out the message field of the envelope (only the code is sent)."""
    if outcome.code:
        pointer.pop(outcome.body, engine.contract.envelope.message_pointer)
    return outcome


@drift(
    "response",
    caught_by={"envelope"},
    description="Errors leave out the code field of the envelope (only the message is sent).",
)
def missing_code(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Errors leave out the code field of the envelope (only the message is sent)."""
    if outcome.code:
        pointer.pop(outcome.body, engine.contract.envelope.code_pointer)
    return outcome


@drift(
    "response",
    caught_by={"content_type_json"},
    description="Error bodies are JSON but sent with Content-Type text/plain.",
)
def text_plain_errors(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """Error bodies are JSON but sent with Content-Type text/plain."""
    if outcome.code:
        outcome.media_type = "text/plain"
    return outcome


def _first_billable(config: MockConfig) -> str | None:
    return next((e.name for e in config.contract.endpoints.values() if e.billable), None)


@drift(
    "response",
    lambda config: _first_billable(config) is not None,
    caught_by={"content_type_json", "envelope"},
    description=(
        "A gateway in front of the first billable endpoint answers every request to it with "
        "an nginx HTML 502 Bad Gateway page (text/html, no envelope, no rate-limit headers)."
    ),
)
def gateway_html_502(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """A gateway in front of the first billable endpoint answers every request to it with an
    nginx HTML 502 Bad Gateway page (text/html, no envelope, no rate-limit headers)."""
    if call.endpoint is not None and call.endpoint.name == _first_billable(engine.config):
        return Outcome(502, None, media_type="text/html", raw=GATEWAY_PAGE)
    return outcome


def _rate_names(engine: Engine) -> dict[str, Any]:
    return engine.contract.headers.rate_limit_fields


@drift(
    "response",
    requires_rate_limit_headers,
    caught_by={"rate_limit_headers"},
    description="No response carries the documented rate-limit headers.",
)
def rate_limit_headers_missing(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """No response carries the documented rate-limit headers."""
    for name in _rate_names(engine):
        outcome.headers.pop(name, None)
    return outcome


def _resets_exemplified(config: MockConfig) -> bool:
    """Only a sample value shows the reset headers' format (OpenAI's rate-limits guide)."""
    fields = config.contract.headers.rate_limit_fields
    resets = [f for n, f in fields.items() if "reset" in n.lower()]
    return bool(resets) and all(f.strength == "exemplified" for f in resets)


@drift(
    "response",
    lambda config: config.contract.headers.rate_limit is not None,
    caught_by={"rate_limit_headers"},
    warns=_resets_exemplified,
    description=(
        "The rate-limit reset header is in the other common format: an ISO 8601 timestamp "
        "where Unix seconds are documented, Unix seconds where ISO 8601 or a duration is "
        "documented."
    ),
)
def rate_limit_reset_other_format(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The rate-limit reset header is in the other common format: an ISO 8601 timestamp where
    Unix seconds are documented, Unix seconds where ISO 8601 or a duration is documented."""
    for name, spec in _rate_names(engine).items():
        if name in outcome.headers and "reset" in name.lower() and call.usage:
            other = "iso8601" if spec.format == "unix-seconds" else "unix-seconds"
            outcome.headers[name] = format_header(call.usage.reset_at, other)
    return outcome


def _requires_429_headers(config: MockConfig) -> bool:
    """A 429 is provoked and the contract requires a header on it (OpenAI's Retry-After is judged
    only where present: leaving it out breaks nothing)."""
    required = any(spec.required for spec in config.contract.headers.for_status(429).values())
    return required and provokes("rate_limited")(config)


@drift(
    "response",
    _requires_429_headers,
    caught_by={"status_headers"},
    description="429 responses leave out the headers documented for them (Retry-After).",
)
def retry_after_missing(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """429 responses leave out the headers documented for them (Retry-After)."""
    for name in engine.contract.headers.for_status(429):
        outcome.headers.pop(name, None)
    return outcome


def _without_details(outcome: Outcome, engine: Engine, status: int) -> Outcome:
    if not outcome.code or outcome.status != status:
        return outcome
    pointer.set(
        outcome.body, engine.contract.envelope.message_pointer, engine.contract.codes[outcome.code].message
    )
    for name in engine.config.extras.get(outcome.code, {}):
        outcome.body.pop(name, None)
    return outcome


@drift(
    "response",
    has_status(402),
    caught_by={"message_pattern", "code_fields"},
    as_warning=True,
    description=(
        "The 402 error omits the credits required and available: the message is the table's "
        "constant and per-code fields such as creditsRequired/creditsRemaining are left out."
    ),
)
def credits_error_without_numbers(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The 402 error omits the credits required and available: the message is the table's
    constant and per-code fields such as creditsRequired/creditsRemaining are left out."""
    return _without_details(outcome, engine, 402)


def _details_at(condition: str) -> Applies:
    """The condition is provoked and its code has details a drift could leave out: a message
    pattern or per-code fields in the mock (Anthropic's and OpenAI's 429s have neither)."""

    def applies(config: MockConfig) -> bool:
        code = config.contract.codes.get(config.code_for(condition) or "")
        detailed = code is not None and (code.message_pattern or config.extras.get(code.name))
        return bool(detailed) and provokes(condition)(config)

    return applies


@drift(
    "response",
    _details_at("rate_limited"),
    caught_by={"message_pattern", "code_fields"},
    as_warning=True,
    description=(
        "The 429 error omits when to retry: the message is the table's constant (no reset "
        "time) and per-code fields such as retryAfter/limits are left out."
    ),
)
def rate_limit_error_without_details(outcome: Outcome, call: Call, engine: Engine) -> Outcome:
    """The 429 error omits when to retry: the message is the table's constant (no reset time)
    and per-code fields such as retryAfter/limits are left out."""
    return _without_details(outcome, engine, 429)


def _credits_not_a_429(config: MockConfig) -> bool:
    """The credits code is provoked and is not a 429 (any request may meet a 429: OpenAI's quota
    error answering an unknown key is justified, so the drift breaks nothing there)."""
    code = config.contract.codes.get(config.code_for("insufficient_credits") or "")
    return code is not None and 429 not in code.statuses and provokes("insufficient_credits")(config)


@drift(
    "error",
    _credits_not_a_429,
    caught_by={"code_justified"},
    description=(
        "The credits check runs before the key is validated and reads an unknown key's "
        "balance as 0, so a well-formed but unknown key gets 402 insufficient credits instead"
        " of its 401."
    ),
)
def credits_before_auth(err: MockError, call: Call, engine: Engine) -> MockError | None:
    """The credits check runs before the key is validated and reads an unknown key's balance as
    0, so a well-formed but unknown key gets 402 insufficient credits instead of its 401."""
    if err.condition != "unknown_key":
        return err
    return MockError("insufficient_credits", required=1, available=0)


@drift(
    "error",
    provokes("rate_limited"),
    caught_by={"defect_rejected"},
    description=("The rate limit is never enforced: a key whose window is used up is still served."),
)
def rate_limit_ignored(err: MockError, call: Call, engine: Engine) -> MockError | None:
    """The rate limit is never enforced: a key whose window is used up is still served."""
    return None if err.condition == "rate_limited" else err


@drift(
    "error",
    has_condition("insufficient_scope"),
    caught_by=set(),
    description=(
        "Key scopes are never checked: a key without the needed scope is served. Not a "
        "departure from the docs (they map no scope to an endpoint): INSUFFICIENT_SCOPE must "
        "be not observed."
    ),
)
def scope_ignored(err: MockError, call: Call, engine: Engine) -> MockError | None:
    """Key scopes are never checked: a key without the needed scope is served. Not a departure
    from the docs (they map no scope to an endpoint): INSUFFICIENT_SCOPE must be not observed."""
    return None if err.condition == "insufficient_scope" else err


def _has_expired_key(config: MockConfig) -> bool:
    return any(k.get("expired") for k in config.key_fixtures.values())


@drift(
    "error",
    _has_expired_key,
    caught_by={"access_control"},
    description="Expiry is never checked: an expired key is served as if it were valid.",
)
def expired_key_accepted(err: MockError, call: Call, engine: Engine) -> MockError | None:
    """Expiry is never checked: an expired key is served as if it were valid."""
    return None if err.condition == "expired_key" else err


def _names_models(config: MockConfig) -> bool:
    return any("model_from" in e for e in config.endpoints.values())


@drift(
    "inspect",
    _names_models,
    caught_by={"no_server_error_for_client_mistake"},
    description=(
        "A model name with a non-ASCII character crashes the server: 500 text/plain 'Internal"
        " Server Error' instead of the unknown-model error."
    ),
)
def crash_on_non_ascii_model(stage: str, value: Any, call: Call, engine: Engine) -> None:
    """A model name with a non-ASCII character crashes the server: 500 text/plain
    'Internal Server Error' instead of the unknown-model error."""
    if stage == "model" and isinstance(value, str) and not value.isascii():
        raise SimulatedCrash(value)


def _takes_json(config: MockConfig) -> bool:
    return any(e.body == "json" for e in config.contract.endpoints.values())


@drift(
    "inspect",
    _takes_json,
    caught_by={"no_server_error_for_client_mistake"},
    description=(
        "A JSON array as the request body crashes the server: 500 text/plain 'Internal Server"
        " Error' instead of the invalid-body error."
    ),
)
def crash_on_array_body(stage: str, value: Any, call: Call, engine: Engine) -> None:
    """A JSON array as the request body crashes the server: 500 text/plain 'Internal Server
    Error' instead of the invalid-body error."""
    if stage == "body" and isinstance(value, list):
        raise SimulatedCrash("array body")
