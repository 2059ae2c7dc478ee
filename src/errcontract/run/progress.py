"""The suites' progress, told to `errcontract run` as it happens (the child side).

When the runner starts a pytest child it passes a pipe's write end in ERRCONTRACT_PROGRESS_FD;
this plugin writes one JSON object per line to it: the phase (which suite is running), requests
sent, codes checked and findings so far. A pipe of its own, not stdout: pytest captures stdout
while a test runs, and generated requests are one long test. The runner draws the lines (see
`errcontract.cli.live_line`); under plain pytest nothing is written.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable

import pytest

from errcontract.run import PROGRESS_ENDED, PROGRESS_FD_VARIABLE, ProgressState

FD_VARIABLE = PROGRESS_FD_VARIABLE
TICK_S = 0.5
ENDED = PROGRESS_ENDED
INTERRUPTED = "interrupted: stopping"
PHASES = {
    "test_codes": "provoking each code",
    "test_documentation": "checking the docs",
    "test_generated": "generated requests",
    "test_schemathesis": "schemathesis",
    "test_refunds": "refunds",
}

Snapshot = Callable[[], ProgressState]


def phase_of(item: pytest.Item) -> str:
    module = getattr(getattr(item, "module", None), "__name__", "") or item.nodeid.split("::")[0]
    name = module.rsplit(".", 1)[-1].rsplit("/", 1)[-1].removesuffix(".py")
    return PHASES.get(name, name)


class ProgressWriter:
    """Writes progress lines to a file descriptor: on each phase change, after each test, and
    every TICK_S while a long test runs (only when something changed)."""

    def __init__(self, fd: int, snapshot: Snapshot) -> None:
        self._out = os.fdopen(fd, "w", encoding="utf-8", buffering=1)
        self._snapshot = snapshot
        self._phase = "starting"
        self._last = ProgressState()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True, name="errcontract-progress")

    def emit(self, force: bool = False) -> None:
        try:
            state = ProgressState(phase=self._phase, **self._snapshot())
        except Exception:  # a run being set up or torn down: the next tick tells
            return
        with self._lock:
            if (state == self._last and not force) or self._out.closed:
                return
            self._last = state
            try:
                self._out.write(json.dumps(state) + "\n")
            except (OSError, ValueError):  # the runner went away: nothing to tell
                self._stop.set()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_S):
            self.emit()

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._ticker.start()
        self.emit(force=True)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self._phase = phase_of(item)
        self.emit()

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        self.emit()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """An interrupted session writes no report: its line says it is stopping instead."""
        self._stop.set()
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        self._phase = INTERRUPTED if interrupted else "writing reports"
        self.emit(force=True)

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Every file is written: ENDED tells the runner it need not wait for this process's exit."""
        self._phase = ENDED
        self.emit(force=True)
        with self._lock, contextlib.suppress(OSError):
            self._out.close()


def register(config: pytest.Config, snapshot: Snapshot) -> None:
    """Add the writer when the runner asked for progress (ERRCONTRACT_PROGRESS_FD set)."""
    raw = os.environ.get(FD_VARIABLE, "")
    if not raw.isdigit():
        return
    try:
        writer = ProgressWriter(int(raw), snapshot)
    except OSError:
        return
    config.pluginmanager.register(writer, "errcontract-progress")
