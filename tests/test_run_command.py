"""`errcontract run` end to end: real mock servers, the real command, the files it promises."""

from __future__ import annotations

import html
import json
import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from errcontract.contract.model import has_embedded_mock, load_provider, provider_names
from errcontract.mock.process import running_mock
from tests.live_runs import hidden_siblings

REPORT_FILES = ("index.html", "pytest.html", "junit.xml", "results.json", "badge.svg")
MOCKED = [p for p in provider_names() if has_embedded_mock(p)]
MOCKLESS = [p for p in provider_names() if not has_embedded_mock(p)]
CODE_TEST = re.compile(r"test_documented_code\[[^/]+/[^/]+/([A-Za-z0-9_]+)\]")
OUTCOME_OF_VERDICT = {"pass": "passed", "fail": "failed", "error": "failed", "not-observed": "skipped"}


def junit_outcomes(path: Path) -> dict[str, str]:
    """Each per-code test's outcome in junit.xml, by code."""
    found = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        match = CODE_TEST.search(case.get("name", ""))
        if match:
            kinds = {child.tag for child in case} & {"failure", "error", "skipped"}
            found[match.group(1)] = {"failure": "failed", "error": "failed", "skipped": "skipped"}.get(
                next(iter(kinds), ""), "passed"
            )
    return found


def html_outcomes(path: Path) -> dict[str, str]:
    """Each per-code test's outcome in pytest.html (its data blob), by code."""
    page = path.read_text(encoding="utf-8")
    blob = json.loads(html.unescape(re.search(r'data-jsonblob="([^"]*)"', page).group(1)))
    found = {}
    for nodeid, runs in blob["tests"].items():
        match = CODE_TEST.search(nodeid)
        if match:
            found[match.group(1)] = next(r["result"] for r in runs).lower()
    return found


def assert_reports_agree(folder: Path) -> None:
    """junit.xml and pytest.html give every code the verdict results.json gives it."""
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    expected = {c["code"]: OUTCOME_OF_VERDICT[c["verdict"]] for c in results["codes"]}
    assert junit_outcomes(folder / "junit.xml") == expected
    assert html_outcomes(folder / "pytest.html") == expected
    junit = (folder / "junit.xml").read_text(encoding="utf-8")
    assert "hypothesis-statistics" not in junit and "<property" not in junit


