"""errcontract against the independent OpenAI server (tests/independent/openai.py, written from
OpenAI's docs alone) in every variant: each choice the docs leave open must come out conformant
(no false alarm), each departure made on purpose must be found (a violation; a warning where only
a sample value shows the fact it breaks; could not judge, an error, for a body no client reads
whole). The runs go two at a time, each against its own server."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.independent import ROOT, start
from tests.independent.openai import DEPARTURES, VARIANTS
from tests.live_runs import errcontract_command

EXAMPLES = "60"
SPEND = "1000000"  # the server is local and free: let billable recipes and requests be sent
# A departure that breaks only a fact a sample value shows is a warning (fails with --strict).
WARNS = {"remaining-not-a-number"}
ERRS = {"models-of-64-mb"}  # could not judge: an error, exit 1
READS_THE_MODEL_LIST = {"models-of-64-mb"}


def _run(variant: str, folder: Path) -> dict[str, Any]:
    with start("openai", args=("--variant", variant)) as (url, fixtures):
        command = [
            *errcontract_command(),
            "run",
            "--provider",
            "openai",
            "--target",
            url,
            "--api-key",
            fixtures["api_key"],
            # a run told no model reads the model list (where a 64 MB one must not pass)
            *([] if variant in READS_THE_MODEL_LIST else ["--model", fixtures["model"]]),
            "--allow-spend",
            SPEND,
            "--examples",
            EXAMPLES,
            "--report-dir",
            str(folder),
        ]
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    results_file = folder / "openai" / "results.json"
    assert results_file.is_file(), (
        f"{variant}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    )
    return {"exit": proc.returncode, **json.loads(results_file.read_text())}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("independent-openai")
    names = [*VARIANTS, *DEPARTURES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = dict(zip(names, pool.map(lambda n: _run(n, root / n), names), strict=True))
    yield found


def _summary(results: dict[str, Any]) -> str:
    found, warned = len(results["violations"]), len(results["warnings"])
    lines = [f"exit {results['exit']}: {found} violations, {warned} warnings"]
    lines += [
        f"  [{v['check']}] {v['code']} {v['status']}: {v['message']}" for v in results["violations"][:8]
    ]
    return "\n".join(lines)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_choice_the_docs_leave_open_is_conformant(runs: dict[str, dict[str, Any]], variant: str) -> None:
    results = runs[variant]
    assert results["violations"] == [] and results["errors"] == [], _summary(results)
    assert results["verdict"] == "conformant" and results["exit"] == 0, _summary(results)


@pytest.mark.parametrize("departure", sorted(DEPARTURES))
def test_a_departure_from_the_docs_is_found(runs: dict[str, dict[str, Any]], departure: str) -> None:
    results = runs[departure]
    if departure in ERRS:
        assert any("over the read limit" in e["message"] for e in results["errors"]), _summary(results)
        assert results["exit"] == 1
    elif departure in WARNS:
        assert results["warnings"] and results["violations"] == [], _summary(results)
    else:
        assert results["violations"], (
            f"{departure} ({DEPARTURES[departure][0]}) not found: {_summary(results)}"
        )
        assert results["exit"] == 1, _summary(results)
