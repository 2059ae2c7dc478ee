"""The benchmarks keep working as the code under them changes (they are not run by CI as a whole:
`python benchmarks/run.py` takes minutes and measures, it does not test). Each module imports, and
the coverage benchmark's sequence sees every answer it causes."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from errcontract.mock.process import running_mock

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(autouse=True)
def benchmarks_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCHMARKS.glob("*.py")))
def test_benchmark_module_imports(module: str) -> None:
    assert importlib.import_module(module).__doc__


def test_coverage_benchmark_sees_every_answer_of_its_sequence() -> None:
    from bench_coverage import errcontract_sequence

    with running_mock("vicsee") as mock:
        bodies = errcontract_sequence("vicsee", mock.url, mock.fixtures, 30)
    assert len(bodies) == 30
    assert sum(isinstance(b, dict) and b.get("success") is False for b in bodies) >= 14
