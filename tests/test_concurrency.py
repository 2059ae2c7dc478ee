"""`--concurrency N` sends generated requests in parallel; for the same --seed the results are
the same as a sequential run's (the same codes, verdicts and findings; arrival order aside)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from tests.faulty_servers import RunOutcome, assert_clean, run_concurrently, run_errcontract

VOLATILE = ("started_at", "duration_s", "target")


FINDING_KEYS = ("check", "code", "status", "message", "reproduce")


def finding(item: dict[str, Any]) -> str:
    return json.dumps({k: item[k] for k in FINDING_KEYS}, sort_keys=True)


def comparable(results: dict[str, Any]) -> dict[str, Any]:
    """The results without times, the mock's port, arrival order and first-come evidence."""
    text = json.dumps(results).replace(results["target"], "TARGET")
    data = {k: v for k, v in json.loads(text).items() if k not in VOLATILE}
    violations = data.pop("violations")
    data["violations"] = sorted(finding(v) for v in violations)
    data["warnings"] = sorted(finding(w) for w in data.pop("warnings"))
    data["errors"] = sorted(e["message"] for e in data.pop("errors"))
    for code in data["codes"]:
        code.pop("evidence")
        code["violations"] = sorted(finding(violations[i]) for i in code["violations"])
    return data


def test_concurrent_run_gives_the_sequential_run_results_for_the_same_seed(tmp_path: Path) -> None:
    def run(concurrency: int) -> RunOutcome:
        return run_errcontract(
            ["--provider", "vicsee", "--seed", "7", "--examples", "20", "--concurrency", str(concurrency)],
            tmp_path / f"c{concurrency}",
        )

    outcomes = run_concurrently({"sequential": partial(run, 1), "parallel": partial(run, 4)}, workers=2)
    for outcome in outcomes.values():
        assert_clean(outcome, [])
        assert outcome.exit_code == 0, outcome.stdout[-3000:]
    sequential, parallel = (outcomes[n].results() for n in ("sequential", "parallel"))
    assert sequential["requests"] > 20  # the generated requests were sent
    assert comparable(parallel) == comparable(sequential)
