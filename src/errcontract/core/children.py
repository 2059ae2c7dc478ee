"""Child processes in a run's care: each leads its own session, is stopped as a group, and stops
itself when the process that started it is gone (even a SIGKILLed one runs no cleanup).

The embedded mocks and the pytest children are started with `start_new_session=True`: a Ctrl-C
at the terminal reaches only `errcontract run`, which forwards it; stopping a child signals its
whole group (a forked draw worker included) and reaps it. Each child is told its parent's pid and
watches it from a daemon thread: once its parent is no longer that process, it ends itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

POLL_S = 0.2
EXIT_ORPHANED = 128 + signal.SIGHUP  # the parent hung up, as a terminal would have


def stop_when_orphaned(parent_pid: int, on_orphaned: Callable[[], None] | None = None) -> None:
    """From a daemon thread: once this process's parent is not `parent_pid` any more (it died and
    this process was re-parented), call `on_orphaned` (default: `end_now`)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(POLL_S)
        (on_orphaned or end_now)()

    threading.Thread(target=watch, daemon=True, name="errcontract-parent-watchdog").start()


def end_now() -> None:
    """End this process at once, with its process group when it leads one of its own."""
    if os.getpgrp() == os.getpid():  # started with start_new_session: the group is this one's
        with contextlib.suppress(OSError):
            os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(EXIT_ORPHANED)


def signal_group(process: subprocess.Popen[Any], signum: int) -> None:
    """Send `signum` to the group `process` leads (it was started with start_new_session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def stop_group(process: subprocess.Popen[Any], signum: int = signal.SIGTERM, grace_s: float = 10.0) -> None:
    """Forward `signum` to the child's group, give it `grace_s` to end, then SIGKILL whatever of
    the group is left; the child is reaped."""
    if process.poll() is None:
        signal_group(process, signum)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace_s)
    signal_group(process, signal.SIGKILL)  # members the leader left behind, or the leader itself
    process.wait()
