"""`errcontract run --profile`: where a run's wall time goes, phase by phase.

Phases are recorded per check (`vicsee`, `vicsee-127.0.0.1-8080`) and for the run as a whole:
the interpreter and imports (since the process started), mock start and ready, preflight, the
pytest child (its start up to the session start, collection, each suite, its own report writing
and exit), the provider page, and the run's end (site index, swap, summary). Checks run side by
side, so their phases overlap: the total is the run's wall time, not the sum of the rows.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

RUN = "run"
CHILD_START = "child start (interpreter, pytest, plugins)"
COLLECTION = "child collection"


def seconds_since_process_start() -> float:
    """How long ago this process started (Linux: /proc; elsewhere 0)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            up = float(uptime.read().split()[0])
        return max(0.0, up - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


class Profile:
    """Rows of (who, phase, seconds), in the order they ended; a disabled profile records nothing
    but costs nothing either."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.rows: list[tuple[str, str, float]] = []
        self._lock = threading.Lock()
        self._started = time.perf_counter() - seconds_since_process_start()
        if enabled:
            self.add(RUN, "interpreter + imports", time.perf_counter() - self._started)

    def add(self, who: str, phase: str, seconds: float) -> None:
        if self.enabled:
            with self._lock:
                self.rows.append((who, phase, seconds))

    @contextmanager
    def phase(self, who: str, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(who, phase, time.perf_counter() - started)

    def add_child_phases(
        self, who: str, spawned: float, marks: list[tuple[str, float]], ended: float
    ) -> None:
        """The child's phases from its progress marks (phase, perf_counter when it began)."""
        edges = [(CHILD_START, spawned), *marks, ("", ended)]
        for (name, began), (_, until) in itertools.pairwise(edges):
            shown = {"starting": COLLECTION, "ended": "child exit (interpreter teardown)"}.get(
                name, f"child: {name}"
            )
            self.add(who, name if name == CHILD_START else shown, max(0.0, until - began))

    def total(self) -> float:
        return time.perf_counter() - self._started

    def lines(self) -> list[str]:
        width = max((len(f"{who}  {phase}") for who, phase, _ in self.rows), default=20)
        out = ["", "=" * 30 + " errcontract profile " + "=" * 30]
        out += [
            f"profile  {f'{who}  {phase}':<{width}}  {seconds:6.2f} s" for who, phase, seconds in self.rows
        ]
        out.append(f"profile  {'total wall time':<{width}}  {self.total():6.2f} s")
        return out
