"""Speed figures: client efficiency, cost per check, wall time and its growth with examples."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from errcontract.client.http import _files
from errcontract.contract.model import load_provider
from errcontract.core.exchange import NO_JSON, Exchange
from errcontract.judge.checks import Oracle, run_checks
from errcontract.mock.process import running_mock
from errcontract.run.fuzz import run_fuzz
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun

PROVIDER = "vicsee"


def fuzz_run(url: str, fixtures: dict[str, str], examples: int, concurrency: int = 4) -> ProviderRun:
    options = RunOptions(
        provider=PROVIDER, examples=examples, seed=1, concurrency=concurrency, max_requests=examples * 4 + 100
    )
    return ProviderRun(load_provider(PROVIDER), options, url, fixtures, embedded_mock=True)


def _plain_loop(url: str, exchanges: list[Exchange]) -> float:
    """The same requests, one keep-alive httpx client, nothing else: seconds taken."""
    with httpx.Client(base_url=url, timeout=10) as client:
        started = time.perf_counter()
        for ex in exchanges:
            spec = ex.request
            client.request(
                spec.method,
                spec.path,
                headers=spec.headers,
                params=spec.query or None,
                content=spec.body_bytes(),
                files=_files(spec),
            ).read()
        return time.perf_counter() - started


def _efficiency_round(url: str, fixtures: dict[str, str], examples: int) -> tuple[float, float, int]:
    run = fuzz_run(url, fixtures, examples)
    started = time.perf_counter()
    report = run_fuzz(run)
    fuzz_s = time.perf_counter() - started
    exchanges = [r.judged.exchange for r in report.results if r.judged is not None]
    run.client.close()
    plain_s = _plain_loop(url, exchanges)
    return len(exchanges) / fuzz_s, len(exchanges) / plain_s, len(report.failures)


def measure_client_efficiency(examples: int, rounds: int = 3) -> dict[str, Any]:
    """Fuzzing phase (draw, send, judge) requests/s over a plain httpx loop's, same requests, same
    mock process, side by side in `rounds` rounds; the median round is reported (noise on a
    shared 2-core machine only ever slows one side of one round)."""
    with running_mock(PROVIDER) as mock:
        measured = [_efficiency_round(mock.url, mock.fixtures, examples) for _ in range(rounds)]
    ratios = sorted(fuzz / plain for fuzz, plain, _ in measured)
    fuzz_rps, plain_rps, failures = sorted(measured, key=lambda m: m[0] / m[1])[rounds // 2]
    return {
        "requests": examples,
        "fuzz_rps": round(fuzz_rps, 1),
        "plain_rps": round(plain_rps, 1),
        "ratio": round(ratios[rounds // 2], 3),
        "rounds": [round(r, 3) for r in ratios],
        "failures": failures,
    }


def recorded_exchanges(examples: int) -> list[Exchange]:
    with running_mock(PROVIDER) as mock:
        run = fuzz_run(mock.url, mock.fixtures, examples)
        report = run_fuzz(run)
        run.client.close()
    return [r.judged.exchange for r in report.results if r.judged is not None]


def measure_check_cost(judgements: int) -> dict[str, Any]:
    """Microseconds per exchange for every registered check; validators compiled once, bodies
    parsed afresh each time (parsing is part of judging)."""
    exchanges = recorded_exchanges(300)
    oracle = Oracle(load_provider(PROVIDER))
    for ex in exchanges:  # compile every validator before timing
        run_checks(ex, oracle)
    rounds = max(1, judgements // len(exchanges))
    started = time.perf_counter()
    for _ in range(rounds):
        for ex in exchanges:
            ex._json = NO_JSON
            run_checks(ex, oracle)
    elapsed = time.perf_counter() - started
    count = rounds * len(exchanges)
    return {"exchanges": count, "us_per_exchange": round(elapsed / count * 1e6, 2)}


def _timed_run(*extra: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "errcontract", "run", "--report-dir", str(Path(tmp) / "r"), *extra],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started


def fuzz_seconds(examples: int) -> float:
    with running_mock(PROVIDER) as mock:
        run = fuzz_run(mock.url, mock.fixtures, examples)
        started = time.perf_counter()
        run_fuzz(run)
        elapsed = time.perf_counter() - started
        run.client.close()
    return elapsed


def measure_wall_times(quick: bool = False) -> dict[str, Any]:
    sizes = (100, 500, 1000) if quick else (100, 1000, 5000)
    growth = {n: round(fuzz_seconds(n), 2) for n in sizes}
    small, mid = growth[sizes[0]], growth[sizes[1]]
    return {
        "default_s": round(_timed_run(), 1),
        "examples_1000_s": round(_timed_run("--examples", "1000"), 1),
        "fuzz_growth": growth,
        "growth_ratio": round((mid / small) / (sizes[1] / sizes[0]) * 10, 2),
        "us_per_example": {n: round(s / n * 1e6) for n, s in growth.items()},
    }
