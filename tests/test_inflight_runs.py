"""`--concurrency` keeps requests in flight against a slow target without changing what the run
finds, and without breaking the rate-limit rules: real runs against real loopback servers.

- the same verdicts, code by code, when every answer waits 100 ms as when none waits (the
  per-code tests, discovery, refunds and Schemathesis' cases are sent side by side there);
- a target that starts refusing with 429 is still stopped at the first 429s: none beyond the
  requests already in flight when the first came back.

How many requests are in flight and how long a run takes are measured, not tested:
`python benchmarks/bench_latency.py` (README, Benchmarks, figure 9).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.faulty_servers import BurstLimit, LoopbackServer, VicSeeKeys, assert_clean, run_errcontract
from tests.independent import ROOT, start

CONCURRENCY = 4
KEY = "sk-PLANTED-burstlimit-7a1c9e3b5d20"
SPEND = "1000000"  # the independent servers are local and free


def _fixture_args(provider: str, fixtures: dict[str, str]) -> list[str]:
    declared = yaml.safe_load((ROOT / "contracts" / provider / "contract.yaml").read_text())["fixtures"]
    return [arg for name in declared if name in fixtures for arg in ("--fixture", f"{name}={fixtures[name]}")]


def _verdicts_at(provider: str, latency_ms: int, report_dir: Path) -> dict[str, tuple[str, str | None]]:
    with start(provider, args=("--latency-ms", str(latency_ms))) as (url, fixtures):
        command = [
            *(sys.executable, "-m", "errcontract", "run", "--provider", provider, "--target", url),
            *_fixture_args(provider, fixtures),
            *("--allow-spend", SPEND, "--concurrency", str(CONCURRENCY), "--examples", "40"),
            *("--report-dir", str(report_dir)),
        ]
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    results_file = report_dir / provider / "results.json"
    assert results_file.is_file(), f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    results = json.loads(results_file.read_text())
    assert proc.returncode == 0, proc.stdout[-3000:]
    return {c["code"]: (c["verdict"], c.get("reason")) for c in results["codes"]}


@pytest.mark.parametrize("provider", ["vicsee", "vydra"])
def test_a_slow_target_gets_the_verdicts_of_a_fast_one(provider: str, tmp_path: Path) -> None:
    fast = _verdicts_at(provider, 0, tmp_path / "fast")
    slow = _verdicts_at(provider, 100, tmp_path / "slow")
    assert slow == fast
    assert sum(verdict == "pass" for verdict, _ in fast.values()) >= 14


def test_a_429_limited_target_is_stopped_after_the_429s_already_in_flight(tmp_path: Path) -> None:
    target = BurstLimit(20, VicSeeKeys(valid={KEY}))
    with LoopbackServer(target) as server:
        outcome = run_errcontract(
            [
                *("--provider", "vicsee", "--target", server.url, "--api-key", KEY),
                *("--concurrency", str(CONCURRENCY), "--examples", "40", "--timeout", "5"),
            ],
            tmp_path / "reports",
            timeout_s=180,
        )
    assert not server.crashes
    assert_clean(outcome, [KEY])
    assert outcome.exit_code == 0, outcome.stdout
    assert target.most_in_flight >= 2, "the run never had two requests in flight: nothing was tested"
    assert 1 <= target.answered_429 <= CONCURRENCY, f"{target.answered_429} 429s answered"
    assert target.after_first_429 <= CONCURRENCY - 1, f"{target.after_first_429} requests after the first 429"
    assert any("rate limited" in reason for reason in outcome.results()["not_sent"])
