"""Write faults are usage errors: a report folder, or anything in it, that cannot be created or
replaced stops `errcontract run` (before the first request when it can be seen then, else at the
swap) with exit 2 and one line naming the path and the reason; no traceback, nothing
half-written, no process left (`errcontract report -o` and `diff`: tests/test_report_cli.py).

"Immutable" is the real thing: `chattr +i` (the `immutable` fixture; ext4 and root here, skipped
where the attribute cannot be set, saying so).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.live_runs import (
    CHILDREN_GONE_S,
    FINISH_S,
    PHASE_S,
    LiveRun,
    Outcome,
    earlier_reports,
    errcontract_command,
    hidden_siblings,
    snapshot,
)


def refusal(outcome: Outcome, *named: str) -> str:
    """The one line the run refused with, which names each of `named`."""
    assert outcome.exit_code == 2, outcome.stdout[-3000:] + outcome.stderr[-3000:]
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome.stderr[-3000:]
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("errcontract: error: cannot "), outcome.stderr
    assert all(text in lines[0] for text in named), lines[0]
    return lines[0]


def run_to_the_end(
    start_run: Callable[..., LiveRun], report_dir: Path, *args: str
) -> tuple[LiveRun, Outcome]:
    run = start_run(errcontract_command("run", *args, "--report-dir", str(report_dir)))
    return run, run.finish(PHASE_S)


@pytest.mark.parametrize("locked", ["vicsee", "vicsee/results.json"], ids=["folder", "file-in-it"])
def test_an_immutable_provider_folder_is_refused_before_the_first_request(
    tmp_path: Path, start_run: Callable[..., LiveRun], immutable: Callable[[Path], None], locked: str
) -> None:
    report_dir = earlier_reports(tmp_path / "reports")
    before = snapshot(report_dir)
    immutable(report_dir / locked)
    run, outcome = run_to_the_end(start_run, report_dir, "--provider", "vicsee")
    refusal(outcome, str(report_dir / locked), "immutable", "--report-dir")
    assert "checking" not in outcome.stdout and not run.children  # refused before anything started
    assert snapshot(report_dir) == before and hidden_siblings(report_dir) == []


def test_a_folder_made_immutable_during_the_run_is_found_at_the_swap_and_nothing_is_half_written(
    tmp_path: Path, start_run: Callable[..., LiveRun], immutable: Callable[[Path], None]
) -> None:
    report_dir = earlier_reports(tmp_path / "reports")
    before = snapshot(report_dir)
    run = start_run(errcontract_command("run", "--examples", "5", "--report-dir", str(report_dir)))
    run.wait_for("checking vydra", PHASE_S)  # vicsee is done and staged; vydra is swapped in last
    immutable(report_dir / "vydra")
    outcome = run.finish(FINISH_S)
    refusal(outcome, str(report_dir / "vydra"), "Operation not permitted")
    assert snapshot(report_dir) == before  # vicsee, swapped in first, was swapped back
    assert hidden_siblings(report_dir) == []
    assert run.children and run.left_running(CHILDREN_GONE_S) == set()


@pytest.mark.parametrize(
    ("path", "reason"),
    [(".", "not a folder"), ("vicsee", "not a folder"), ("index.html", "a folder is in the way")],
    ids=["report-dir", "provider-folder", "site-index"],
)
def test_a_report_path_of_the_wrong_kind_is_refused(
    tmp_path: Path, start_run: Callable[..., LiveRun], path: str, reason: str
) -> None:
    report_dir = earlier_reports(tmp_path / "reports")
    wrong = report_dir / path
    if path == ".":
        report_dir = wrong = tmp_path / "a-file"
        wrong.write_text("not a folder\n")
    elif wrong.is_dir():
        wrong.rename(tmp_path / "moved")
        wrong.write_text("a file where a folder goes\n")
    else:
        wrong.unlink()
        wrong.mkdir()
    before = snapshot(report_dir) if report_dir.is_dir() else report_dir.read_bytes()
    run, outcome = run_to_the_end(start_run, report_dir, "--provider", "vicsee")
    refusal(outcome, str(wrong), reason)
    assert not run.children
    assert (snapshot(report_dir) if report_dir.is_dir() else report_dir.read_bytes()) == before
