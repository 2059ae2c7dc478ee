"""The mock as a child process: what suites use when the target is 'the embedded mock'.

Runs `python -m errcontract mock PROVIDER --port 0`, reads the one JSON line it prints, and
terminates it (by its pid only) on exit.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from errcontract.errors import ErrcontractError

START_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class MockHandle:
    url: str
    fixtures: dict[str, str]
    pid: int


def mock_command(provider: str, drift: str | None, test_mode: bool) -> list[str]:
    command = [sys.executable, "-m", "errcontract", "mock", provider, "--port", "0"]
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
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout:
        process.stdout.close()


def _start_error(provider: str, process: subprocess.Popen[str], stderr: IO[bytes]) -> str:
    _stop(process)
    stderr.seek(0)
    lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
    why = lines[-1] if lines else f"no output within {START_TIMEOUT_S:.0f} s"
    return f"the {provider} mock did not start: {why}"


@contextmanager
def running_mock(provider: str, drift: str | None = None,
                 test_mode: bool = False) -> Iterator[MockHandle]:
    """Run the provider's mock in a child process for the duration of the block."""
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            mock_command(provider, drift, test_mode), stdout=subprocess.PIPE, stderr=stderr,
            stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
        )
        line = _first_line(process.stdout, START_TIMEOUT_S) if process.stdout else None
        try:
            started = json.loads(line) if line else None
        except ValueError:
            started = None
        if not isinstance(started, dict) or "url" not in started:
            raise ErrcontractError(_start_error(provider, process, stderr))
        try:
            yield MockHandle(started["url"], started.get("fixtures", {}), process.pid)
        finally:
            _stop(process)
