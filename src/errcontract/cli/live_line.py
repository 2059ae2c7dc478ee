"""The run told as it goes (the runner side): one live line per provider, not pytest's output.

The pytest child writes progress lines to a pipe of its own (see `errcontract.run.progress`); this
reads them and draws one line per provider: the phase, requests sent, codes checked, violations
so far. On a terminal the line is rewritten in place; otherwise a plain line is printed when the
phase changes and when the provider is done. pytest's own output is kept and shown only if the
child leaves no results (or, with `-v` or `-- PYTEST ARGS`, relayed live as it comes).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, TextIO, cast

from errcontract.cli.parallel import Children
from errcontract.core.children import stop_group
from errcontract.core.redact import Redactor
from errcontract.run import PROGRESS_ENDED, ProgressState
from errcontract.run import PROGRESS_FD_VARIABLE as FD_VARIABLE

CLEAR_LINE = "\r\x1b[2K"


def progress_line(provider: str, state: ProgressState, elapsed_s: float | None = None) -> str:
    """`vicsee     generated requests · 142 requests · 14/18 codes checked · 0 violations`."""
    codes = state.get("codes") or 0
    judged = f"{state.get('judged', 0)}/{codes}" if codes else "0"
    parts = [
        count(state.get("requests", 0), "request"),
        f"{judged} codes checked",
        count(state.get("violations", 0), "violation"),
    ]
    if state.get("warnings"):
        parts.append(count(state["warnings"], "warning"))
    head = f"done in {elapsed_s:.1f} s" if elapsed_s is not None else str(state.get("phase", "starting"))
    return f"{provider:<10} {head} · " + " · ".join(parts)


def count(n: int, noun: str) -> str:
    """`1 warning`, `2 warnings`: `n` and the noun, plural unless n is 1."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


class LiveLine:
    """One provider's line: rewritten in place on a TTY, printed on phase changes otherwise (and
    when several checks share the terminal: `in_place=False`). `marks` keeps when each phase
    began (for --profile)."""

    def __init__(self, provider: str, sink: TextIO, redact: Redactor, in_place: bool = True) -> None:
        self.provider, self.sink, self.redact = provider, sink, redact
        self.tty = in_place and bool(getattr(sink, "isatty", lambda: False)())
        self.state = ProgressState()
        self.marks: list[tuple[str, float]] = []
        self.ended = threading.Event()  # the child said it has written everything
        self._phase: str | None = None
        self._started = time.monotonic()
        self._lock = threading.Lock()

    def update(self, state: ProgressState) -> None:
        with self._lock:
            if state.get("phase") == PROGRESS_ENDED:  # not shown: the child is only exiting
                self.marks.append((PROGRESS_ENDED, time.perf_counter()))
                self.ended.set()
                return
            self.state = state
            text = self.redact(progress_line(self.provider, state))
            if self.tty:
                self.sink.write(CLEAR_LINE + text)
            elif state.get("phase") != self._phase:
                self.sink.write(text + "\n")
            if state.get("phase") != self._phase:
                self.marks.append((str(state.get("phase")), time.perf_counter()))
            self._phase = state.get("phase")
            self.sink.flush()

    def finish(self) -> None:
        with self._lock:
            text = self.redact(progress_line(self.provider, self.state, time.monotonic() - self._started))
            self.sink.write((CLEAR_LINE if self.tty else "") + text + "\n")
            self.sink.flush()


def read_progress(source: IO[bytes], line: LiveLine) -> None:
    """Each JSON line from the child's progress pipe updates the live line (others are ignored)."""
    for raw in source:
        try:
            state = json.loads(raw)
        except ValueError:
            continue
        if isinstance(state, dict):
            line.update(cast(ProgressState, state))  # the parse boundary: the child's own line


def collect(source: IO[bytes] | None, into: list[bytes]) -> None:
    if source is not None:
        while chunk := source.read(65536):
            into.append(chunk)


def run_live_child(
    cmd: list[str],
    env: dict[str, str],
    redact: Redactor,
    provider: str,
    results_file: Path,
    timeout_s: float,
    grace_s: float,
    children: Children | None = None,
    line: LiveLine | None = None,
) -> bool:
    """Run the pytest child in a session of its own, drawing its progress; False if it timed
    out. pytest's output is kept and shown only if no results came of it. However this ends (an
    interrupting signal included), the signal goes to the child's group, reaped before this
    returns or raises. `children` holds the child while it runs (a run of several checks stops
    them all at once); a stopped run shows nothing more of it."""
    children = children or Children()
    line = line or LiveLine(provider, sys.stdout, redact)
    output: list[bytes] = []
    read_end, write_end = os.pipe()
    child = _start_child(cmd, env, write_end)
    children.add(child)
    with os.fdopen(read_end, "rb") as progress:
        timed_out = _wait_drawing(child, progress, line, output, children, timeout_s, grace_s)
    children.check_running()
    line.finish()
    if timed_out or not results_file.is_file():
        sys.stdout.write(redact.bytes(b"".join(output)).decode("utf-8", "replace"))
        sys.stdout.flush()
    return not timed_out


def _start_child(cmd: list[str], env: dict[str, str], write_end: int) -> subprocess.Popen[bytes]:
    """The child in a session of its own, its progress pipe's write end passed on (and closed
    here, started or not), its output piped."""
    try:
        return subprocess.Popen(
            cmd,
            env={**env, FD_VARIABLE: str(write_end)},
            pass_fds=(write_end,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        os.close(write_end)


def _wait_drawing(
    child: subprocess.Popen[bytes],
    progress: IO[bytes],
    line: LiveLine,
    output: list[bytes],
    children: Children,
    timeout_s: float,
    grace_s: float,
) -> bool:
    """Wait for the child while threads draw its progress and keep its output; True if it timed
    out (its group killed). An interruption stops its group too, then goes on unwinding."""
    readers = [
        threading.Thread(target=read_progress, args=(progress, line), daemon=True),
        threading.Thread(target=collect, args=(child.stdout, output), daemon=True),
    ]
    for reader in readers:
        reader.start()
    timed_out = False
    try:
        child.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        stop_group(child, signal.SIGKILL, grace_s)
    except BaseException as exc:  # interrupted: the child's group goes too, then the unwind
        stop_group(child, getattr(exc, "signum", signal.SIGTERM), grace_s)
        raise
    finally:
        children.discard(child)
    for reader in readers:
        reader.join(timeout=5)
    return timed_out
