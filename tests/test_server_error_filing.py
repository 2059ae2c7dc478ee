"""Where a 5xx answered to a client mistake is filed (issue 30, from LiteLLM's run): under the code
the mistake should have drawn, once, with the 5xx as its evidence; the 5xx's own case
(`server_error`) passes or fails on its own envelope, and nothing lands under no code at all."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.exchange import Defect
from errcontract.core.verdicts import Verdict
from errcontract.requests.recipes import build_request, build_variants
from errcontract.run.code_tests import judge_answer
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun
from tests.helpers import JSON, exchange, spec_for
from tests.helpers import openai_error as error

MISSING_KEY = Defect("auth: no Authorization header", "auth", ("missing_api_key",))
PLAIN_500 = (500, b"Internal Server Error", {"content-type": "text/plain"})
JSON_500 = (500, error("internal_server_error", "500", "boom"), JSON)


@pytest.fixture
def run() -> ProviderRun:
    contract = load_provider("openai")
    return ProviderRun(
        contract, RunOptions(provider="openai"), "http://127.0.0.1:9", {"api_key": "sk-x"}, False
    )


def _generated(run: ProviderRun, answer: tuple[int, Any, dict[str, str]]) -> None:
    spec = replace(
        spec_for(run.contract, "list_models", key_fixture=None, origin="generated"), defects=(MISSING_KEY,)
    )
    run.observe(exchange(spec, *answer))


def _filed(run: ProviderRun) -> set[tuple[str, str | None]]:
    return {(v.check, v.code) for v in run.recorder.violations}


def test_a_5xx_with_a_fine_envelope_fails_the_code_the_mistake_should_have_drawn(run: ProviderRun) -> None:
    _generated(run, JSON_500)
    assert _filed(run) == {("no_server_error_for_client_mistake", "missing_api_key")}
    assert run.recorder.verdict("missing_api_key").verdict is Verdict.FAIL
    # its envelope was fine: nothing filed under it (met only on a client mistake: not observed)
    assert run.recorder.verdict("server_error").verdict is not Verdict.FAIL
    evidence = run.recorder.rows["missing_api_key"].evidence
    assert evidence and evidence[0].response.startswith("HTTP 500")


def test_a_plain_text_5xx_fails_server_error_on_its_envelope_and_nothing_is_filed_under_no_code(
    run: ProviderRun,
) -> None:
    _generated(run, PLAIN_500)
    assert _filed(run) == {
        ("no_server_error_for_client_mistake", "missing_api_key"),
        ("content_type_json", "server_error"),
        ("envelope", "server_error"),
    }
    assert len(run.recorder.violations) == 3  # each finding once
    assert run.recorder.verdict("server_error").verdict is Verdict.FAIL


def test_a_recipes_5xx_is_filed_the_same_way(run: ProviderRun) -> None:
    spec = build_request(run.contract, "missing-api-key", run.fixtures)
    run.observe(exchange(spec, *JSON_500))
    assert _filed(run) == {("no_server_error_for_client_mistake", "missing_api_key")}
    assert run.recorder.verdict("server_error").verdict is not Verdict.FAIL


def test_a_recipes_plain_text_5xx_fails_its_code_for_the_5xx_first(run: ProviderRun) -> None:
    spec = build_request(run.contract, "missing-api-key", run.fixtures)
    result = judge_answer(run, run.contract.codes["missing_api_key"], run.observe(exchange(spec, *PLAIN_500)))
    assert result.verdict is Verdict.FAIL
    assert result.reason.startswith("no_server_error_for_client_mistake: HTTP 500 for a client mistake")


def test_model_not_found_is_tried_on_chat_completions_too() -> None:
    """Documented on both endpoints; a model is named in the path of one, in the body of the other."""
    contract = load_provider("openai")
    fixtures = {"api_key": "sk-x", "model": "gpt-x"}
    variants = build_variants(contract, contract.codes["model_not_found"], fixtures)
    assert [v.endpoint for v in variants] == ["create_chat_completion"]
    assert variants[0].json_body["model"] == "errcontract-no-such-model"
    assert not variants[0].may_bill