def errcontract(
    *args: str, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "errcontract", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    report_dir = tmp_path_factory.mktemp("reports")
    return errcontract("run", "--report-dir", str(report_dir)), report_dir


def test_default_run_checks_both_embedded_mocks_and_exits_0(default_run):
    proc, _ = default_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "vicsee" in proc.stdout and "vydra" in proc.stdout and "CONFORMANT" in proc.stdout


def test_default_run_names_each_provider_it_leaves_out_for_want_of_a_mock(default_run):
    proc, report_dir = default_run
    for name in MOCKLESS:
        assert f"errcontract: no embedded mock for {name}: pass --provider {name} --target URL" in proc.stdout
        assert not (report_dir / name).exists()


def test_the_terminal_tells_the_run_in_a_few_lines_not_pytests_output(default_run):
    proc, _ = default_run
    lines = proc.stdout.splitlines()
    assert len(lines) < 20 * len(MOCKED), proc.stdout  # a few lines a provider (pytest printed ~900)
    assert not any("%]" in line or "PASSED" in line or "short test summary" in line for line in lines)
    for provider in MOCKED:
        done = next(line for line in lines if line.startswith(f"{provider:<10} done in"))
        assert "codes checked" in done and "requests" in done and "violations" in done


def test_a_huge_examples_ends_once_the_request_budget_is_spent(tmp_path):
    """The newcomer's `--examples 100000000 --max-requests 200` (issue 30): drawing stops with the
    budget, so the run ends (the timeout only guards against a hang) within 200 requests."""
    proc = errcontract(
        "run", "--provider", "vicsee", "--examples", "100000000", "--max-requests", "200",
        "--report-dir", str(tmp_path), timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    results = json.loads((tmp_path / "vicsee" / "results.json").read_text(encoding="utf-8"))
    assert results["requests"] <= 200
    assert sum(results["not_sent"].values()) >= 100_000_000 - 200


def test_with_v_the_terminal_shows_pytests_own_output(tmp_path):
    proc = errcontract("run", "--provider", "vicsee", "--examples", "0", "-v", "--report-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "test_documented_code[vicsee/401/MISSING_AUTH_HEADER] PASSED" in proc.stdout
    assert "vicsee     done in" not in proc.stdout  # no live line: pytest speaks


@pytest.mark.parametrize("provider", MOCKED)
def test_default_run_writes_every_report_file(default_run, provider):
    _, report_dir = default_run
    for name in REPORT_FILES:
        assert (report_dir / provider / name).is_file(), name
    assert (report_dir / "index.html").is_file()
    page = (report_dir / provider / "index.html").read_text(encoding="utf-8")
    assert all(code in page for code in load_provider(provider).codes)


def test_default_run_publishes_files_0644_and_folders_0755_and_leaves_nothing_beside(default_run):
    _, report_dir = default_run  # (made by mktemp, 0700: a folder the run did not create keeps its mode)
    for path in report_dir.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path
    assert hidden_siblings(report_dir) == []  # no staging, no `.previous` folder


@pytest.mark.parametrize("provider", MOCKED)
def test_pytest_html_and_junit_agree_with_results_json_on_every_code(default_run, provider):
    _, report_dir = default_run
    assert_reports_agree(report_dir / provider)
    page = (report_dir / provider / "pytest.html").read_text(encoding="utf-8")
    assert "(&#x27;" not in page and "('/" not in page  # no skip shown as a (path, line, reason) tuple
    assert "def test_example" not in page  # no test source for the expected failures


@pytest.mark.parametrize("provider", MOCKED)
def test_default_run_results_follow_the_documented_shape(default_run, provider):
    _, report_dir = default_run
    results = json.loads((report_dir / provider / "results.json").read_text(encoding="utf-8"))
    assert results["verdict"] == "conformant"
    assert {c["code"] for c in results["codes"]} == set(load_provider(provider).codes)
    assert all(c["verdict"] in ("pass", "not-observed") for c in results["codes"])
    assert all(c["reason"] for c in results["codes"] if c["verdict"] == "not-observed")


def test_diff_of_a_run_against_itself_passes_and_a_regression_fails(default_run, tmp_path):
    _, report_dir = default_run
    base = report_dir / "vicsee" / "results.json"
    assert errcontract("diff", str(base), str(base)).returncode == 0
    worse = json.loads(base.read_text(encoding="utf-8"))
    row = next(c for c in worse["codes"] if c["code"] == "INVALID_MODEL")
    row["verdict"] = "fail"
    (tmp_path / "new.json").write_text(json.dumps(worse), encoding="utf-8")
    proc = errcontract("diff", str(base), str(tmp_path / "new.json"))
    assert proc.returncode == 1
    assert "INVALID_MODEL" in proc.stdout


def test_drifted_mock_exits_1_and_names_the_drifted_code(tmp_path):
    proc = errcontract(
        "run", "--provider", "vicsee", "--drift", "renamed-credits-code", "--report-dir", str(tmp_path)
    )
    assert proc.returncode == 1, proc.stdout[-3000:]
    results = json.loads((tmp_path / "vicsee" / "results.json").read_text(encoding="utf-8"))
    failed = {c["code"] for c in results["codes"] if c["verdict"] == "fail"}
    assert "INSUFFICIENT_CREDITS" in failed
    assert "PAYMENT_REQUIRED" in proc.stdout
    assert_reports_agree(tmp_path / "vicsee")


KEY_SHAPES = [
    re.compile(rb"(?<![A-Za-z0-9_\-])sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(rb"vydra_live_user_[A-Za-z0-9]+_[A-Za-z0-9]{4,}"),
]


def test_a_secret_scanner_finds_nothing_in_a_default_runs_reports(default_run):
    _, report_dir = default_run
    done = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan", "--all-files", "."],
        cwd=report_dir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"] == {}
    for path in (p for p in report_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for shape in KEY_SHAPES:  # no key of either contract's shape, given or made up, in full
            assert not shape.search(data), f"{path}: {shape.search(data).group(0)[:12]!r}…"


def _credits(url: str, key: str) -> int:
    body = httpx.get(f"{url}/api/v1/organization", headers={"Authorization": f"Bearer {key}"}).json()
    return body["creditsRemaining"]


def test_live_target_with_a_valid_key_only_is_never_billed(tmp_path):
    with running_mock("vydra") as mock:
        key = mock.fixtures["api_key"]
        before = _credits(mock.url, key)
        proc = errcontract(
            "run",
            "--provider",
            "vydra",
            "--target",
            mock.url,
            "--report-dir",
            str(tmp_path),
            env={"ERRCONTRACT_API_KEY": key},
        )
        after = _credits(mock.url, key)
    assert proc.returncode in (0, 1), proc.stderr
    assert after == before
    results = json.loads((tmp_path / "vydra" / "results.json").read_text(encoding="utf-8"))
    assert results["embedded_mock"] is False


def test_drift_without_provider_checks_the_providers_whose_mock_has_it(tmp_path: Path) -> None:
    proc = errcontract("run", "--drift", "scope-ignored", "--examples", "5", "--report-dir", str(tmp_path))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["vydra"]


def test_drift_served_is_named_in_the_terminal_results_and_pages(tmp_path: Path) -> None:
    """A deliberately broken mock's report must not read as the reference mock's."""
    proc = errcontract(
        "run",
        "--provider",
        "vicsee",
        "--drift",
        "credits-before-auth",
        "--examples",
        "5",
        "--report-dir",
        str(tmp_path),
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "embedded mock, drift credits-before-auth)" in proc.stdout
    assert json.loads((tmp_path / "vicsee" / "results.json").read_text())["drift"] == "credits-before-auth"
    for page in (tmp_path / "vicsee" / "index.html", tmp_path / "index.html"):
        assert "drift <strong>credits-before-auth</strong>" in page.read_text(encoding="utf-8")


def test_run_keeps_the_history_report_built_in_the_folder_it_replaces(tmp_path: Path) -> None:
    """`errcontract report --history` keeps history.json beside the page; the next run's swap
    must not drop it, or the history never grows locally."""
    history = tmp_path / "vicsee" / "history.json"
    history.parent.mkdir(parents=True)
    history.write_text('{"history_schema_version": 1, "provider": "vicsee", "runs": []}\n', encoding="utf-8")
    kept = history.read_bytes()
    proc = errcontract("run", "--provider", "vicsee", "--examples", "5", "--report-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert history.read_bytes() == kept
    assert (tmp_path / "vicsee" / "results.json").is_file()


def test_verbose_run_prints_report_paths_that_exist_after_it(tmp_path: Path) -> None:
    """pytest writes junit.xml and pytest.html into the staging folder; the paths it prints are
    shown as where the files end up."""
    proc = errcontract("run", "--provider", "vicsee", "-v", "--examples", "5", "--report-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    printed = re.findall(r"generated xml file: (\S+)|Generated html report: file://(\S+)", proc.stdout)
    paths = [Path(xml or html) for xml, html in printed]
    assert len(paths) == 2 and all(p.is_file() for p in paths), paths
