"""The suites under plain pytest (`pytest suites --provider ...`) publish the same report set as
`errcontract run`, through the same code, or nothing: a complete session writes every file with
published modes and an honest site index; an interrupted one leaves the previous reports
byte-identical and no mock behind.
"""

from __future__ import annotations

import re
import shutil
import signal
import stat
from collections.abc import Callable
from pathlib import Path

from tests.live_runs import (
    CHILDREN_GONE_S,
    DATA,
    EXIT_CODES,
    FINISH_S,
    FUZZ_LONG,
    PHASE_S,
    LiveRun,
    assert_interrupted,
    earlier_reports,
    hidden_siblings,
    snapshot,
    suites_command,
)

PROVIDER_FILES = {"results.json", "junit.xml", "pytest.html", "index.html", "badge.svg"}


def test_a_complete_session_publishes_the_whole_set(
    tmp_path: Path, start_run: Callable[..., LiveRun]
) -> None:
    report_dir = tmp_path / "reports"
    (report_dir / "vydra").mkdir(parents=True)  # an earlier run of the other provider
    shutil.copy(DATA / "results-vydra.json", report_dir / "vydra" / "results.json")
    run = start_run(
        suites_command("--provider", "vicsee", "--examples", "20", "--report-dir", str(report_dir))
    )
    outcome = run.finish(PHASE_S)
    assert outcome.exit_code == 0, outcome.stdout[-3000:] + outcome.stderr[-2000:]
    assert {p.name for p in (report_dir / "vicsee").iterdir()} == PROVIDER_FILES
    assert "<testsuite" in (report_dir / "vicsee" / "junit.xml").read_text(encoding="utf-8")
    site = (report_dir / "index.html").read_text(encoding="utf-8")
    assert 'id="provider-vicsee"' in site and 'id="provider-vydra"' in site
    assert site.count("From an earlier run") == 1 and "the latest run did not check Vydra" in site
    for path in [report_dir, *report_dir.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path
    assert hidden_siblings(report_dir) == []
    assert run.left_running(CHILDREN_GONE_S) == set()
    links = re.findall(r"(?:Generated html report: file://|generated xml file: )(\S+) ", outcome.stdout)
    assert len(links) == 2, outcome.stdout[-2000:]  # every file pytest names is one that stays
    assert all(Path(link).is_file() and ".staging" not in link for link in links), links


def test_sigterm_while_fuzzing_publishes_nothing(tmp_path: Path, start_run: Callable[..., LiveRun]) -> None:
    report_dir = earlier_reports(tmp_path / "reports")
    before = snapshot(report_dir)
    run = start_run(suites_command("--provider", "vicsee", *FUZZ_LONG, "--report-dir", str(report_dir)))
    run.wait_for("test_generated.py", PHASE_S)
    run.wait_for_children(1, PHASE_S)  # the embedded mock (and the draw worker)
    run.send(signal.SIGTERM)
    outcome = run.finish(FINISH_S)
    assert outcome.exit_code == EXIT_CODES[signal.SIGTERM]
    assert_interrupted(run, outcome, signal.SIGTERM, report_dir, before)
