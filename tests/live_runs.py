"""A run in progress, for the interruption and write-fault tests: a real process in a session of
its own, its output read as it comes, and every descendant it starts recorded by pid (and start
time, so a reused pid is never mistaken for it) until it ends; and what an interrupted run must
leave (`assert_interrupted`): the previous reports byte-identical, one line, no process.

`LiveRun.stop_leftovers()` SIGKILLs, by pid, any recorded descendant still alive: a failing test
leaves no process behind either (the `start_run` fixture calls it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import recorded_providers

Proc = tuple[int, int]  # (pid, start time in clock ticks since boot)
WATCH_EVERY_S = 0.1

DATA = Path(__file__).parent / "data"
EXIT_CODES = {signal.SIGHUP: 129, signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -signal.SIGKILL}
LINE = "errcontract: interrupted: previous reports kept"
# Generous bounds: a busy 2-core machine starts Python and pytest slowly.
PHASE_S, FINISH_S, CHILDREN_GONE_S = 180, 60, 30
FUZZ_LONG = ("--examples", "100000", "--max-requests", "200000")  # minutes of fuzzing, never reached


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def descendants(root: int) -> set[Proc]:
    """Every process whose chain of parents leads to `root`, now."""
    parents: dict[int, list[int]] = {}
    started: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        fields = _stat(int(entry)) if entry.isdigit() else None
        if fields:
            parents.setdefault(int(fields[1]), []).append(int(entry))
            started[int(entry)] = int(fields[19])
    found, frontier = set(), [root]
    while frontier:
        for child in parents.get(frontier.pop(), []):
            if (child, started[child]) not in found:
                found.add((child, started[child]))
                frontier.append(child)
    return found


def alive(proc: Proc) -> bool:
    """Still running (a zombie waiting for a reaper is not running)."""
    fields = _stat(proc[0])
    return fields is not None and int(fields[19]) == proc[1] and fields[0] not in ("Z", "X")


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


class LiveRun:
    """`command` started in its own session (as a CI runner or a terminal job would)."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        child_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("ERRCONTRACT_") and "proxy" not in k.lower()
        }
        child_env.update({"PYTHONUNBUFFERED": "1", **(env or {})})
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=child_env,
            text=True,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.children: set[Proc] = set()
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(stream, sink), daemon=True)
            for stream, sink in ((self.process.stdout, self._out), (self.process.stderr, self._err))
        ]
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        for thread in (*self._readers, self._watcher):
            thread.start()

    @staticmethod
    def _read(stream: object, sink: list[str]) -> None:
        while chunk := stream.read(1):  # type: ignore[attr-defined]
            sink.append(chunk)

    def _watch(self) -> None:
        while self.process.poll() is None:
            self.children = self.children | descendants(
                self.process.pid
            )  # a new set: readers iterate the old one
            time.sleep(WATCH_EVERY_S)

    @property
    def stdout(self) -> str:
        return "".join(self._out)

    def wait_for(self, text: str, timeout_s: float) -> None:
        """Until `text` is in stdout (fails if the run ends or the time is up first)."""
        deadline = time.monotonic() + timeout_s
        while text not in self.stdout:
            assert self.process.poll() is None, f"ended before {text!r}:\n{self.stdout[-3000:]}"
            assert time.monotonic() < deadline, f"no {text!r} in {timeout_s} s:\n{self.stdout[-3000:]}"
            time.sleep(0.05)

    def wait_for_children(self, count: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while len([c for c in self.children if alive(c)]) < count:
            assert time.monotonic() < deadline, f"fewer than {count} children: {self.children}"
            time.sleep(0.05)

    def send(self, signum: int, to_group: bool = False) -> None:
        """The signal to the run's process (`timeout`, a CI runner) or its whole group (Ctrl-C)."""
        (os.killpg if to_group else os.kill)(self.process.pid, signum)

    def finish(self, timeout_s: float) -> Outcome:
        code = self.process.wait(timeout=timeout_s)
        for thread in self._readers:
            thread.join(timeout=timeout_s)
        self._watcher.join(timeout=5)
        return Outcome(code, self.stdout, "".join(self._err))

    def left_running(self, timeout_s: float) -> set[Proc]:
        """The recorded descendants still running after up to `timeout_s` of waiting for them."""
        deadline = time.monotonic() + timeout_s
        while (running := {c for c in self.children if alive(c)}) and time.monotonic() < deadline:
            time.sleep(0.1)
        return running

    def stop_leftovers(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid, _ in {c for c in self.children if alive(c)}:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def errcontract_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "errcontract", *args]


def suites_command(*args: str) -> list[str]:
    from errcontract.contract.locate import suites_root

    return [sys.executable, "-m", "pytest", str(suites_root()), "-p", "no:cacheprovider", *args]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under `folder`, files with their bytes and folders as None: two snapshots are
    equal when the folder is byte-identical."""
    found: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        found[str(path.relative_to(folder))] = path.read_bytes() if path.is_file() else None
    return found


def hidden_siblings(folder: Path) -> list[str]:
    """Hidden entries beside `folder` named after it (a staging or `.previous` folder left over)."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


# -- what an interrupted run must leave: the previous reports, one line, no process --------------
def earlier_reports(folder: Path) -> Path:
    """A report folder as an earlier run of every recorded provider left it."""
    for provider in recorded_providers():
        (folder / provider).mkdir(parents=True)
        shutil.copy(DATA / f"results-{provider}.json", folder / provider / "results.json")
        for name in ("index.html", "junit.xml", "pytest.html", "badge.svg"):
            (folder / provider / name).write_text(f"earlier {provider} {name}\n", encoding="utf-8")
    (folder / "index.html").write_text("<html>the earlier site index</html>\n", encoding="utf-8")
    return folder


def assert_interrupted(
    run: LiveRun, outcome: Outcome, signum: int, report_dir: Path, before: dict[str, bytes | None]
) -> None:
    assert outcome.exit_code == EXIT_CODES[signum], outcome.stderr[-3000:]
    if signum != signal.SIGKILL:
        assert "Traceback" not in outcome.stderr, outcome.stderr[-3000:]
        assert outcome.stderr.strip().splitlines()[-1] == LINE, outcome.stderr[-3000:]
        assert outcome.stderr.count("interrupted") == 1, outcome.stderr[-3000:]
        assert hidden_siblings(report_dir) == []  # nothing staged is left beside the reports
    assert snapshot(report_dir) == before
    assert run.children, "the run started no child: nothing was tested"
    assert run.left_running(CHILDREN_GONE_S) == set()


def refuses_connections(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return True
    return False
