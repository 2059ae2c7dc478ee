"""Fixtures shared by the project's own tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from errcontract.contract.locate import shipped_contracts
from errcontract.judge.results_schema import first_problem
from tests.live_runs import LiveRun


def _written_by_errcontract(path: Path) -> dict[str, object] | None:
    """The file's object when errcontract wrote it (a test may plant a broken one on purpose)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    tool = data.get("tool") if isinstance(data, dict) else None
    return data if isinstance(tool, dict) and tool.get("name") == "errcontract" else None


def _assert_results_follow_the_schema(folder: Path) -> None:
    for path in sorted(folder.rglob("results.json")):
        data = _written_by_errcontract(path)
        problem = first_problem(data) if data is not None else None
        assert problem is None, f"{path}: {problem}"


@pytest.fixture(autouse=True)
def results_json_follow_the_schema(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every results.json a test's run wrote under its tmp_path validates results.schema.json."""
    tmp_path: Path | None = None
    if "tmp_path" in request.fixturenames:
        tmp_path = request.getfixturevalue("tmp_path")  # set up now, so torn down after this check
    yield
    if tmp_path is None:
        return
    _assert_results_follow_the_schema(tmp_path)


@pytest.fixture(scope="session", autouse=True)
def results_json_of_the_session_follow_the_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """At the session's end, every results.json under its base temporary folder validates too:
    runs made once for several tests (`tmp_path_factory` folders) are not under any `tmp_path`."""
    yield
    _assert_results_follow_the_schema(tmp_path_factory.getbasetemp())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A private copy of the shipped contracts root, safe to break."""
    return Path(shutil.copytree(shipped_contracts(), tmp_path / "contracts"))


@pytest.fixture
def start_run(tmp_path: Path) -> Iterator[Callable[..., LiveRun]]:
    """Start real runs outside the checkout; whatever happens, none of their processes survives."""
    runs: list[LiveRun] = []

    def starting(command: list[str], env: dict[str, str] | None = None) -> LiveRun:
        runs.append(LiveRun(command, cwd=tmp_path, env=env))
        return runs[-1]

    yield starting
    for run in runs:
        run.stop_leftovers()


@pytest.fixture
def immutable() -> Iterator[Callable[[Path], None]]:
    """`chattr +i` on paths, always undone (else pytest could not clean tmp_path)."""
    locked: list[Path] = []

    def lock(path: Path) -> None:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not installed here: no immutable attribute to set")
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not available here: {done.stderr.strip()}")
        locked.append(path)

    yield lock
    for path in locked:
        subprocess.run(["chattr", "-i", str(path)], check=False)


BROWSER_SKIPS = ("no browser:", "playwright is not installed")  # the page tests' skip reasons


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Tests skipped for want of a browser are said at the end, not only as an `s` among
    hundreds of dots: a run without Chromium never checked the pages in a browser."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(BROWSER_SKIPS):
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_sep("=", f"browser tests skipped ({count}): {reason}", yellow=True)
