"""The run's terminal wording: a count of 1 in the singular, no word said twice."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from errcontract.cli.live_line import progress_line
from errcontract.cli.orchestrate import preflight
from errcontract.cli.summary import print_summary
from errcontract.core.redact import Redactor
from errcontract.judge.model import RunResult
from errcontract.mock.process import _start_error
from errcontract.run.options import RunOptions

DATA = Path(__file__).parent / "data"


def _each_result(items: Any) -> list[RunResult]:
    return [RunResult.from_json(item) for item in items]


def test_a_count_of_one_is_singular_in_the_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    results = json.loads((DATA / "results-vicsee.json").read_text(encoding="utf-8"))
    for entry in results["codes"]:  # four reasons: three shown, one more
        if entry["reason"] and entry["reason"].startswith("observe-only"):
            entry["reason"] = "needs --no-result-task-id"
    first = results["violations"][0]
    results["violations"] = [{**first, "code": f"CODE_{n}"} for n in range(7)]  # 6 groups shown, 1 more
    results["summary"] |= {"violations": 7, "warnings": 1}
    results["preflight"] = {"base": "http://127.0.0.1:9/api/v1", "notes": ["skipped (--no-preflight)"]}
    print_summary(_each_result([results]), tmp_path, Redactor())
    out = capsys.readouterr().out
    assert "7 violations, 1 warning, " in out and "1 warnings" not in out
    assert "… 1 more reason in the report" in out
    assert "… 1 more group (1 violation) in the report" in out
    assert "vicsee     preflight: skipped (--no-preflight)" in out
    assert progress_line("vicsee", {"requests": 1, "violations": 1, "warnings": 1}).endswith(
        "1 request · 0 codes checked · 1 violation · 1 warning"
    )


def test_a_skipped_preflight_says_preflight_once() -> None:
    options = RunOptions(provider="vicsee", target="http://127.0.0.1:9", preflight=False)
    found = preflight("vicsee", options, "http://127.0.0.1:9", {}, Redactor())
    assert found.notes == ["skipped (--no-preflight)"]


def test_a_mock_that_did_not_start_is_not_prefixed_twice() -> None:
    line = "errcontract: error: mock.yaml: unknown key 'x'"
    process = subprocess.Popen([sys.executable, "-c", "pass"], stdout=subprocess.PIPE, text=True)
    process.wait()
    with tempfile.TemporaryFile() as stderr:
        stderr.write(f"{line}\n".encode())
        assert (
            _start_error("vicsee", process, stderr)
            == "the vicsee mock did not start: mock.yaml: unknown key 'x'"
        )


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"summary": {"errors": 2}}, "2 errors: what could not be judged counts against the run"),
        ({"summary": {"warnings": 1}, "strict": True}, "--strict: warnings count as violations (1 warning)"),
    ],
    ids=["errors", "strict"],
)
def test_violations_headline_beside_no_violation_says_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: dict[str, Any], said: str
) -> None:
    results = json.loads((DATA / "results-vicsee.json").read_text(encoding="utf-8"))
    results["summary"] |= {"violations": 0, "failed": 0, "errors": 0, "code_errors": 0, "warnings": 0}
    results["summary"] |= change.pop("summary")
    results |= {"verdict": "violations", "violations": [], **change}
    print_summary(_each_result([results]), tmp_path, Redactor())
    assert said in capsys.readouterr().out
