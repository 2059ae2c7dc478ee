"""The OpenAI contract against a real OpenAI-compatible server no one on this project wrote.

LiteLLM's proxy (tests/litellm_proxy.py: pinned, installed from the registry into its own cached
virtual environment) serves one model with `mock_response` and a master key, so nothing upstream
is ever called; it listens on 127.0.0.1 only and is stopped by its pid.

What is asserted is what OpenAI's docs say, case by case (docs/real-servers.md, "The OpenAI contract against
LiteLLM", classifies each finding): no case may pass where the server answers otherwise, the
observe-only cases stay not observed, and each failure carries the response that shows it.
ERRCONTRACT_SKIP_REAL_SERVER=1 skips this module (a machine without the package registry).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.litellm_proxy import MASTER_KEY, serving, skip_without_registry
from tests.live_runs import errcontract_command

MODEL = "gpt-4o-mini"
CONFIG = f"""
model_list:
  - model_name: {MODEL}
    litellm_params:
      model: openai/{MODEL}
      api_key: sk-upstream-never-called
      mock_response: "errcontract conformance probe"
general_settings:
  master_key: {MASTER_KEY}
litellm_settings:
  telemetry: false
"""

pytestmark = skip_without_registry


@pytest.fixture(scope="module")
def litellm_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(CONFIG, tmp_path_factory.mktemp("litellm")) as url:
        yield url


@pytest.fixture(scope="module")
def results(litellm_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report_dir = tmp_path_factory.mktemp("reports")
    # mock_response answers cost nothing upstream; the budget only lets valid requests be sent.
    command = [
        *errcontract_command(),
        "run",
        "--provider",
        "openai",
        "--target",
        litellm_url,
        "--report-dir",
        str(report_dir),
        "--allow-spend",
        "100000",
        "--examples",
        "60",
    ]
    env = {**os.environ, "ERRCONTRACT_API_KEY": MASTER_KEY}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert proc.returncode == 1, proc.stdout[-4000:] + proc.stderr[-2000:]
    return json.loads((report_dir / "openai" / "results.json").read_text(encoding="utf-8"))


def _code(results: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in results["codes"] if c["code"] == name)


def _checks(results: dict[str, Any], name: str) -> set[str]:
    return {results["violations"][i]["check"] for i in _code(results, name)["violations"]}


def test_no_documented_case_passes_where_litellm_answers_otherwise(results):
    verdicts = {c["code"]: c["verdict"] for c in results["codes"]}
    assert {n for n, v in verdicts.items() if v == "fail"} >= {
        "invalid_request",
        "missing_api_key",
        "invalid_api_key",
        "model_not_found",
    }
    assert "pass" not in verdicts.values()
    observe_only = (
        "authentication_error",
        "country_not_supported",
        "rate_limit_exceeded",
        "slow_down",
        "insufficient_quota",
        "credit_balance_exhausted",
        "organization_spend_limit_exceeded",
        "project_spend_limit_exceeded",
        "organization_usage_limit_exceeded",
        "server_is_overloaded",
    )
    assert all(verdicts[name] == "not-observed" for name in observe_only)
    assert results["verdict"] == "violations" and results["embedded_mock"] is False


def test_missing_key_gets_a_plain_text_500_not_a_401(results):
    """The 500 fails missing_api_key (the code the mistake should have drawn), with the 500 as its
    evidence; its plain-text body fails server_error's envelope, each finding filed once."""
    evidence = _code(results, "missing_api_key")["evidence"][0]["response"]
    assert evidence.startswith("HTTP 500") and "text/plain" in evidence
    assert _checks(results, "missing_api_key") == {"no_server_error_for_client_mistake"}
    assert {"content_type_json", "envelope"} <= _checks(results, "server_error")
    assert "no_server_error_for_client_mistake" not in _checks(results, "server_error")
    # nothing a 5xx broke is filed under no code
    assert not [v for v in results["violations"] if v["code"] is None and (v["status"] or 0) >= 500]


def test_wrong_key_gets_400_no_db_connection_not_a_401(results):
    """A 400 is the bad-request case (recognised by its status): not what a wrong key gets."""
    evidence = _code(results, "invalid_api_key")["evidence"][0]["response"]
    assert evidence.startswith("HTTP 400") and '"type":"no_db_connection"' in evidence
    assert _checks(results, "invalid_api_key") == {"code_justified"}


def test_missing_parameter_gets_a_400_the_docs_allow(results):
    """The guide's 400 row names no code and Error.code is string or null: LiteLLM's status as
    the code ("400") is its own choice where the docs are silent, not a departure."""
    code = _code(results, "invalid_request")
    evidence = code["evidence"][0]["response"]
    assert evidence.startswith("HTTP 400") and '"param":"messages","code":"400"' in evidence
    assert code["endpoints"]["create_chat_completion"]["verdict"] == "pass"
    assert results["undocumented"] == []
    # The case still fails, on LiteLLM's 500s for a malformed body (a JSON array, a wrong type).
    assert code["verdict"] == "fail" and code["reason"].startswith("HTTP 500 for a client mistake")


def test_unknown_model_gets_a_detail_body_not_the_error_envelope(results):
    evidence = _code(results, "model_not_found")["evidence"][0]["response"]
    assert evidence.startswith("HTTP 404") and '{"detail":' in evidence
    assert _checks(results, "model_not_found") == {"envelope"}


def test_every_finding_is_one_the_readme_classifies(results):
    """No finding of a kind nobody looked at (docs/real-servers.md lists each kind with its response)."""
    known = {
        "code_justified",
        "envelope",
        "content_type_json",
        "no_server_error_for_client_mistake",
        "defect_rejected",
        "status_documented",
        "rate_limit_headers",
    }
    assert {v["check"] for v in results["violations"]} <= known
    # The contract requires OpenAI's x-ratelimit-* headers on served chat completions (ambiguity
    # rate-limit-headers-presence); a mock_response model behind LiteLLM sends none of them.
    missing = [v for v in results["violations"] if v["check"] == "rate_limit_headers"]
    assert missing
    assert all(
        v["status"] == 200
        and "/v1/chat/completions" in v["reproduce"]
        and v["message"].startswith("x-ratelimit-")
        and v["message"].endswith(" header missing")
        for v in missing
    )
    assert all(
        v["message"].startswith(
            'invalid_request (code sent: "400") is not justified by the request\'s defect (invalid-api-key'
        )
        for v in results["violations"]
        if v["check"] == "code_justified"
    )
    # A 400 whose type is not invalid_request_error (no_db_connection for a wrong key; a model
    # of the wrong JSON type): the type only one example shows, so a warning.
    assert {(w["check"], w["code"], w["strength"]) for w in results["warnings"]} == {
        ("code_fields", "invalid_request", "exemplified")
    }
    assert not results["errors"]
