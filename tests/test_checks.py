"""Each check judged on recorded exchanges: what the docs promise fails, what they allow passes."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from errcontract.contract.model import load_provider
from errcontract.judge.checks import CHECKS, Oracle, run_checks
from tests.helpers import VICSEE_HEADERS, exchange, spec_for, vicsee_error

VYDRA_HEADERS = {
    "content-type": "application/json",
    "x-ratelimit-limit": "30",
    "x-ratelimit-remaining": "29",
    "x-ratelimit-reset": "1795000000",
}


@pytest.fixture(scope="module")
def vicsee() -> Oracle:
    return Oracle(load_provider("vicsee"))


@pytest.fixture(scope="module")
def vydra() -> Oracle:
    return Oracle(load_provider("vydra"))


def failed_checks(ex, oracle) -> set[str]:
    return {v.check for v in run_checks(ex, oracle).violations}


def warned_checks(ex, oracle) -> set[str]:
    return {v.check for v in run_checks(ex, oracle).warnings}


def test_documented_error_passes_every_check(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    ex = exchange(spec, 400, vicsee_error("INVALID_MODEL", "Invalid model"))
    assert failed_checks(ex, vicsee) == set()


def test_wrong_status_for_code_fails_code_documented(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    assert "code_documented" in failed_checks(exchange(spec, 404, vicsee_error("INVALID_MODEL")), vicsee)


def test_lower_cased_code_fails_as_an_undocumented_code_not_as_a_broken_envelope(vicsee):
    """The tables' UPPER_SNAKE is their spelling, not an envelope rule: a code outside them is
    the code check's finding, and the envelope (a string code, a message) is kept."""
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    found = failed_checks(exchange(spec, 400, vicsee_error("invalid_model")), vicsee)
    assert "code_documented" in found and "envelope" not in found


