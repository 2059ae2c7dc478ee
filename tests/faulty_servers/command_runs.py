"""The real `errcontract run` command in child processes, and the assertions on what it output.

`run_errcontract` runs one child outside the checkout; `run_concurrently` starts several at once;
`assert_clean` checks that no traceback and no planted key appears in any output or report file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass
class RunOutcome:
    exit_code: int
    stdout: str
    stderr: str
    elapsed_s: float
    report_dir: Path

    def results(self, provider: str = "vicsee") -> dict:
        return json.loads((self.report_dir / provider / "results.json").read_text(encoding="utf-8"))

    def outputs(self) -> dict[str, bytes]:
        """stdout, stderr and every file the run left under the report directory."""
        found = {"stdout": self.stdout.encode(), "stderr": self.stderr.encode()}
        if self.report_dir.is_dir():
            found.update({str(p): p.read_bytes() for p in sorted(self.report_dir.rglob("*")) if p.is_file()})
        return found

    def codes(self, provider: str = "vicsee") -> dict[str, dict]:
        return {c["code"]: c for c in self.results(provider)["codes"]}


def run_errcontract(
    args: list[str], report_dir: Path, env: dict[str, str] | None = None, timeout_s: float = 60
) -> RunOutcome:
    """`python -m errcontract run ARGS --report-dir DIR` in a child process, outside the checkout."""
    child_env = {
        k: v for k, v in os.environ.items() if not k.startswith("ERRCONTRACT_") and "proxy" not in k.lower()
    }
    child_env.update(env or {})
    command = [sys.executable, "-m", "errcontract", "run", *args, "--report-dir", str(report_dir)]
    workdir = next(p for p in report_dir.parents if p.is_dir())  # outside the checkout
    started = time.monotonic()
    done = subprocess.run(
        command, capture_output=True, text=True, env=child_env, timeout=timeout_s, cwd=workdir, check=False
    )
    return RunOutcome(done.returncode, done.stdout, done.stderr, time.monotonic() - started, report_dir)


def assert_clean(outcome: RunOutcome, secrets: list[str]) -> None:
    """No traceback anywhere, and no planted key in any output or report file."""
    for stream in (outcome.stdout, outcome.stderr):
        where = stream.find("Traceback")
        assert where < 0, stream[max(0, where - 300) : where + 1500]
    for name, data in outcome.outputs().items():
        for secret in secrets:
            assert secret.encode() not in data, f"key {secret[:6]}… leaked into {name}"


def run_concurrently(jobs: dict[str, Callable[[], RunOutcome]], workers: int = 4) -> dict[str, RunOutcome]:
    """Several runs at once: each is a child process mostly waiting on imports or timeouts."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}
