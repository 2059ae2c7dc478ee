"""Independent, documentation-only implementations of the providers (VicSee, Vydra).

They share no code with errcontract (and its embedded mock): they exist so that the mock is not the
only oracle. `start(provider)` runs one as a subprocess and yields (url, fixtures).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The providers with an independent server: one module each beside this one.
PROVIDERS = tuple(sorted(p.stem for p in Path(__file__).parent.glob("*.py") if not p.name.startswith("_")))


@contextlib.contextmanager
def start(
    provider: str, timeout: float = 20.0, args: tuple[str, ...] = ()
) -> Iterator[tuple[str, dict[str, str]]]:
    """The server of `provider` (extra `args`: `--latency-ms N`, `--traffic FILE`)."""
    if provider not in PROVIDERS:
        raise ValueError(f"no independent server for {provider!r}")
    proc = subprocess.Popen(
        [sys.executable, "-m", f"tests.independent.{provider}", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"independent {provider} server exited before announcing itself")
        info = json.loads(line)
        yield info["url"], info["fixtures"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
