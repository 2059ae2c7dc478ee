"""The code's own rules, checked as tests so CI (the README's test command) enforces them: the
layers of ARCHITECTURE.md (import-linter), ruff's lint and format, and mypy --strict on src/ and suites/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = ["src", "tests", "suites", "benchmarks", "conftest.py", "docs/hooks", "action"]


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: install the test extra (pip install -e '.[test]')")
    return found


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_packages_import_only_the_layers_below_them():
    result = run(tool("lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = run(tool("ruff"), "check", *CODE)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_code_is_ruff_formatted():
    result = run(tool("ruff"), "format", "--check", *CODE)
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_strict_finds_nothing_in_the_package_and_the_suites():
    # The suites are code too: a call to a removed recorder method hid there behind the exit code.
    result = run(sys.executable, "-m", "mypy", "--strict", "src/errcontract", "suites")
    assert result.returncode == 0, result.stdout[-4000:]
