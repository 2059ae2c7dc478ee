"""Interruption: SIGINT, SIGTERM and SIGHUP end a run cleanly, with exit code 128 + the signal.

A `SignalGuard` turns the first of them into an exception in the main thread (`Interrupted` for
`errcontract run`, KeyboardInterrupt under pytest, which knows how to end a session with it); the
unwinding forwards the signal to the children, reaps them and drops the staged reports. Later
signals are only recorded: the cleanup is bounded and must not itself be cut short. Once the run
has reached `commit_point()` (its reports are being swapped in), a signal is recorded and
honoured when the guard closes, so the reports are never left half swapped.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
KEPT = "interrupted: previous reports kept"
WRITTEN = "interrupted: this run's reports were already written"


class Interrupted(BaseException):
    """The run was stopped by a signal (a BaseException: no `except Exception` swallows it)."""

    def __init__(self, signum: int, reports_written: bool = False) -> None:
        super().__init__(signum)
        self.signum = signum
        self.reports_written = reports_written

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def line(self) -> str:
        return WRITTEN if self.reports_written else KEPT


class SignalGuard:
    """Handlers for STOP_SIGNALS while open (main thread only); `signum` is the first one seen."""

    def __init__(self, raising: Callable[[int], BaseException] = Interrupted) -> None:
        self.raising = raising
        self.signum: int | None = None
        self.committing = False
        self._previous: dict[int, Any] = {}

    def install(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    def commit_point(self) -> None:
        """From here on signals are recorded, not raised: the run finishes what it started."""
        self.committing = True

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.signum is None
        if first:
            self.signum = signum
        if first and not self.committing:
            raise self.raising(signum)

    def __enter__(self) -> SignalGuard:
        return self.install()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.restore()
        if exc is None and self.committing and self.signum is not None:
            raise Interrupted(self.signum, reports_written=True)
