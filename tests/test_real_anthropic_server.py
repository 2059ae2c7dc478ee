"""The Anthropic contract against a real Anthropic-compatible server no one on this project wrote:
LiteLLM's proxy (tests/litellm_proxy.py), whose `/v1/messages` speaks Anthropic's Messages API.

It serves one Claude model name with `mock_response` behind a master key, so nothing upstream is
called. The run sends the key as Anthropic's docs say, bare in `x-api-key`, with the
`anthropic-version: 2023-06-01` header on every request. What is asserted is what Anthropic's docs
say, case by case (README, "The Anthropic contract against LiteLLM", classifies each finding):
no case may pass where the server answers otherwise, the cases no request provokes stay not
observed, and each failure carries the response that shows it.
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

Run = tuple[subprocess.CompletedProcess[str], dict[str, Any]]

MODEL = "claude-sonnet-4-5"
CONFIG = f"""
model_list:
  - model_name: {MODEL}
    litellm_params:
      model: anthropic/{MODEL}
      api_key: sk-ant-upstream-never-called
      mock_response: "errcontract conformance probe"
general_settings:
  master_key: {MASTER_KEY}
litellm_settings:
  telemetry: false
"""

pytestmark = skip_without_registry


@pytest.fixture(scope="module")
def litellm_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(CONFIG, tmp_path_factory.mktemp("litellm-anthropic")) as url:
        yield url


@pytest.fixture(scope="module")
def run(
    litellm_url: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report_dir = tmp_path_factory.mktemp("reports")
    # mock_response answers cost nothing upstream, but LiteLLM counts ~2,600 tokens a message:
    # the budget only lets valid requests be sent.
    command = [
        *errcontract_command(),
        "run",
        "--provider",
        "anthropic",
        "--target",
        litellm_url,
        "--report-dir",
        str(report_dir),
        "--allow-spend",
        "10000000",
        "--examples",
        "60",
        "--timeout",
        "60",  # a loaded machine slows LiteLLM's answers (~0.7 s each when idle)
        # LiteLLM serves OpenAI's API beside Anthropic's: its model list and its answer to a key it
        # cannot look up are OpenAI's, which the preflight reads as a wrong --provider and stops.
        "--no-preflight",
    ]
    env = {**os.environ, "ERRCONTRACT_API_KEY": MASTER_KEY}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert (report_dir / "anthropic" / "results.json").is_file(), proc.stdout[-3000:] + proc.stderr[-2000:]
    results = json.loads((report_dir / "anthropic" / "results.json").read_text(encoding="utf-8"))
    return proc, results


@pytest.fixture(scope="module")
def results(run: Run) -> dict[str, Any]:
    return run[1]


def _code(results: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in results["codes"] if c["code"] == name)


def _checks(results: dict[str, Any], name: str) -> set[str]:
    return {results["violations"][i]["check"] for i in _code(results, name)["violations"]}


def test_the_run_exits_1_on_litellms_departures(
    run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    proc, results = run
    assert proc.returncode == 1, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert results["verdict"] == "violations" and results["embedded_mock"] is False
    assert "Traceback" not in proc.stdout + proc.stderr


def test_the_key_goes_bare_in_x_api_key_with_anthropic_version(results: dict[str, Any]) -> None:
    """Anthropic's way (overview: Authentication; versioning), as each reproducer shows, and
    LiteLLM took it: a keyed request was answered for what it asked, not refused for its key."""
    command = _code(results, "not_found_error")["evidence"][0]["reproduce"]
    assert '-H "x-api-key: $ERRCONTRACT_API_KEY"' in command
    assert "-H 'anthropic-version: 2023-06-01'" in command
    assert "Authorization" not in command and MASTER_KEY not in json.dumps(results)
    # LiteLLM answers a request without a key with a 500: this one's 404 shows the key was taken
    assert _code(results, "not_found_error")["evidence"][0]["response"].startswith("HTTP 404")


def test_no_documented_case_passes_where_litellm_answers_otherwise(results: dict[str, Any]) -> None:
    verdicts = {c["code"]: c["verdict"] for c in results["codes"]}
    assert {n for n, v in verdicts.items() if v == "fail"} >= {
        "invalid_request_error",
        "authentication_error",
        "not_found_error",
    }
    assert "pass" not in verdicts.values()
    not_provoked = ("permission_error", "request_too_large", "rate_limit_error", "overloaded_error")
    assert all(verdicts[name] == "not-observed" for name in not_provoked)


def test_error_bodies_lack_the_stated_request_id(results: dict[str, Any]) -> None:
    """errors: 'The response also includes a request_id field': LiteLLM's Anthropic errors have
    the type and message but no request_id."""
    code = _code(results, "invalid_request_error")
    broken = "stated envelope broken at (root): 'request_id' is a required property"
    found = [results["violations"][i] for i in code["violations"]]
    assert any(v["check"] == "envelope" and v["message"] == broken for v in found)
    shape = '"type":"error","error":{"type":"invalid_request_error"'
    assert any(shape in e["response"] for e in code["evidence"])


def test_no_response_carries_the_stated_request_id_header(results: dict[str, Any]) -> None:
    """errors: 'Every API response includes a unique request-id header': LiteLLM sends its own
    x-litellm-call-id instead (the anthropic family's every-response header)."""
    missing = [v for v in results["violations"] if v["check"] == "every_response_headers"]
    assert missing and all("request-id" in v["message"] for v in missing)
    assert results["headers"]["missing"] >= len(missing)


def test_missing_key_gets_a_plain_text_500_not_a_401(results: dict[str, Any]) -> None:
    evidence = _code(results, "authentication_error")["evidence"][0]["response"]
    assert evidence.startswith("HTTP 500") and "text/plain" in evidence
    assert {"content_type_json", "envelope", "no_server_error_for_client_mistake"} <= _checks(
        results, "authentication_error"
    )


def test_unknown_model_id_gets_a_detail_body_not_the_error_shape(results: dict[str, Any]) -> None:
    evidence = _code(results, "not_found_error")["evidence"][0]["response"]
    assert evidence.startswith("HTTP 404") and '{"detail":' in evidence
    assert _checks(results, "not_found_error") == {"envelope", "every_response_headers"}


def test_every_finding_is_one_the_readme_classifies(results: dict[str, Any]) -> None:
    """No finding of a kind nobody looked at (README lists each kind with its response)."""
    known = {
        "every_response_headers",
        "envelope",
        "content_type_json",
        "no_server_error_for_client_mistake",
        "defect_rejected",
        "status_documented",
        "code_documented",
        "code_justified",
    }
    assert {v["check"] for v in results["violations"]} <= known
    undocumented = {(u["code"], u["status"]) for u in results["undocumented"]}
    assert undocumented <= {("no_db_connection", 400)}  # an unknown key (README)
    assert not results["errors"]
