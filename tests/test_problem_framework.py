"""A Problem Details API on a real framework, judged by a contract scaffolded from its OpenAPI.

The petstore of tests/problem_petstore runs on connexion 3 (pinned below), which routes, checks
keys and validates requests from the OpenAPI document and answers every error it raises itself as
application/problem+json (RFC 9457). connexion is installed from the registry into its own
virtual environment, outside the project's test extra, cached between runs (~/.cache/errcontract,
or ERRCONTRACT_CONNEXION_VENV); the app listens on 127.0.0.1 only and is stopped by its pid.

The contract is `errcontract new petstore --family problem-json --openapi openapi.yaml`, used
with no hand edit. What the run must say is what the RFC and the app's own document say:
every documented case passes on its own recipe; connexion's true departures (docs/real-servers.md, "A Problem
Details API on connexion") are findings; and a drifted app (a status member that disagrees with
the response, problems sent as plain JSON) is caught. ERRCONTRACT_SKIP_REAL_SERVER=1 skips it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cached_venv import cached_venv
from tests.live_runs import errcontract_command

CONNEXION = "3.3.0"
KEY = "petstore-key-0001"
APP = Path(__file__).parent / "problem_petstore"

pytestmark = pytest.mark.skipif(
    os.environ.get("ERRCONTRACT_SKIP_REAL_SERVER") == "1", reason="ERRCONTRACT_SKIP_REAL_SERVER=1"
)


def connexion_venv() -> Path:
    """The cached environment with connexion installed (a half-done install has no marker and is
    cleared and done again)."""
    default = Path.home() / ".cache" / "errcontract" / f"connexion-{CONNEXION}"
    venv = Path(os.environ.get("ERRCONTRACT_CONNEXION_VENV") or default)
    return cached_venv(venv, f"connexion[uvicorn]=={CONNEXION}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def start_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """Start the petstore (optionally drifted); every app started is stopped by its pid."""
    venv = connexion_venv()
    started: list[tuple[subprocess.Popen[bytes], Any]] = []

    def start(drift: str = "") -> str:
        folder = tmp_path_factory.mktemp("petstore")
        port = free_port()
        log = (folder / "app.log").open("wb")
        command = [
            str(venv / "bin" / "python"),
            str(APP / "app.py"),
            str(port),
            KEY,
            *([drift] if drift else []),
        ]
        server = subprocess.Popen(
            command, cwd=APP, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        started.append((server, log))
        url = f"http://127.0.0.1:{port}"
        _wait_until_alive(server, url, folder / "app.log")
        return url

    yield start
    for server, log in started:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_alive(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"the petstore exited with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            httpx.get(f"{url}/api/pets", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    pytest.fail(f"the petstore did not answer within 120 s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def contracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A contracts folder holding only the scaffolded petstore, exactly as `errcontract new` wrote it."""
    root = tmp_path_factory.mktemp("contracts")
    command = errcontract_command("new", "petstore", "--family", "problem-json")
    command += ["--openapi", str(APP / "openapi.yaml"), "--dir", str(root)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return root


def run_against(
    contracts: Path, url: str, report_dir: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    command = errcontract_command("run", "--provider", "petstore", "--target", url)
    command += ["--report-dir", str(report_dir), "--examples", "60"]
    env = {**os.environ, "ERRCONTRACT_CONTRACTS": str(contracts), "ERRCONTRACT_API_KEY": KEY}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((report_dir / "petstore" / "results.json").read_text(encoding="utf-8"))
    return proc, results


def _findings(results: dict[str, Any], bucket: str) -> set[tuple[str, int]]:
    return {(f["check"], f["status"]) for f in results[bucket]}


def test_the_scaffolded_contract_judges_connexion_with_no_hand_edit(contracts, start_app, tmp_path):
    proc, results = run_against(contracts, start_app(""), tmp_path / "reports")
    assert proc.returncode == 1, proc.stdout[-4000:] + proc.stderr[-2000:]
    codes = {c["code"]: c for c in results["codes"]}
    assert {name: c["verdict"] for name, c in codes.items()} == {
        "bad_request": "fail",  # its recipe passes, but a body that is not UTF-8 crashes connexion
        "unauthorized": "pass",
        "not_found": "pass",
        "method_not_allowed": "pass",  # POST /pets/1: 405 problem, Allow: HEAD, GET
    }
    # Each pass is its own recipe answered at its status (none is a pass met only elsewhere).
    assert all(c["reason"] is None for n, c in codes.items() if c["verdict"] == "pass"), codes
    crash = [f for f in results["violations"] if f["check"] == "no_server_error_for_client_mistake"]
    assert crash and all(f["status"] == 500 and f["code"] == "bad_request" for f in crash)
    assert any("not UTF-8" in f["defects"] for f in crash)
    # connexion's true departures, and nothing else: a body that is not UTF-8 and a POST without
    # Content-Type crash (500: undocumented, a server error for a client mistake; the missing
    # Content-Type a warning, a variation the document does not forbid outright); a text/plain
    # body gets 415 (undocumented).
    assert _findings(results, "violations") <= {
        ("status_documented", 500),
        ("status_documented", 415),
        ("no_server_error_for_client_mistake", 500),
    }
    assert ("no_server_error_for_client_mistake", 500) in _findings(results, "warnings")
    stray = {f["check"] for f in results["violations"] + results["warnings"]} - {
        "status_documented",
        "no_server_error_for_client_mistake",
    }
    assert not stray, stray


def test_a_status_member_disagreeing_with_the_response_is_a_violation(contracts, start_app, tmp_path):
    proc, results = run_against(contracts, start_app("status-member"), tmp_path / "reports")
    assert proc.returncode == 1
    member = [f for f in results["violations"] if f["check"] == "status_member"]
    assert member and {f["strength"] for f in member} == {"stated"}
    verdicts = {c["code"]: c["verdict"] for c in results["codes"]}
    assert verdicts["not_found"] == "fail" and verdicts["unauthorized"] == "fail"


def test_problems_sent_as_plain_json_are_at_least_a_warning(contracts, start_app, tmp_path):
    _, results = run_against(contracts, start_app("plain-json"), tmp_path / "reports")
    media = [f for f in results["warnings"] + results["violations"] if f["check"] == "error_media_type"]
    assert media and "application/json" in media[0]["message"]


def test_a_405_without_its_allow_header_fails_the_wrong_method_case(contracts, start_app, tmp_path):
    proc, results = run_against(contracts, start_app("no-allow"), tmp_path / "reports")
    assert proc.returncode == 1
    assert {c["code"]: c["verdict"] for c in results["codes"]}["method_not_allowed"] == "fail"
    assert any(f["check"] == "allow_header" for f in results["violations"])
