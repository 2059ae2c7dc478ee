"""The terminal tells the run, not pytest: one live line per provider, pytest's output only when
asked for (-v, -- PYTEST ARGS) or when a child leaves no results."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from errcontract.cli.live_line import CLEAR_LINE, LiveLine, progress_line, run_live_child
from errcontract.core.redact import Redactor
from errcontract.run.progress import ProgressWriter, phase_of


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


STATE = {
    "phase": "generated requests",
    "requests": 142,
    "judged": 14,
    "codes": 18,
    "violations": 3,
    "warnings": 0,
}


def test_the_line_tells_phase_requests_codes_judged_and_violations() -> None:
    assert progress_line("vicsee", STATE) == (
        "vicsee     generated requests · 142 requests · 14/18 codes checked · 3 violations"
    )
    assert progress_line("vydra", {**STATE, "warnings": 1, "violations": 1}, elapsed_s=7.04).startswith(
        "vydra      done in 7.0 s · 142 requests · 14/18 codes checked · 1 violation · 1 warning"
    )


def test_on_a_terminal_the_line_is_rewritten_in_place() -> None:
    sink = Terminal()
    line = LiveLine("vicsee", sink, Redactor())
    for requests in (1, 2, 3):
        line.update({**STATE, "requests": requests})
    line.finish()
    text = sink.getvalue()
    assert text.count(CLEAR_LINE) == 4 and text.count("\n") == 1 and "done in" in text


def test_elsewhere_a_plain_line_per_phase_then_one_when_done() -> None:
    sink = io.StringIO()
    line = LiveLine("vicsee", sink, Redactor())
    for phase in ("provoking each code", "provoking each code", "generated requests", "generated requests"):
        line.update({**STATE, "phase": phase})
    line.finish()
    lines = sink.getvalue().splitlines()
    assert [ln.split(" · ")[0].split(maxsplit=1)[1] for ln in lines[:2]] == [
        "provoking each code",
        "generated requests",
    ]
    assert len(lines) == 3 and "\x1b" not in sink.getvalue()


def test_the_child_writes_json_lines_on_its_own_pipe() -> None:
    read_end, write_end = os.pipe()
    counter = {"requests": 0}
    writer = ProgressWriter(write_end, lambda: dict(counter))
    item = SimpleNamespace(
        module=SimpleNamespace(__name__="test_generated"), nodeid="suites/test_generated.py::t"
    )
    writer.pytest_runtest_setup(item)
    counter["requests"] = 5
    writer.pytest_runtest_teardown(item)
    writer.pytest_runtest_teardown(item)  # nothing changed: nothing written
    writer._stop.set()
    writer.pytest_sessionfinish(SimpleNamespace(), pytest.ExitCode.TESTS_FAILED)
    writer.pytest_unconfigure(SimpleNamespace())  # every file written: the last line, then EOF
    with os.fdopen(read_end, "rb") as source:
        states = [json.loads(raw) for raw in source]
    assert [(s["phase"], s["requests"]) for s in states] == [
        ("generated requests", 0),
        ("generated requests", 5),
        ("writing reports", 5),
        ("ended", 5),
    ]
    assert phase_of(item) == "generated requests"


def test_an_interrupted_child_says_so_rather_than_writing_reports() -> None:
    """Ctrl-C: the session ends interrupted and writes no report; the line must not say it does."""
    read_end, write_end = os.pipe()
    writer = ProgressWriter(write_end, lambda: {"requests": 3})
    writer._stop.set()
    writer.pytest_sessionfinish(SimpleNamespace(), pytest.ExitCode.INTERRUPTED)
    writer.pytest_unconfigure(SimpleNamespace())
    with os.fdopen(read_end, "rb") as source:
        phases = [json.loads(raw)["phase"] for raw in source]
    assert phases == ["interrupted: stopping", "ended"]


def test_a_child_that_leaves_no_results_shows_its_own_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = [sys.executable, "-c", "print('collection error: suites/x.py'); import sys; sys.exit(4)"]
    assert run_live_child(command, dict(os.environ), Redactor(), "vicsee", tmp_path / "results.json", 60, 5)
    out = capsys.readouterr().out
    assert "collection error: suites/x.py" in out and "vicsee     done in" in out


def test_a_child_that_left_results_keeps_its_output_to_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.json"
    script = f"print('876 lines of pytest'); open({str(results)!r}, 'w').write('{{}}')"
    command = [sys.executable, "-c", script]
    assert run_live_child(command, dict(os.environ), Redactor(), "vicsee", results, 60, 5)
    assert "876 lines of pytest" not in capsys.readouterr().out
