"""Documented cases told apart by more than a code string (OpenAI: type and code, code null)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
import yaml

from errcontract.contract import cases
from errcontract.contract.cases import identify
from errcontract.contract.lint import lint_path
from errcontract.contract.model import load_contract, load_provider
from errcontract.core.errors import UsageError
from errcontract.judge.checks import Oracle, run_checks
from errcontract.run.options import RunOptions
from tests.helpers import JSON, exchange, spec_for
from tests.helpers import openai_error as error


@pytest.fixture(scope="module")
def openai() -> Oracle:
    return Oracle(load_provider("openai"))


@pytest.mark.parametrize(
    ("status", "body", "case"),
    [
        (400, error("invalid_request_error", None), "invalid_request"),
        (401, error("invalid_request_error", None), "missing_api_key"),
        (401, error("invalid_request_error", "invalid_api_key"), "invalid_api_key"),
        (401, error("invalid_request_error", "ip_not_authorized"), "authentication_error"),
        (403, error("request_forbidden", "unsupported_country_region_territory"), "country_not_supported"),
        (404, error("invalid_request_error", "model_not_found"), "model_not_found"),
        (400, error("invalid_request_error", "missing_required_parameter"), "invalid_request"),
        (400, error("invalid_request_error", "model_not_found"), "invalid_request"),  # status decides
        (429, error("insufficient_quota", "credit_balance_exhausted"), "credit_balance_exhausted"),
        (429, error("insufficient_quota", "insufficient_quota"), "insufficient_quota"),
        (429, error("requests", "rate_limit_exceeded"), "rate_limit_exceeded"),
        (503, error("rate_limit_error", "slow_down"), "slow_down"),
        (400, error("invalid_request_error", "400"), "invalid_request"),  # the docs leave a 400's code open
        (409, error("invalid_request_error", "conflict"), "conflict"),  # no case at 409: the raw code
        (404, error("not_found_error", None), "model_not_found"),  # Ollama's /v1: the status decides
        (404, {"detail": "Not Found"}, "model_not_found"),  # any object at 404 (its envelope breaks)
        (400, [1, 2], None),
    ],
)
def test_a_body_is_the_case_its_status_type_and_code_say(openai, status, body, case):
    assert identify(openai.contract, body, status) == case


def test_vicsee_cases_are_still_their_code_strings():
    contract = load_provider("vicsee")
    assert identify(contract, {"success": False, "error": {"code": "INVALID_MODEL"}}, 400) == "INVALID_MODEL"
    assert identify(contract, {"success": False, "error": {"code": None}}, 400) is None


def _failed(oracle: Oracle, status: int, body: Any, headers: dict[str, str], **spec: Any) -> set[str]:
    outcome = run_checks(exchange(spec_for(oracle.contract, **spec), status, body, headers), oracle)
    return {v.check for v in outcome.violations}


CHAT_400 = {"endpoint": "create_chat_completion", "defect_codes": ("invalid_request",)}


def test_documented_null_code_case_passes_every_check(openai):
    body = error("invalid_request_error", None, "you must provide a model parameter")
    failed = _failed(openai, 400, body, JSON, **CHAT_400)
    assert failed == set()


def test_status_carried_as_the_code_is_a_400_the_docs_allow(openai):
    """The guide's 400 row names no code and Error.code is any string or null (bad-request-code)."""
    body = error("invalid_request_error", "400")
    failed = _failed(openai, 400, body, JSON, **CHAT_400)
    assert failed == set()


def test_a_detail_body_breaks_the_envelope(openai):
    failed = _failed(
        openai, 404, {"detail": "nope"}, JSON, endpoint="retrieve_model", defect_codes=("model_not_found",)
    )
    assert failed == {"envelope"}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("6m0s", True),
        ("1s", True),
        ("12ms", True),
        ("2m59.56s", True),
        ("360", False),
        ("2026-01-01T00:00:00Z", False),
    ],
)
def test_rate_limit_resets_are_durations_as_the_sample_values_show(openai, value, ok):
    """The guide's 'Sample Value' column is the only word on the format: another one warns."""
    headers = {**JSON, "x-ratelimit-reset-tokens": value}
    body = error("invalid_request_error", None)
    ex = exchange(spec_for(openai.contract, **CHAT_400), 400, body, headers)
    outcome = run_checks(ex, openai)
    assert outcome.violations == []
    warned = [(w.check, w.strength) for w in outcome.warnings]
    assert warned == ([] if ok else [("rate_limit_headers", "exemplified")])