def test_missing_message_fails_envelope(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    body = {"success": False, "error": {"code": "INVALID_MODEL"}}
    assert "envelope" in failed_checks(exchange(spec, 400, body), vicsee)


def test_error_sent_with_200_fails_defect_rejected(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    assert "defect_rejected" in failed_checks(exchange(spec, 200, vicsee_error("INVALID_MODEL")), vicsee)


def test_html_gateway_page_fails_content_type_and_envelope(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    headers = {**exchange(spec, 502, {}).headers, "content-type": "text/html"}
    ex = exchange(spec, 502, b"<html><body>502 Bad Gateway</body></html>", headers)
    expected = {"content_type_json", "envelope", "no_server_error_for_client_mistake"}
    assert expected <= failed_checks(ex, vicsee)


def test_unjustified_code_fails_code_justified(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_API_KEY",))
    assert "code_justified" in failed_checks(
        exchange(
            spec, 402, vicsee_error("INSUFFICIENT_CREDITS", "Insufficient credits. Required: 1, Available: 0")
        ),
        vicsee,
    )


SPENT = {**VICSEE_HEADERS, "x-ratelimit-remaining": "0"}
RATE_LIMITED = vicsee_error(
    "RATE_LIMITED", "Rate limit exceeded. Limit: 5/day. Resets at: 2026-11-24T00:00:00Z"
)


def test_rate_limit_code_is_always_justified(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    assert failed_checks(exchange(spec, 429, RATE_LIMITED, SPENT), vicsee) == set()


def test_vicsee_429_while_requests_remain_contradicts_its_one_limit(vicsee):
    spec = spec_for(vicsee.contract)
    assert failed_checks(exchange(spec, 429, RATE_LIMITED), vicsee) == {"rate_limited_with_room"}


def test_vydra_429_while_the_minute_has_room_is_another_limit(vydra):
    """Vydra's headers count the minute; its hour, day and concurrency limits answer 429 too."""
    spec = spec_for(vydra.contract, endpoint="create_job")
    body = {"error": "Rate limit exceeded", "code": "RATE_LIMIT_EXCEEDED"}
    headers = {**VYDRA_HEADERS, "retry-after": "1800"}
    assert "rate_limited_with_room" not in failed_checks(exchange(spec, 429, body, headers), vydra)


def test_credits_message_without_numbers_is_an_exemplified_warning(vicsee):
    """The table's message word for word is stated; the numbers only an example shows."""
    spec = spec_for(vicsee.contract, defect_codes=("INSUFFICIENT_CREDITS",))
    body = vicsee_error("INSUFFICIENT_CREDITS", "Not enough credits")
    outcome = run_checks(exchange(spec, 402, body), vicsee)
    assert outcome.violations == []
    assert [(w.check, w.strength) for w in outcome.warnings] == [("message_pattern", "exemplified")]


def test_missing_rate_limit_headers_fail_when_key_recognised(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    ex = exchange(spec, 400, vicsee_error("INVALID_MODEL"), {"content-type": "application/json"})
    assert failed_checks(ex, vicsee) == {"rate_limit_headers"}


def test_missing_rate_limit_headers_tolerated_on_401(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("MISSING_AUTH_HEADER",), key_fixture=None)
    ex = exchange(spec, 401, vicsee_error("MISSING_AUTH_HEADER"), {"content-type": "application/json"})
    assert failed_checks(ex, vicsee) == set()


def test_reset_in_unix_seconds_fails_vicsee_iso_format(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    headers = {**exchange(spec, 400, {}).headers, "x-ratelimit-reset": "1795000000"}
    assert failed_checks(exchange(spec, 400, vicsee_error("INVALID_MODEL"), headers), vicsee) == {
        "rate_limit_headers"
    }


def test_header_checks_mark_missing_or_malformed(vicsee):
    """The recorder counts results.json's `headers` from this mark, not from check names or prose."""
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    bare = exchange(spec, 400, vicsee_error("INVALID_MODEL"), {"content-type": "application/json"})
    assert {v.header_fault for v in run_checks(bare, vicsee).violations} == {"missing"}
    headers = {**exchange(spec, 400, {}).headers, "x-ratelimit-reset": "1795000000"}
    malformed = exchange(spec, 400, vicsee_error("INVALID_MODEL"), headers)
    assert [v.header_fault for v in run_checks(malformed, vicsee).violations] == ["malformed"]
    wrong_status = exchange(spec, 422, vicsee_error("INVALID_MODEL"))
    assert {v.header_fault for v in run_checks(wrong_status, vicsee).violations} == {None}


def test_undocumented_status_fails_status_documented(vicsee):
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    assert "status_documented" in failed_checks(exchange(spec, 422, vicsee_error("INVALID_MODEL")), vicsee)


def test_redirect_is_reported_not_followed(vicsee):
    spec = spec_for(vicsee.contract, endpoint="get_task")
    headers = {"location": "http://other.example/api", "content-length": "0"}
    outcome = run_checks(exchange(spec, 302, b"", headers), vicsee)
    assert any("redirect to http://other.example/api" in v.message for v in outcome.violations)


def test_vydra_stated_envelope_requires_code(vydra):
    spec = spec_for(vydra.contract, endpoint="create_job", defect_codes=("INVALID_INPUT",))
    ex = exchange(spec, 400, {"error": "Missing required field: prompt (string)"}, VYDRA_HEADERS)
    assert failed_checks(ex, vydra) == {"envelope"}
    assert vydra.profile_results(ex) == {"stated": False, "exemplified": True}


def test_vydra_402_without_numbers_is_an_exemplified_code_fields_warning(vydra):
    """Only the 'Insufficient Credits' example shows the numbers (ambiguity credit-fields)."""
    spec = spec_for(vydra.contract, endpoint="create_job", defect_codes=("INSUFFICIENT_CREDITS",))
    ex = exchange(spec, 402, {"error": "Insufficient credits", "code": "INSUFFICIENT_CREDITS"}, VYDRA_HEADERS)
    outcome = run_checks(ex, vydra)
    assert outcome.violations == []
    assert [(w.check, w.strength) for w in outcome.warnings] == [("code_fields", "exemplified")]


def test_vydra_details_null_is_accepted(vydra):
    """ambiguity details-null: the docs leave it open, so nothing is judged about it."""
    spec = spec_for(vydra.contract, endpoint="get_job", defect_codes=("JOB_NOT_FOUND",))
    body = {"error": "Job ID doesn't exist", "code": "JOB_NOT_FOUND", "details": None}
    assert failed_checks(exchange(spec, 404, body, VYDRA_HEADERS), vydra) == set()


@pytest.mark.parametrize("where", ["top", "details"])
def test_vydra_402_numbers_accepted_at_top_level_or_under_details(vydra, where):
    spec = spec_for(vydra.contract, endpoint="create_job", defect_codes=("INSUFFICIENT_CREDITS",))
    numbers = {"creditsRequired": 15, "creditsRemaining": 5}
    body = {"error": "Insufficient credits", "code": "INSUFFICIENT_CREDITS"}
    body.update(numbers if where == "top" else {"details": numbers})
    assert failed_checks(exchange(spec, 402, body, VYDRA_HEADERS), vydra) == set()


def test_vydra_429_without_retry_after_fails_status_headers(vydra):
    spec = spec_for(vydra.contract, endpoint="organization")
    body = {
        "error": "Rate limit exceeded",
        "code": "RATE_LIMIT_EXCEEDED",
        "retryAfter": 30,
        "limits": {"type": "minute", "limit": 30, "used": 31},
    }
    assert failed_checks(exchange(spec, 429, body, VYDRA_HEADERS), vydra) == {"status_headers"}
    with_retry = {**VYDRA_HEADERS, "retry-after": "30"}
    assert failed_checks(exchange(spec, 429, body, with_retry), vydra) == set()


def test_vydra_500_accepts_any_code_and_only_warns_on_a_refund_unlike_the_example(vydra):
    """The refund object's shape is shown by one example: a departure is a warning."""
    spec = spec_for(vydra.contract, endpoint="create_job")
    body = {
        "error": "Failed to generate image",
        "code": "GENERATION_FAILED",
        "refund": {"applied": True, "creditsRefunded": 5},
    }
    assert failed_checks(exchange(spec, 500, body, VYDRA_HEADERS), vydra) == set()
    body["refund"] = {"applied": "yes"}
    assert failed_checks(exchange(spec, 500, body, VYDRA_HEADERS), vydra) == set()
    assert warned_checks(exchange(spec, 500, body, VYDRA_HEADERS), vydra) == {"envelope_exemplified"}
    body.update(refund={"applied": True, "creditsRefunded": 2.5}, code="generation_failed")
    assert failed_checks(exchange(spec, 500, body, VYDRA_HEADERS), vydra) == set()


def test_crashing_check_is_an_error_not_a_crash(vicsee, monkeypatch):
    def broken(ex, oracle):
        raise RuntimeError("boom")

    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    outcome = run_checks(
        exchange(spec, 400, vicsee_error("INVALID_MODEL")), vicsee, rules={**CHECKS, "broken": broken}
    )
    assert outcome.errors == ["check broken crashed: RuntimeError: boom"]


def test_undocumented_route_error_page_is_a_warning_not_a_violation(vicsee):
    from errcontract.core.exchange import RequestSpec

    spec = RequestSpec("GET", "/api/v1/no-such-route", None, key_fixture="api_key")
    headers = {**exchange(spec, 404, {}).headers, "content-type": "text/plain"}
    outcome = run_checks(exchange(spec, 404, b"Not Found", headers), vicsee)
    assert outcome.violations == []
    assert {w.check for w in outcome.warnings} >= {"content_type_json", "envelope"}


@pytest.mark.parametrize(("remaining", "flagged"), [("0", True), ("7", False)])
def test_rate_limited_key_served_is_a_violation_unless_its_sliding_window_had_room(vydra, remaining, flagged):
    """A full sliding window the user prepared frees up within a minute: an answer that itself
    says requests remain shows the key no longer carries its defect."""
    spec = spec_for(vydra.contract, endpoint="organization", defect_codes=("RATE_LIMIT_EXCEEDED",))
    headers = {**VYDRA_HEADERS, "x-ratelimit-remaining": remaining}
    found = failed_checks(exchange(spec, 200, {"id": "org_1"}, headers), vydra)
    assert ("defect_rejected" in found) is flagged


@pytest.mark.parametrize(("remaining", "flagged"), [("0", True), ("7", False)])
def test_rate_limited_key_served_with_room_is_no_violation_where_the_day_is_only_exemplified(
    vicsee, remaining, flagged
):
    """VicSee's 'per day' may be a rolling 24 hours (its fixed midnight is only an example): a
    served request whose answer shows room had a window that freed up. Served with none left
    still breaks the limit whatever the kind."""
    spec = spec_for(vicsee.contract, endpoint="generate", defect_codes=("RATE_LIMITED",))
    served = {"success": True, "data": {"id": "t-1"}}
    headers = {**VICSEE_HEADERS, "x-ratelimit-remaining": remaining}
    assert ("defect_rejected" in failed_checks(exchange(spec, 200, served, headers), vicsee)) is flagged


def test_rate_limited_key_served_in_a_stated_fixed_window_is_a_violation_whatever_it_shows(vicsee):
    """Where the docs state a fixed window, it stays full until its reset: room shown is the
    limiter's own fault."""
    contract = vicsee.contract
    document = copy.deepcopy(contract.document)
    document["headers"]["rate_limit"]["window"]["strength"] = "stated"
    oracle = Oracle(replace(contract, document=document))
    spec = spec_for(contract, endpoint="generate", defect_codes=("RATE_LIMITED",))
    served = {"success": True, "data": {"id": "t-1"}}
    headers = {**VICSEE_HEADERS, "x-ratelimit-remaining": "7"}
    assert "defect_rejected" in failed_checks(exchange(spec, 200, served, headers), oracle)


def test_a_body_cut_at_the_read_limit_is_could_not_judge_never_judged_as_read(vicsee):
    """Part of a body is not the body: a list cut short names nothing, a JSON cut short is no
    JSON. The exchange is an error with the reason (exit 1), with no finding either way."""
    spec = spec_for(vicsee.contract, defect_codes=("INVALID_MODEL",))
    ex = exchange(spec, 400, vicsee_error("INVALID_MODEL"))
    ex.body = ex.body[:20]
    ex.truncated = True
    outcome = run_checks(ex, vicsee)
    assert not outcome.violations and not outcome.warnings
    assert len(outcome.errors) == 1 and "over the read limit" in outcome.errors[0]


@pytest.mark.parametrize(
    ("headers", "warned"), [({"content-type": "application/json"}, True), (VICSEE_HEADERS, False)]
)
def test_rate_limit_headers_are_checked_on_a_401_too(vicsee, headers, warned):
    """'Check rate limit headers in any response': a 401 (no user known) without them is a
    warning (the per-user reading leaves them out); with them, their format is judged."""
    spec = spec_for(vicsee.contract, endpoint="generate", defect_codes=("MISSING_AUTH_HEADER",))
    spec = replace(spec, key_fixture=None)
    outcome = run_checks(exchange(spec, 401, vicsee_error("MISSING_AUTH_HEADER"), headers), vicsee)
    assert outcome.violations == []
    assert ("rate_limit_headers" in {w.check for w in outcome.warnings}) is warned
    bad = {**VICSEE_HEADERS, "x-ratelimit-reset": "tomorrow"}
    malformed = run_checks(exchange(spec, 401, vicsee_error("MISSING_AUTH_HEADER"), bad), vicsee)
    assert "rate_limit_headers" in {v.check for v in malformed.violations}


def test_an_unknown_job_id_answered_400_is_not_justified(vydra):
    """The docs give an unknown id 404 JOB_NOT_FOUND: INVALID_INPUT (400) does not answer it."""
    from errcontract.core.exchange import Defect

    assert "INVALID_INPUT" not in vydra.contract.defect_classes["resource_id"].codes
    spec = spec_for(vydra.contract, endpoint="get_job")
    codes = vydra.contract.defect_classes["resource_id"].codes
    spec = replace(spec, defects=(Defect("id: unknown id", "resource_id", codes),))
    body = {"error": "Missing or invalid request parameters", "code": "INVALID_INPUT"}
    assert "code_justified" in failed_checks(exchange(spec, 400, body, VYDRA_HEADERS), vydra)
