"""The mock as a child process: what suites use when the target is 'the embedded mock'.

Runs `python -m errcontract mock PROVIDER --port 0 --parent-pid PID` in a session of its own,
reads the one JSON line it prints, and stops it (its process group) on exit. The mock watches
this process: if it dies without stopping the mock (SIGKILL), the mock ends itself.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from errcontract.core.children import stop_group
from errcontract.core.errors import ErrcontractError

START_TIMEOUT_S = 20.0
STOP_GRACE_S = 5.0


@dataclass(frozen=True)
class MockHandle:
    url: str
    fixtures: dict[str, str]
    pid: int


def mock_command(provider: str, drift: str | None, test_mode: bool) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "errcontract",
        "mock",
        provider,
        "--port",
        "0",
        "--parent-pid",
        str(os.getpid()),
    ]
    if drift:
        command += ["--drift", drift]
    if test_mode:
        command.append("--test-mode")
    return command


def _first_line(stream: IO[str], timeout: float) -> str | None:
    """The child's first stdout line, or None if none came within the timeout."""
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True)
    reader.start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def _stop(process: subprocess.Popen[str]) -> None:
    stop_group(process, signal.SIGTERM, STOP_GRACE_S)
    if process.stdout:
        process.stdout.close()


def _start_error(provider: str, process: subprocess.Popen[str], stderr: IO[bytes]) -> str:
    _stop(process)
    stderr.seek(0)
    lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
    why = (
        lines[-1].removeprefix("errcontract: error: ")
        if lines
        else f"no output within {START_TIMEOUT_S:.0f} s"
    )
    return f"the {provider} mock did not start: {why}"


@contextmanager
def running_mock(provider: str, drift: str | None = None, test_mode: bool = False) -> Iterator[MockHandle]:
    """Run the provider's mock in a child process for the duration of the block."""
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            mock_command(provider, drift, test_mode),
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            start_new_session=True,
        )
        try:  # from here on, however the block ends (an interrupting signal too), the mock stops
            started = _started(process)
            if started is None:
                raise ErrcontractError(_start_error(provider, process, stderr))
            yield MockHandle(started["url"], started.get("fixtures", {}), process.pid)
        finally:
            _stop(process)


def _started(process: subprocess.Popen[str]) -> dict[str, Any] | None:
    """The mock's start line ({"url", "fixtures"}), or None if it printed none in time."""
    line = _first_line(process.stdout, START_TIMEOUT_S) if process.stdout else None
    try:
        started = json.loads(line) if line else None
    except ValueError:
        return None
    return started if isinstance(started, dict) and "url" in started else None
