"""The per-code verdict as a value: pass only when the code itself was answered; a documented
alternative is not observed; anything else fails; a crash is an error. Judged on recorded
exchanges (no server), through the same `judge_answer` the suites use."""

from __future__ import annotations

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.verdicts import Verdict
from errcontract.requests.recipes import build_request
from errcontract.run.code_tests import judge_answer, provoke
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun
from tests.helpers import exchange

VYDRA_HEADERS = {
    "content-type": "application/json",
    "x-ratelimit-limit": "60",
    "x-ratelimit-remaining": "59",
    "x-ratelimit-reset": "1795000000",
}
FIXTURES = {"api_key": "vydra_live_user_u1_" + "a" * 32, "api_key_revoked": "vydra_live_user_u1_" + "b" * 32}


@pytest.fixture
def run() -> ProviderRun:
    contract = load_provider("vydra")
    return ProviderRun(contract, RunOptions(provider="vydra"), "http://127.0.0.1:9", FIXTURES, False)


def _verdict(run: ProviderRun, code: str, status: int, body: object) -> tuple[Verdict, str | None]:
    spec = build_request(run.contract, run.contract.codes[code].provoke, run.fixtures)
    result = judge_answer(
        run, run.contract.codes[code], run.observe(exchange(spec, status, body, VYDRA_HEADERS))
    )
    return result.verdict, result.reason


def test_the_code_itself_at_a_documented_status_passes(run):
    body = {"error": "bad url", "code": "INVALID_URL"}
    assert _verdict(run, "INVALID_URL", 400, body) == (Verdict.PASS, None)


def test_a_code_the_docs_also_allow_for_the_defect_is_not_observed(run):
    verdict, reason = _verdict(run, "INVALID_URL", 400, {"error": "bad", "code": "INVALID_INPUT"})
    assert verdict is Verdict.NOT_OBSERVED
    assert reason == "answered HTTP 400 INVALID_INPUT, which the docs also allow for this defect"


def test_another_code_fails_with_what_was_answered(run):
    verdict, reason = _verdict(run, "JOB_NOT_FOUND", 404, {"error": "gone", "code": "NOT_FOUND"})
    assert verdict is Verdict.FAIL
    assert "NOT_FOUND is not justified" in (reason or "")


def test_a_success_for_a_revoked_key_fails_with_both_readings(run):
    verdict, reason = _verdict(run, "KEY_REVOKED", 200, {"id": "org"})
    assert verdict is Verdict.FAIL
    both = "either the target does not refuse it, or the key is not what --api-key-revoked says"
    assert both in (reason or "")


def test_a_crash_while_provoking_is_an_error_not_a_skip(run, monkeypatch):
    def boom(spec):
        raise RuntimeError("recipe exploded")

    monkeypatch.setattr(run, "send", boom)
    result = provoke(run, "INVALID_INPUT")
    assert result.verdict is Verdict.ERROR
    assert "RuntimeError: recipe exploded" in (result.reason or "")
    own = run.recorder.rows["INVALID_INPUT"].own
    assert own is not None and own.verdict == "error"


def test_a_5xx_for_a_client_mistake_fails_the_code_the_defect_documents(run):
    """A code fails if it fails anywhere: a generated request whose defect documents
    INVALID_INPUT, answered 500 with an undocumented code, fails INVALID_INPUT."""
    from dataclasses import replace

    from errcontract.core.exchange import Defect

    spec = build_request(run.contract, "invalid-input", run.fixtures)
    spec = replace(spec, origin="fuzz", defects=(Defect("body: JSON array", "body", ("INVALID_INPUT",)),))
    run.observe(exchange(spec, 500, {"error": "boom", "code": "INTERNAL_ERROR"}, VYDRA_HEADERS))
    assert run.recorder.verdict("INVALID_INPUT").verdict == "fail"


def test_invalid_auth_format_is_reached_without_a_pending_task_id():
    """Its recipe needs an id in the path only to have a route: a made-up one serves."""
    from errcontract.contract.model import load_provider as _load
    from errcontract.mock.server import serve_in_thread
    from errcontract.run.code_tests import provoke as _provoke
    from errcontract.run.options import RunOptions
    from errcontract.run.session import ProviderRun

    contract = _load("vicsee")
    with serve_in_thread("vicsee") as mock:
        fixtures = {k: v for k, v in mock.fixtures.items() if k != "pending_task_id"}
        run = ProviderRun(contract, RunOptions(provider="vicsee"), mock.url, fixtures, embedded_mock=True)
        result = _provoke(run, "INVALID_AUTH_FORMAT")
        run.client.close()
    assert result.verdict == "pass", result.reason


@pytest.mark.parametrize(("embedded", "verdict"), [(True, "fail"), (False, "not-observed")])
def test_the_defect_free_twin_says_whether_the_defect_was_reached(embedded, verdict):
    """Vydra's MODEL_NOT_FOUND recipe rests on a guessed body: answered 400 INVALID_INPUT, the
    twin (a valid model, the same body) is sent where it costs nothing. On the embedded mock it
    is served, so the 400 refused the unknown model: a failure. On a target the twin could bill:
    not sent, the code stays not observed."""
    from errcontract.contract.model import load_provider as _load
    from errcontract.mock.server import serve_in_thread
    from errcontract.run.code_tests import provoke as _provoke
    from errcontract.run.options import RunOptions
    from errcontract.run.session import ProviderRun

    contract = _load("vydra")
    with serve_in_thread("vydra", drift="unknown-model-as-400") as mock:
        run = ProviderRun(
            contract, RunOptions(provider="vydra"), mock.url, mock.fixtures, embedded_mock=embedded
        )
        result = _provoke(run, "MODEL_NOT_FOUND")
        run.client.close()
    assert result.verdict == verdict, result.reason
    if embedded:
        assert "the same request without the defect was answered HTTP 200" in (result.reason or "")
        assert any("code_justified: INVALID_INPUT is not justified" in line for line in result.details)
