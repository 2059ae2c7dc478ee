"""Without a browser the page tests are skipped, and pytest's summary says so (issue 30: they
skipped silently, an `s` among hundreds of dots)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_missing_chromium_is_said_in_the_summary(tmp_path: Path) -> None:
    missing = tmp_path / "no-chromium"
    env = {**os.environ, "ERRCONTRACT_CHROMIUM": str(missing)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_browser.py", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 5), done.stdout[-2000:]  # 5: the only module skipped, no test ran
    last = done.stdout.strip().splitlines()[-2:]
    assert any(f"browser tests skipped (1): no browser: {missing} is missing" in line for line in last), (
        done.stdout
    )
