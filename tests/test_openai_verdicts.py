"""OpenAI's contract says what OpenAI's docs promise, no more: answers a faithful server may give
pass (or warn, where only an example or a sample value shows the fact), departures still fail.

Each test is a verdict the contract once got wrong (the audit of contracts/openai against the
error-codes and rate-limits guides).
"""

from __future__ import annotations

from typing import Any

import pytest

from errcontract.contract.model import load_provider
from errcontract.judge.checks import Oracle, run_checks
from errcontract.requests.recipes import build_request
from tests.helpers import JSON, exchange, spec_for
from tests.helpers import openai_error as error


@pytest.fixture(scope="module")
def openai() -> Oracle:
    return Oracle(load_provider("openai"))


def findings(
    oracle: Oracle, status: int, body: Any, headers: dict[str, str] | None = None, **spec: Any
) -> tuple[set[str], set[str]]:
    """The checks that found a violation, and those that warned."""
    ex = exchange(spec_for(oracle.contract, **spec), status, body, headers or JSON)
    outcome = run_checks(ex, oracle)
    return {v.check for v in outcome.violations}, {w.check for w in outcome.warnings}


def test_a_status_the_python_library_names_is_documented(openai):
    """ConflictError (409) has its own row in the library's error table."""
    body = error("server_error", None)
    assert findings(openai, 409, body, endpoint="list_models") == (set(), set())


@pytest.mark.parametrize("status", [502, 504])
def test_the_librarys_mapping_of_every_5xx_documents_no_status(openai, status):
    """'>=500 InternalServerError' is how the client library maps any 5xx; it would make every
    5xx documented. 502 and 504 are in no table of the docs."""
    body = error("server_error", None)
    assert findings(openai, status, body, endpoint="list_models")[0] == {"status_documented"}


def test_a_status_no_doc_names_is_still_undocumented(openai):
    body = error("invalid_request_error", None)
    assert findings(openai, 418, body, endpoint="list_models")[0] == {"status_documented"}


CHAT_400 = {"endpoint": "create_chat_completion", "defect_codes": ("invalid_request",)}


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("x-ratelimit-reset-requests", "1735689600"),  # a Unix time, not the sample's "1s"
        ("x-ratelimit-reset-tokens", "0.5"),  # bare seconds
        ("x-ratelimit-remaining-tokens", "-1"),  # Azure's "no token limit"
        ("x-ratelimit-limit-requests", "60.0"),
    ],
)
def test_a_rate_limit_header_unlike_its_sample_value_warns(openai, header, value):
    """The rate-limits guide shows each header's format only in its 'Sample Value' column."""
    body = error("invalid_request_error", None)
    headers = {**JSON, header: value}
    assert findings(openai, 400, body, headers, **CHAT_400) == (set(), {"rate_limit_headers"})


def _retry_body(status: int) -> dict[str, Any]:
    if status == 429:
        return error("requests", "rate_limit_exceeded")
    return error("service_unavailable_error", "server_is_overloaded")


@pytest.mark.parametrize(
    ("status", "value", "ok"),
    [
        (429, "56", True),
        (429, "1", True),
        (429, "0", False),  # openapi: TooManyRequests Retry-After {type: integer, minimum: 1}
        (503, "0", True),  # no minimum is given for a 503's
        (429, "Wed, 21 Oct 2015 07:28:00 GMT", False),
        (503, "Wed, 21 Oct 2015 07:28:00 GMT", False),
        (429, "soon", False),
        (503, "soon", False),
    ],
)
def test_retry_after_is_a_number_of_seconds_on_429_and_503(openai, status, value, ok):
    """ratelimits: 'The minimum number of seconds to wait'; openapi: at least 1 on a 429; errors,
    503: 'Follow the Retry-After header when present' (an HTTP-date is not a number of seconds)."""
    failed, _ = findings(
        openai, status, _retry_body(status), {**JSON, "retry-after": value}, endpoint="list_models"
    )
    assert failed == (set() if ok else {"status_headers"})


