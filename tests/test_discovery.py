"""Fixtures a live target tells us itself: a valid model from its (unauthenticated) model list."""

from __future__ import annotations

import json

import httpx
import pytest

from errcontract.cli.summary import _line as summary_lines
from errcontract.contract.model import load_provider
from errcontract.core.verdicts import Verdict
from errcontract.mock.server import serve_in_thread
from errcontract.requests.discovery import discover, first_value
from errcontract.run.code_tests import missing_fixtures_reason, provoke
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun, RunRegistry
from tests.faulty_servers import (
    Connection,
    LoopbackServer,
    Request,
    VicSeeKeys,
    faithful_vicsee,
    gateway_page,
    http_response,
    rate_limit_headers,
    vicsee_answer,
)

KEY, PENDING = "sk-discovery-main-0001", "task-given-pending-0001"


def test_first_value_reads_the_first_item_of_the_first_list():
    body = {"success": True, "data": [{"name": "Fast", "id": "fast-1"}, {"id": "slow-2"}]}
    assert first_value(body, ["id", "name"]) == "fast-1"
    assert first_value({"models": ["a", "b"]}, ["id"]) == "a"
    assert first_value({"models": []}, ["id"]) is None


def test_first_value_reads_an_integer_id_as_its_path_text_never_a_boolean():
    assert first_value([{"id": 7, "name": "Rex"}], ["id", "name"]) == "7"
    assert first_value({"pets": [3, 4]}, ["id"]) == "3"
    assert first_value([{"id": True, "name": "Rex"}], ["id", "name"]) == "Rex"


def test_model_is_discovered_from_the_target_when_not_given():
    contract = load_provider("vicsee")
    with serve_in_thread("vicsee") as mock:
        given = {"api_key": mock.fixtures["api_key"]}
        run = ProviderRun(contract, RunOptions(provider="vicsee"), mock.url, given, embedded_mock=False)
        assert "model" not in run.fixtures  # the contract names no model: only a look-up finds one
        found = discover(run.contract, run.fixtures, run.send_exchange).found
        run.client.close()
        listed = httpx.get(f"{mock.url}/api/v1/models").json()
    assert run.client.stats.sent == 1  # the one model-list request
    assert found["model"] == first_value(listed, ["id"])


def test_a_given_model_is_never_replaced():
    contract = load_provider("vicsee")
    with serve_in_thread("vicsee") as mock:
        given = {"api_key": mock.fixtures["api_key"], "model": "my-model"}
        run = ProviderRun(contract, RunOptions(provider="vicsee"), mock.url, given, embedded_mock=False)
        assert discover(run.contract, run.fixtures, run.send_exchange).found == {}
        run.client.close()
    assert run.client.stats.sent == 0  # the target was not even asked
    assert run.fixtures["model"] == "my-model"


def test_a_target_that_never_answered_is_the_reason_not_a_fixture_to_give():
    """Issue 30: a down target made seven codes say "needs --model", sending the reader to a flag."""
    contract = load_provider("vicsee")
    key = {"api_key": "sk-errcontract-unused-0123456789"}
    run = ProviderRun(contract, RunOptions(provider="vicsee"), "http://127.0.0.1:9", key, embedded_mock=False)
    discovery = discover(run.contract, run.fixtures, run.send_exchange)
    run.client.close()
    assert discovery.found == {}
    assert discovery.missed["model"].startswith("GET /models got no answer: ")
    run.fixture_misses.update(discovery.missed)
    reason = missing_fixtures_reason(run, ["model"])
    never = f"the target never answered ({discovery.missed['model']})"
    assert reason == f"{never}: nothing that needs --model could be sent"


def test_a_fixture_an_answering_target_did_not_tell_is_needed_with_why():
    contract = load_provider("vicsee")
    with LoopbackServer(gateway_page(502)) as server:
        key = {"api_key": "sk-errcontract-unused-0123456789"}
        run = ProviderRun(contract, RunOptions(provider="vicsee"), server.url, key, embedded_mock=False)
        discovery = discover(run.contract, run.fixtures, run.send_exchange)
        run.client.close()
    run.fixture_misses.update(discovery.missed)
    assert missing_fixtures_reason(run, ["model"]) == f"needs --model ({discovery.missed['model']})"
    assert "(HTTP 502) named none" in discovery.missed["model"]


def _finished(request: Request, conn: Connection) -> None:
    """A faithful VicSee whose 'pending' task has finished since it was given: GET says success
    and its download is served."""
    if request.path.startswith(f"/api/v1/tasks/{PENDING}"):
        if request.path.endswith("/download"):
            conn.send(http_response(200, {"Content-Type": "image/png", **rate_limit_headers()}, b"\\x89PNG"))
            return
        body = json.dumps({"success": True, "data": {"id": PENDING, "status": "success"}}).encode()
        conn.send(http_response(200, {"Content-Type": "application/json", **rate_limit_headers()}, body))
        return
    conn.send(vicsee_answer(request, VicSeeKeys(valid={KEY}, pending_task=PENDING), rate_limit_headers))


@pytest.mark.parametrize(
    ("handler", "verdict"), [("finished", Verdict.NOT_OBSERVED), ("pending", Verdict.PASS)]
)
def test_a_given_pending_task_that_finished_since_leaves_its_code_not_observed(
    handler: str, verdict: Verdict
) -> None:
    keys = VicSeeKeys(valid={KEY}, pending_task=PENDING)
    serve = _finished if handler == "finished" else faithful_vicsee(keys)
    with LoopbackServer(serve) as server:
        options = RunOptions(
            provider="vicsee", target=server.url, fixtures={"api_key": KEY, "pending_task_id": PENDING}
        )
        registry = RunRegistry(options)
        run = registry.get("vicsee")
        result = provoke(run, "TASK_NOT_COMPLETE")
        violations = run.results().to_json()["violations"]
        registry.close(None)
    assert result.verdict is verdict, result.reason
    assert violations == []
    if verdict is Verdict.NOT_OBSERVED:
        assert "needs --pending-task-id" in (result.reason or "") and "'success'" in (result.reason or "")


def test_what_a_run_cannot_cover_is_listed_with_why_never_dropped_silently():
    """An endpoint left out of the generated requests and each recipe that cannot be built, with
    the fixtures they lack and why the target did not tell them: in results.json and the summary."""
    contract = load_provider("openai")
    with serve_in_thread("openai") as mock:
        run = ProviderRun(
            contract, RunOptions(provider="openai"), mock.url, {"api_key": "sk-wrong"}, embedded_mock=False
        )
        run.fixture_misses["model"] = "GET /models answered HTTP 401"
        left_out: dict[tuple[str, str], list[str]] = {}
        for gap in run.left_out():
            left_out.setdefault((gap.kind, gap.name), []).append(gap.reason)
        results = run.results()
        run.client.close()
    assert left_out[("fixture", "model")] == ["GET /models answered HTTP 401"]
    chat = left_out[("endpoint", "POST /chat/completions")]
    assert chat[0] == "needs --model (GET /models answered HTTP 401)"
    assert "could be billed on a live target" in chat[1]  # a live target, no --allow-spend
    assert any(kind == "recipe" and "create_chat_completion" in name for kind, name in left_out)
    written = results.to_json()["left_out"]
    assert {"kind": "fixture", "name": "model", "reason": "GET /models answered HTTP 401"} in written
    lines = summary_lines(results, "openai")
    assert any("– left out: fixture model: GET /models answered HTTP 401" in line for line in lines)
