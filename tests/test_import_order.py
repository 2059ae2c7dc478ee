"""Each entry point imports first in a fresh interpreter: a cycle between packages fails only when
one side is imported first (contract/rules.py before contract.lint broke every `errcontract run`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

FIRST = (
    "errcontract.contract.lint.gate",
    "errcontract.contract.lint",
    "errcontract.contract.scaffold",
    "errcontract.cli.run_command",
    "errcontract.judge.checks",
    "errcontract.mock.drifts",
)


@pytest.mark.parametrize("module", FIRST)
def test_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
