"""The httpx transports and the pytest plugin: the code under test's own traffic judged, its
answers untouched, the report set published at the end; the docs' OpenAI example runs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from errcontract.mock.process import running_mock
from errcontract.observe.transport import CLOSED_EARLY, TrafficJudge

ROOT = Path(__file__).resolve().parents[1]


def codes_of(results: dict) -> dict[str, str]:
    return {c["code"]: c["verdict"] for c in results["codes"] if c["verdict"] != "not-observed"}


def test_the_sync_transport_judges_what_the_client_receives(tmp_path):
    judge = TrafficJudge("openai")
    with (
        running_mock("openai") as mock,
        httpx.Client(base_url=mock.url, transport=judge.transport()) as client,
    ):
        key = {"Authorization": f"Bearer {mock.fixtures['api_key']}"}
        wrong = client.get("/v1/models", headers={"Authorization": "Bearer sk-not-a-key-0123456789"})
        listed = client.get("/v1/models", headers=key)
        missing = client.get("/v1/models/no-such-model", headers=key)
        direct = httpx.get(f"{mock.url}/v1/models/no-such-model", headers=key)
    assert (wrong.status_code, listed.status_code, missing.status_code) == (401, 200, 404)
    assert missing.content == direct.content  # the caller reads what the server sent
    (target,) = judge.publish(tmp_path / "r")
    assert target.results.to_json()["verdict"] == "conformant"
    assert codes_of(target.results.to_json()) == {"invalid_api_key": "pass", "model_not_found": "pass"}
    assert (tmp_path / "r" / target.folder / "results.json").is_file() and (
        tmp_path / "r" / "index.html"
    ).is_file()


def test_the_async_transport_catches_a_drifted_server(tmp_path):
    judge = TrafficJudge("openai")

    async def calls(url: str) -> int:
        async with httpx.AsyncClient(base_url=url, transport=judge.async_transport()) as client:
            response = await client.get(
                "/v1/models", headers={"Authorization": "Bearer sk-not-a-key-0123456789"}
            )
            return response.status_code

    with running_mock("openai", drift="text-plain-errors") as mock:
        assert asyncio.run(calls(mock.url)) == 401
    (target,) = judge.publish(tmp_path / "r")
    assert target.results.to_json()["verdict"] == "violations"
    assert {(v["check"], v["code"]) for v in target.results.to_json()["violations"]} == {
        ("content_type_json", "invalid_api_key")
    }


def test_a_body_closed_half_read_is_counted_and_an_unanswered_request_is_recorded(tmp_path):
    judge = TrafficJudge("openai")
    wrong_key = {"Authorization": "Bearer sk-not-a-key-0123456789"}
    with (
        running_mock("openai") as mock,
        httpx.Client(base_url=mock.url, transport=judge.transport()) as client,
        client.stream("GET", "/v1/models", headers=wrong_key) as response,
    ):
        assert response.status_code == 401  # closed without reading the body
    with httpx.Client(transport=judge.transport()) as client, contextlib.suppress(httpx.ConnectError):
        client.get("http://127.0.0.1:9/v1/models")
    (down,) = (t.results.to_json() for t in judge.publish(tmp_path / "r"))
    assert down["traffic"]["not_judged"] == {CLOSED_EARLY: 1}
    assert down["verdict"] == "unreachable" and down["errors"][0]["message"].startswith(
        "no response: ConnectError"
    )


def readme_example() -> str:
    text = (ROOT / "docs" / "judging-traffic.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- traffic-example -->\s*```python\n(.*?)```", text, re.S)
    assert match, "docs/judging-traffic.md lost the traffic example"
    return match.group(1)


def test_the_docs_openai_client_example_runs_and_publishes_reports(tmp_path):
    example = readme_example()
    assert len(example.strip().splitlines()) <= 12
    (tmp_path / "test_openai_errors.py").write_text(example, encoding="utf-8")
    with running_mock("openai") as mock:
        env = {**os.environ, "OPENAI_BASE_URL": f"{mock.url}/v1", "OPENAI_API_KEY": mock.fixtures["api_key"]}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "errcontract.observe.fixture",
                "-p",
                "no:cacheprovider",
                "--traffic-provider",
                "openai",
                "--traffic-report-dir",
                str(tmp_path / "reports"),
                "test_openai_errors.py",
                "-q",
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "errcontract traffic: openai-127.0.0.1-" in done.stdout and "CONFORMANT" in done.stdout
    (results,) = (tmp_path / "reports").glob("*/results.json")
    assert codes_of(json.loads(results.read_text(encoding="utf-8"))) == {"model_not_found": "pass"}


def test_a_judging_bug_never_reaches_the_code_under_test(monkeypatch):
    judge = TrafficJudge("openai")

    def boom(entry: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(judge.session.router, "route", boom)
    with (
        running_mock("openai") as mock,
        httpx.Client(base_url=mock.url, transport=judge.transport()) as client,
    ):
        response = client.get("/v1/models", headers={"Authorization": f"Bearer {mock.fixtures['api_key']}"})
    assert response.status_code == 200
    assert judge.session.not_judged == {"could not be judged (RuntimeError: boom)": 1}