@pytest.mark.parametrize("status", [429, 503])
def test_an_absent_retry_after_is_no_finding(openai, status):
    assert findings(openai, status, _retry_body(status), endpoint="list_models") == (set(), set())


@pytest.mark.parametrize(
    ("code", "type_", "ok"),
    [
        ("slow_down", "rate_limit_error", True),
        ("slow_down", "invalid_request_error", False),
        ("server_is_overloaded", "service_unavailable_error", True),
        ("server_is_overloaded", "server_error", False),
    ],
)
def test_the_type_the_guide_states_beside_a_code_is_checked(openai, code, type_, ok):
    """'Type: rate_limit_error Code: slow_down'; 'Type: service_unavailable_error Code:
    server_is_overloaded': another type is a violation (stated)."""
    status = 429 if code == "slow_down" else 503
    failed, _ = findings(openai, status, error(type_, code), endpoint="list_models")
    assert failed == (set() if ok else {"code_fields"})


@pytest.mark.parametrize(
    "body",
    [
        # OpenAI's own answer to a chat completion without messages
        error(
            "invalid_request_error",
            "missing_required_parameter",
            "Missing required parameter: 'messages'.",
            "messages",
        ),
        error("invalid_request_error", None, "you must provide a messages parameter", "messages"),
        error("invalid_request_error", "400"),  # LiteLLM: the status as the code
    ],
)
def test_a_400_is_the_bad_request_case_whatever_its_code(openai, body):
    """The guide's 400 row names no code; Error.code is string or null (ambiguity bad-request-code)."""
    assert findings(openai, 400, body, **CHAT_400) == (set(), set())


def test_a_400_of_another_type_warns_where_one_example_shows_invalid_request_error(openai):
    failed, warned = findings(openai, 400, error("BadRequestError", None), **CHAT_400)
    assert (failed, warned) == (set(), {"code_fields"})


@pytest.mark.parametrize(
    ("status", "body", "check"),
    [
        (400, {"detail": "Field required"}, "envelope"),
        (200, error("invalid_request_error", None), "defect_rejected"),
    ],
)
def test_a_missing_parameter_answered_otherwise_still_fails(openai, status, body, check):
    failed, _ = findings(openai, status, body, **CHAT_400)
    assert check in failed


RETRIEVE_404 = {"endpoint": "retrieve_model", "defect_codes": ("model_not_found",)}


def test_ollamas_404_for_an_unknown_model_passes_without_a_warning(openai):
    """The only doc is the library's 'NotFoundError: Requested resource does not exist'; no doc
    shows a 404's code (model_not_found is only in OpenAI's own answers): silent."""
    body = error("not_found_error", None, 'model "errcontract-no-such-model" not found')
    ex = exchange(spec_for(openai.contract, **RETRIEVE_404), 404, body, JSON)
    assert openai.code_of(ex) == "model_not_found"
    outcome = run_checks(ex, openai)
    assert outcome.violations == [] and outcome.warnings == []


@pytest.mark.parametrize("defect", [("invalid_request",), ()])
def test_a_404_is_justified_only_by_an_unknown_model(openai, defect):
    """A body mistake (a missing field) is no unknown model: a 404 for it is not justified."""
    spec = spec_for(openai.contract, endpoint="create_chat_completion", defect_codes=defect)
    ex = exchange(spec, 404, error("invalid_request_error", "model_not_found"), JSON)
    outcome = run_checks(ex, openai)
    found = {v.check for v in outcome.violations} | {w.check for w in outcome.warnings}
    assert "code_justified" in found


def test_openais_own_404_passes_without_a_warning(openai):
    body = error("invalid_request_error", "model_not_found", "The model `x` does not exist")
    assert findings(openai, 404, body, **RETRIEVE_404) == (set(), set())


@pytest.mark.parametrize(
    ("status", "body", "check"),
    [
        (404, {"detail": "Not Found"}, "envelope"),
        (400, error("invalid_request_error", "model_not_found"), "code_justified"),  # the 400 case
        (500, error("server_error", None), "no_server_error_for_client_mistake"),
    ],
)
def test_an_unknown_model_answered_otherwise_still_fails(openai, status, body, check):
    assert check in findings(openai, status, body, **RETRIEVE_404)[0]


