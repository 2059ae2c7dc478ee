"""Where the contracts and suites live: a source checkout, the current folder, or the wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _candidates(name: str) -> list[Path]:
    env = os.environ.get(f"ERRCONTRACT_{name.upper()}")
    found = [Path(env)] if env else []
    found.append(Path.cwd() / name)
    found.append(_PACKAGE.parents[1] / name)  # src layout: <checkout>/src/errcontract
    found.append(_PACKAGE / "_bundled" / name)  # wheel: force-included data
    return found


def _first_existing(name: str, marker: str) -> Path:
    for candidate in _candidates(name):
        if (candidate / marker).is_file():
            return candidate
    return _candidates(name)[-1]


def contracts_root() -> Path:
    """The folder holding one sub-folder per provider (env ERRCONTRACT_CONTRACTS overrides)."""
    return _first_existing("contracts", "contract.schema.json")


def suites_root() -> Path:
    """The folder holding the pytest suites (env ERRCONTRACT_SUITES overrides)."""
    return _first_existing("suites", "test_codes.py")
