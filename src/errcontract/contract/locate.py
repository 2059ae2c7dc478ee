"""Where the contracts and suites live: a source checkout, the current folder, or the wheel."""

from __future__ import annotations

import os
from pathlib import Path

from errcontract.core.errors import UsageError

_PACKAGE = Path(__file__).resolve().parents[1]  # src/errcontract (this file is in contract/)


def _candidates(name: str) -> list[Path]:
    return [
        _PACKAGE.parents[1] / name,  # src layout: <checkout>/src/errcontract
        _PACKAGE / "_bundled" / name,  # wheel: force-included data
    ]


def _first_existing(name: str, marker: str) -> Path:
    """ERRCONTRACT_<NAME> if set (it must hold the marker file), else the project's own folder."""
    variable = f"ERRCONTRACT_{name.upper()}"
    chosen = os.environ.get(variable)
    if chosen:
        if not (Path(chosen) / marker).is_file():
            raise UsageError(f"{variable}={chosen} has no {marker}: point it at a {name} folder")
        return Path(chosen)
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
