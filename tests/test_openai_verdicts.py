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
from tests.helpers import exchange, spec_for

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def openai() -> Oracle:
    return Oracle(load_provider("openai"))


def error(type_: str, code: str | None, message: str = "something", param: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def findings(
    oracle: Oracle, status: int, body: Any, headers: dict[str, str] | None = None, **spec: Any
) -> tuple[set[str], set[str]]:
    """The checks that found a violation, and those that warned."""
    ex = exchange(spec_for(oracle.contract, **spec), status, body, headers or JSON)
    outcome = run_checks(ex, oracle)
    return {v.check for v in outcome.violations}, {w.check for w in outcome.warnings}


@pytest.mark.parametrize("status", [409, 502, 504])
def test_statuses_the_python_library_names_are_documented(openai, status):
    """ConflictError (409) and InternalServerError (>=500) are in the library's error table."""
    body = error("server_error", None)
    assert findings(openai, status, body, endpoint="list_models") == (set(), set())


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


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(
    ("value", "ok"), [("56", True), ("0", True), ("Wed, 21 Oct 2015 07:28:00 GMT", False), ("soon", False)]
)
def test_retry_after_is_a_number_of_seconds_on_429_and_503(openai, status, value, ok):
    """ratelimits: 'The minimum number of seconds to wait'; errors, 503: 'Follow the Retry-After
    header when it's present' (an HTTP-date is not a number of seconds)."""
    code = "rate_limit_exceeded" if status == 429 else "server_is_overloaded"
    body = error("requests", code)
    failed, _ = findings(openai, status, body, {**JSON, "retry-after": value}, endpoint="list_models")
    assert failed == (set() if ok else {"status_headers"})


@pytest.mark.parametrize("status", [429, 503])
def test_an_absent_retry_after_is_no_finding(openai, status):
    body = error("requests", "rate_limit_exceeded" if status == 429 else "server_is_overloaded")
    assert findings(openai, status, body, endpoint="list_models") == (set(), set())
