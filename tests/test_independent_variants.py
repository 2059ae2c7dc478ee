"""errcontract against the independent VicSee server's variants (tests/independent/vicsee.py,
`--variant`): a choice the docs leave open stays conformant (a rolling day: its moving reset is a
warning, the exemplified kind decides no violation), a departure is found (a remaining count
frozen at the limit, whatever the reset does)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.independent import ROOT, start
from tests.independent.vicsee import DEPARTURES, VARIANTS
from tests.live_runs import errcontract_command
from tests.test_independent_providers import _fixture_args

CAUGHT_BY = {
    "remaining-frozen": "rate_limit_remaining_decreases",
    "remaining-frozen-moving-reset": "rate_limit_remaining_decreases",
}


def _run(variant: str, folder: Path) -> dict[str, Any]:
    with start("vicsee", args=("--variant", variant)) as (url, fixtures):
        command = [
            *errcontract_command(),
            "run",
            "--provider",
            "vicsee",
            "--target",
            url,
            *_fixture_args("vicsee", fixtures),
            "--allow-spend",
            "1000000",
            "--examples",
            "60",
            "--report-dir",
            str(folder),
        ]
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    results_file = folder / "vicsee" / "results.json"
    assert results_file.is_file(), (
        f"{variant}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    )
    return {"exit": proc.returncode, **json.loads(results_file.read_text())}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("independent-vicsee")
    names = [*VARIANTS, *DEPARTURES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield dict(zip(names, pool.map(lambda n: _run(n, root / n), names), strict=True))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_vicsee_choice_the_docs_leave_open_is_conformant(
    runs: dict[str, dict[str, Any]], variant: str
) -> None:
    results = runs[variant]
    assert results["violations"] == [], results["violations"][:5]
    assert results["verdict"] == "conformant" and results["exit"] == 0


@pytest.mark.parametrize("departure", sorted(DEPARTURES))
def test_a_vicsee_departure_is_found(runs: dict[str, dict[str, Any]], departure: str) -> None:
    results = runs[departure]
    assert CAUGHT_BY[departure] in {v["check"] for v in results["violations"]}, results["violations"][:5]
    assert results["exit"] == 1
