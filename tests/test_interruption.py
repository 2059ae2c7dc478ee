"""Interrupted runs never lie: SIGINT, SIGTERM, SIGHUP and SIGKILL in the middle of a real
`errcontract run`, during the per-code phase and during fuzzing, leave the previous reports
byte-identical and no process behind (checked by pid). A run that can clean up prints one line
and exits 128 + the signal; a SIGKILLed one leaves its children to stop themselves.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faulty_servers import Connection, Handler, LoopbackServer, Request, VicSeeKeys, faithful_vicsee
from tests.live_runs import (
    FINISH_S,
    FUZZ_LONG,
    PHASE_S,
    LiveRun,
    assert_interrupted,
    earlier_reports,
    errcontract_command,
    refuses_connections,
    snapshot,
)

KEY = "sk-interrupted-run-0123456789abcdef"


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "SIGINT-to-group", "SIGKILL"]
)
def test_signal_while_fuzzing_keeps_the_previous_reports_and_no_mock(
    tmp_path: Path, start_run: Callable[..., LiveRun], signum: int
) -> None:
    report_dir = earlier_reports(tmp_path / "reports")
    before = snapshot(report_dir)
    run = start_run(
        errcontract_command(
            "run", "--provider", "vicsee", *FUZZ_LONG, "--report-dir", str(report_dir), "--", "-v"
        )
    )  # -q -v: each file named as it starts
    run.wait_for("test_generated.py", PHASE_S)
    run.wait_for_children(2, PHASE_S)  # the mock and the pytest child (and its draw worker)
    time.sleep(1)
    mock_url = re.search(r"checking vicsee at (\S+)", run.stdout).group(1)
    run.send(signum, to_group=signum == signal.SIGINT)
    outcome = run.finish(FINISH_S)
    assert_interrupted(run, outcome, signum, report_dir, before)
    assert refuses_connections(mock_url)


def slowly(handler: Handler, delay_s: float) -> Handler:
    """Each answer after `delay_s`: the per-code phase lasts long enough to be interrupted in."""

    def handle(request: Request, conn: Connection) -> None:
        if not conn.stopping.wait(delay_s):
            handler(request, conn)

    return handle


@pytest.mark.parametrize(
    "signum",
    [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL],
    ids=["SIGTERM", "SIGINT-to-group", "SIGHUP", "SIGKILL"],
)
def test_signal_during_the_per_code_phase_keeps_the_previous_reports(
    tmp_path: Path, start_run: Callable[..., LiveRun], signum: int
) -> None:
    report_dir = earlier_reports(tmp_path / "reports")
    before = snapshot(report_dir)
    with LoopbackServer(slowly(faithful_vicsee(VicSeeKeys(valid={KEY})), 0.5)) as target:
        run = start_run(
            errcontract_command(
                "run",
                "--provider",
                "vicsee",
                "--target",
                target.url,
                "--examples",
                "5",
                "--report-dir",
                str(report_dir),
                "--",
                "-v",
            ),
            env={"ERRCONTRACT_API_KEY": KEY},
        )
        run.wait_for("collected", PHASE_S)  # per-code reports are held to the end: count requests
        seen = len(target.requests)
        deadline = time.monotonic() + PHASE_S
        while len(target.requests) < seen + 2:  # documented codes being provoked right now
            assert time.monotonic() < deadline and run.process.poll() is None, run.stdout[-3000:]
            time.sleep(0.05)
        assert "test_documentation.py" not in run.stdout  # still in the per-code phase
        run.send(signum, to_group=signum == signal.SIGINT)
        outcome = run.finish(FINISH_S)
    assert_interrupted(run, outcome, signum, report_dir, before)