def test_absent_rate_limit_headers_and_retry_after_are_no_finding(openai):
    body = error("requests", "rate_limit_exceeded")
    assert _failed(openai, 429, body, JSON, endpoint="list_models") == set()
    bad_retry = {**JSON, "retry-after": "soon"}
    assert _failed(openai, 429, body, bad_retry, endpoint="list_models") == {"status_headers"}


def test_two_cases_no_body_could_tell_apart_are_a_lint_problem(root: Path):
    file = root / "openai" / "contract.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["codes"]["invalid_api_key"]["match"] = {"/error/code": None}
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    problems = lint_path(root)["openai"].problems_for("code", "invalid_api_key")
    assert any("could never be told apart" in p.message for p in problems)


def test_null_in_an_openapi_code_enum_lints_clean():
    result = lint_path()["openai"]
    assert result.problems == []


def test_default_run_leaves_out_providers_without_a_mock_and_an_explicit_one_is_told_why(
    root: Path, monkeypatch: pytest.MonkeyPatch
):
    (root / "openai" / "mock.yaml").unlink()
    monkeypatch.setenv("ERRCONTRACT_CONTRACTS", str(root))
    assert "openai" not in RunOptions().providers()
    assert RunOptions().skipped_providers() == ["openai"]
    assert RunOptions(provider="openai", target="http://127.0.0.1:9").providers() == ["openai"]
    with pytest.raises(UsageError, match="no embedded mock for openai: pass --provider openai --target URL"):
        RunOptions(provider="openai").providers()


def test_the_case_index_goes_with_its_contract() -> None:
    """The index is kept beside a contract, by identity, and dropped with it (no contract is kept
    alive by the cache, and a reused id() never finds another contract's index)."""
    before = len(cases._INDEXES)
    contract = load_contract(load_provider("openai").root)
    assert cases.identify(contract, {"error": {"code": None, "type": "invalid_request_error"}}, 400)
    assert len(cases._INDEXES) == before + 1
    del contract
    gc.collect()
    assert len(cases._INDEXES) == before


def test_a_case_recognised_by_its_status_names_the_code_that_was_sent(openai):
    """OpenAI's one 403 is country_not_supported whatever undocumented code it carries: a
    finding says what came."""
    body = error("invalid_request_error", "unsupported_country_region_territory", "Country not supported")
    spec = spec_for(openai.contract, endpoint="create_chat_completion", defect_codes=("invalid_api_key",))
    outcome = run_checks(exchange(spec, 403, body, JSON), openai)
    messages = [v.message for v in outcome.violations if v.check == "code_justified"]
    expected = 'country_not_supported (code sent: "unsupported_country_region_territory") is not'
    assert messages and messages[0].startswith(expected)


@pytest.mark.parametrize(
    ("status", "type_", "code"),
    [
        (403, "insufficient_quota", "insufficient_quota"),
        (500, "insufficient_quota", "credit_balance_exhausted"),
        (400, "rate_limit_error", "slow_down"),
        (401, "invalid_request_error", "project_spend_limit_exceeded"),
        (403, "invalid_request_error", "invalid_api_key"),
    ],
)
def test_a_documented_code_decides_its_case_before_a_status_only_case(openai, status, type_, code):
    """A documented code string is its case whatever the status (never the status-only case of
    that status): the same code at a status the docs do not give it is a violation."""
    body = error(type_, code, "something")
    ex = exchange(spec_for(openai.contract, endpoint="list_models"), status, body, JSON)
    assert openai.code_of(ex) == code
    found = [v for v in run_checks(ex, openai).violations if v.check == "code_documented"]
    assert found and found[0].message.startswith(f"{code} is documented with HTTP"), found