def recipe_findings(oracle: Oracle, recipe: str, status: int, body: Any) -> tuple[set[str], set[str]]:
    spec = build_request(oracle.contract, recipe, {"api_key": "sk-errcontract-test"})
    outcome = run_checks(exchange(spec, status, body, JSON), oracle)
    return {v.check for v in outcome.violations}, {w.check for w in outcome.warnings}


@pytest.mark.parametrize(
    ("recipe", "body"),
    [
        ("invalid-api-key", error("invalid_request_error", None, "Incorrect API key provided")),
        (
            "missing-api-key",
            error("invalid_request_error", "invalid_api_key", "You didn't provide an API key"),
        ),
        ("missing-api-key", error("invalid_request_error", "missing_api_key")),
        ("invalid-api-key", error("authentication_error", "unauthorized")),
    ],
)
def test_either_key_defect_may_get_any_401(openai, recipe, body):
    """The guide's 401 rows give a cause and a solution, no code (ambiguity which-401)."""
    assert recipe_findings(openai, recipe, 401, body) == (set(), set())


@pytest.mark.parametrize("recipe", ["missing-api-key", "invalid-api-key"])
@pytest.mark.parametrize(
    ("status", "body", "check"),
    [
        (403, error("invalid_request_error", None), "code_justified"),
        # the documented code is its case at any status: at 400 it is out of place
        (400, error("invalid_request_error", "invalid_api_key"), "code_documented"),
        (401, {"detail": "Unauthorized"}, "envelope"),
        (200, {"object": "list", "data": []}, "access_control"),
    ],
)
def test_a_key_defect_answered_otherwise_still_fails(openai, recipe, status, body, check):
    assert check in recipe_findings(openai, recipe, status, body)[0]


@pytest.mark.parametrize(
    "code",
    [
        "credit_balance_exhausted",
        "organization_spend_limit_exceeded",
        "project_spend_limit_exceeded",
        "organization_usage_limit_exceeded",
    ],
)
@pytest.mark.parametrize("type_", ["insufficient_quota", "billing_error"])
def test_a_documented_quota_code_is_its_case_whatever_the_type(openai, code, type_):
    """'inspect error.code ... The broader error.type can still be insufficient_quota'."""
    body = error(type_, code, "You exceeded your current quota")
    ex = exchange(spec_for(openai.contract, endpoint="list_models"), 429, body, JSON)
    assert openai.code_of(ex) == code
    assert findings(openai, 429, body, endpoint="list_models") == (set(), set())


@pytest.mark.parametrize("code", ["rate_limit", "requests", None])
def test_a_rate_limit_429_with_another_code_is_no_finding(openai, code):
    """'429 - Rate limit reached for requests' names no code, and no doc shows one: silent."""
    body = error("requests", code, "Rate limit reached for requests")
    assert findings(openai, 429, body, endpoint="list_models") == (set(), set())


def test_a_quota_code_at_another_status_still_fails(openai):
    body = error("insufficient_quota", "credit_balance_exhausted")
    assert "code_documented" in findings(openai, 503, body, endpoint="list_models")[0]


@pytest.mark.parametrize(
    ("endpoint", "status", "required"),
    [
        ("create_chat_completion", 200, True),
        ("list_models", 200, False),
        ("create_chat_completion", 400, False),
    ],
)
def test_rate_limit_headers_are_stated_on_served_chat_completions(openai, endpoint, status, required):
    """ratelimits: 'You can expect to see the following header fields' (presence stated) on the
    requests the limits count: a served chat completion without them is a violation."""
    spec = spec_for(openai.contract, endpoint=endpoint)
    body = {"object": "list", "data": []} if status == 200 else error("invalid_request_error", None)
    outcome = run_checks(exchange(spec, status, body, JSON), openai)
    missing = [
        v for v in outcome.violations if v.check == "rate_limit_headers" and v.header_fault == "missing"
    ]
    assert bool(missing) is required, outcome.violations
