"""Fixtures shared by the project's own tests."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from errcontract.contract.locate import contracts_root
from tests.live_runs import LiveRun


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A private copy of the shipped contracts root, safe to break."""
    return Path(shutil.copytree(contracts_root(), tmp_path / "contracts"))


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
