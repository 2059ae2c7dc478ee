"""`errcontract diff BASE NEW`: the regression check, through the command line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from errcontract.cli.main import main
from errcontract.judge.model import RunResult
from errcontract.report.diff import IMPROVEMENT, REGRESSION, diff_results

DATA = Path(__file__).parent / "data"
BASE = DATA / "results-vicsee.json"


def load(path: Path = BASE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def code_entry(results: dict[str, Any], code: str) -> dict[str, Any]:
    return next(e for e in results["codes"] if e["code"] == code)


def write(tmp_path: Path, results: dict[str, Any], name: str = "new.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(results), encoding="utf-8")
    return path


def with_failure(code: str = "MISSING_MODEL") -> dict[str, Any]:
    new = load()
    code_entry(new, code)["verdict"] = "fail"
    return new


def kinds(base: dict[str, Any], new: dict[str, Any], severity: str) -> set[tuple[str, str]]:
    return {
        (c.kind, c.subject)
        for c in diff_results(RunResult.from_json(base), RunResult.from_json(new))
        if c.severity == severity
    }


def test_a_run_diffed_against_itself_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BASE), str(BASE)]) == 0
    assert "no regression" in capsys.readouterr().out


def test_a_code_gone_from_pass_to_fail_exits_1_and_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(BASE), str(write(tmp_path, with_failure()))]) == 1
    out = capsys.readouterr().out
    assert "pass-to-fail MISSING_MODEL: pass → fail" in out


def test_a_code_no_longer_observed_or_missing_is_a_regression() -> None:
    new = load()
    code_entry(new, "INVALID_JSON")["verdict"] = "not-observed"
    new["codes"] = [e for e in new["codes"] if e["code"] != "INVALID_API_KEY"]
    expected = {("disappeared", "INVALID_JSON"), ("disappeared", "INVALID_API_KEY")}
    assert expected <= kinds(load(), new, REGRESSION)


def test_a_code_seen_with_another_status_is_a_regression() -> None:
    new = load()
    code_entry(new, "TASK_NOT_FOUND")["observed_statuses"] = [403]
    assert ("moved-status", "TASK_NOT_FOUND") in kinds(load(), new, REGRESSION)


def test_a_new_undocumented_code_is_a_regression() -> None:
    new = load()
    new["undocumented"].append({"code": "QUOTA_EXCEEDED", "status": 429, "count": 1})
    assert kinds(load(), new, REGRESSION) == {("new-undocumented", "QUOTA_EXCEEDED")}


def test_more_violations_of_a_check_or_more_missing_headers_are_regressions() -> None:
    new = load()
    violation = {"check": "rate_limit_headers", "code": None, "status": 200, "message": "missing"}
    new["violations"].append(violation)
    new["headers"]["missing"] = 3
    found = kinds(load(), new, REGRESSION)
    assert {("more-violations", "rate_limit_headers"), ("headers", "headers missing")} <= found


def test_fixed_and_newly_observed_codes_are_improvements_and_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = load()
    code_entry(new, "INVALID_MODEL")["verdict"] = "pass"
    code_entry(new, "RATE_LIMITED")["verdict"] = "pass"
    new["violations"], new["verdict"] = [], "conformant"
    for entry in new["codes"]:
        entry["violations"] = []
    assert kinds(load(), new, IMPROVEMENT) >= {("fixed", "INVALID_MODEL"), ("newly-observed", "RATE_LIMITED")}
    assert main(["diff", str(BASE), str(write(tmp_path, new))]) == 0
    assert "Improvements:" in capsys.readouterr().out


def test_markdown_output_is_a_pull_request_comment_with_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["diff", str(BASE), str(write(tmp_path, with_failure())), "--format", "markdown"])
    out = capsys.readouterr().out
    assert out.startswith("### ❌ ")
    assert "| ✗ | pass-to-fail | `MISSING_MODEL` | pass | fail |" in out


def test_json_output_lists_changes_and_says_whether_it_regressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["diff", str(BASE), str(write(tmp_path, with_failure())), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert document["regressed"] is True
    assert {
        "severity": REGRESSION,
        "kind": "pass-to-fail",
        "subject": "MISSING_MODEL",
        "before": "pass",
        "after": "fail",
    } in document["changes"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such results file"),
        ("{not json", "not JSON"),
        ("[1, 2]", "not an errcontract results file"),
        ('{"schema_version": 1, "provider": "x"}', "'summary' missing"),
    ],
    ids=["missing", "not-json", "not-an-object", "not-a-results-file"],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert main(["diff", str(BASE), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_runs_of_different_providers_are_not_compared(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BASE), str(DATA / "results-vydra.json")]) == 2
    assert "different providers" in capsys.readouterr().err


def test_the_diff_does_not_modify_its_inputs() -> None:
    base, new = load(), with_failure()
    base_copy, new_copy = copy.deepcopy(base), copy.deepcopy(new)
    diff_results(RunResult.from_json(base), RunResult.from_json(new))
    assert (base, new) == (base_copy, new_copy)


def test_a_file_the_results_schema_rejects_is_refused_with_its_first_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = json.loads(BASE.read_text(encoding="utf-8"))
    broken["codes"][0]["verdict"] = "passed"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    assert main(["diff", str(BASE), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{bad}: not an errcontract results file: codes/0/verdict: 'passed' is not one of" in err
