"""A virtual environment outside the project's test extra, installed once and cached between runs
(a real server's own dependencies: LiteLLM's proxy, connexion).

The install holds an exclusive lock on a file beside the environment, so test processes started
side by side (pytest-xdist workers, two checkouts) never install into the same folder at once: the
second waits and finds the first one's marker. A half-done install has no marker and is cleared
and done again."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path


def cached_venv(venv: Path, requirement: str) -> Path:
    """`venv`, with `requirement` pip-installed in it (installed on first use)."""
    marker = venv / ".installed"
    if marker.is_file():
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    with (venv.parent / f"{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if marker.is_file():  # another process installed it while this one waited
            return venv
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=120)
        install = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", requirement],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert install.returncode == 0, f"installing {requirement} failed:\n{install.stderr[-3000:]}"
        marker.write_text(requirement, encoding="utf-8")
    return venv
