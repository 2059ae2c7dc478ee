"""Fixtures shared by the project's own tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from errcontract.locate import contracts_root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A private copy of the shipped contracts root, safe to break."""
    return Path(shutil.copytree(contracts_root(), tmp_path / "contracts"))
