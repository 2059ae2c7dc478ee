"""Checks side by side: each in a worker thread, at most `limit` at once, children in one registry.

The main thread only waits. When it is interrupted (a signal raises there) or a check fails
outright (a preflight stop, say), every child of every check (mocks stop with their check) gets
the signal, is given its grace and is reaped; the checks still waiting never start; then the
exception goes on. A worker that sees `stopping` set ends with `Stopped` instead of going on.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from errcontract.core.children import signal_group, stop_group

T = TypeVar("T")
R = TypeVar("R")


class Stopped(Exception):
    """A check ended early because the run is being stopped (the run's own exception follows)."""


class Children:
    """The run's live child processes (pytest sessions), to stop them all at once."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._live: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()

    def add(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.add(process)
        if self.stopping.is_set():  # started while the run was being stopped
            signal_group(process, signal.SIGTERM)

    def discard(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.discard(process)

    def check_running(self) -> None:
        """Raise Stopped once the run is being stopped (a check's steps call this between them)."""
        if self.stopping.is_set():
            raise Stopped

    def stop_all(self, signum: int, grace_s: float) -> None:
        """Forward `signum` to every child's group at once, then give each its grace and reap it."""
        self.stopping.set()
        with self._lock:
            live = list(self._live)
        for process in live:
            signal_group(process, signum)
        for process in live:
            stop_group(process, signum, grace_s)


def run_side_by_side(
    items: Sequence[T], work: Callable[[T], R], limit: int, children: Children, grace_s: float
) -> list[R]:
    """`work(item)` for each item, at most `limit` at once; the results in the items' order."""
    if len(items) == 1:  # no thread needed: the main thread's own unwinding stops the child
        return [_alone(items[0], work, children, grace_s)]
    pool = ThreadPoolExecutor(max_workers=max(1, min(limit, len(items))), thread_name_prefix="check")
    futures: list[Future[R]] = [pool.submit(work, item) for item in items]
    try:  # the first check to fail stops the others at once, whichever its place in the list
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [exc for f in futures if f in done and (exc := f.exception()) is not None]
        if failed:
            raise _cause(failed)
        results = [future.result() for future in futures]
    except BaseException as exc:
        children.stop_all(getattr(exc, "signum", signal.SIGTERM), grace_s)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _cause(failed: list[BaseException]) -> BaseException:
    """The exception the run goes on with: the first that is not a check's `Stopped`."""
    return next((exc for exc in failed if not isinstance(exc, Stopped)), failed[0])


def _alone(item: T, work: Callable[[T], R], children: Children, grace_s: float) -> R:
    try:
        return work(item)
    except BaseException as exc:
        children.stop_all(getattr(exc, "signum", signal.SIGTERM), grace_s)
        raise
