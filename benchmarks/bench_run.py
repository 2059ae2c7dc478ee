"""Whole-run figures against a small server that is not errcontract's mock: the independent,
stdlib-only VicSee server of tests/independent (a ThreadingHTTPServer, keep-alive).

- fixed cost: `errcontract run --examples 1` wall time (median of rounds), with its `--profile`
  breakdown by phase
- marginal rate: requests/s between two budgets (--examples 1000 and 3000), over a plain
  keep-alive loop's requests/s on the same server: an httpx one (the client errcontract must use)
  and an http.client one (the stdlib's, without httpx's own cost), both measured
- whole-run rate: `errcontract run --examples N` requests/s over the Schemathesis CLI's (negative
  mode, the same openapi.yaml, the same number of examples), side by side, rounds interleaved
"""

from __future__ import annotations

import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_coverage import run_schemathesis_cli

from errcontract.contract.model import load_provider

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.independent import start  # noqa: E402  (the repository root is on the path now)

PROVIDER = "vicsee"
SPEND = "1000000"  # a local server: billable recipes may be sent
PROFILE_LINE = re.compile(r"^profile  (\S+)  (.+?)\s+(\d+\.\d+) s$")


def errcontract_run(url: str, fixtures: dict[str, str], examples: int) -> dict[str, Any]:
    """One `errcontract run --profile` against the server: wall seconds, requests, phases."""
    args = [arg for name, value in fixtures.items() for arg in ("--fixture", f"{name}={value}")]
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            *(sys.executable, "-m", "errcontract", "run", "--provider", PROVIDER, "--target", url),
            *(*args, "--allow-spend", SPEND, "--examples", str(examples)),
            *("--max-requests", str(examples * 4 + 1000), "--report-dir", tmp, "--profile"),
        ]
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        wall = time.perf_counter() - started
        results = Path(tmp) / PROVIDER / "results.json"
        requests = json.loads(results.read_text(encoding="utf-8"))["requests"] if results.is_file() else 0
    phases: dict[str, float] = {}
    for line in proc.stdout.splitlines():
        found = PROFILE_LINE.match(line)
        if found and found.group(1) != "total":
            phases[found.group(2)] = phases.get(found.group(2), 0.0) + float(found.group(3))
    return {"wall_s": wall, "requests": requests, "exit": proc.returncode, "phases": phases}


def plain_loop_rps(url: str, api_key: str, count: int) -> float:
    """A plain keep-alive http.client loop: one error-provoking POST after another."""
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps({"model": "no-such-model", "prompt": "x"}).encode()
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    started = time.perf_counter()
    for _ in range(count):
        conn.request("POST", "/api/v1/generate", body=body, headers=headers)
        conn.getresponse().read()
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


def plain_httpx_rps(url: str, api_key: str, count: int) -> float:
    """The same loop with httpx, the client errcontract sends with: one `Client.post` after another."""
    body = json.dumps({"model": "no-such-model", "prompt": "x"}).encode()
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    with httpx.Client(base_url=url, timeout=10) as client:
        started = time.perf_counter()
        for _ in range(count):
            client.post("/api/v1/generate", content=body, headers=headers)
        return count / (time.perf_counter() - started)


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]


def measure_fixed_cost(rounds: int = 5) -> dict[str, Any]:
    """`--examples 1`: the run's fixed cost, the median round with its phase breakdown."""
    with start(PROVIDER) as (url, fixtures):
        runs = [errcontract_run(url, fixtures, 1) for _ in range(rounds)]
    median = _median_run(runs)
    return {
        "wall_s": round(median["wall_s"], 2),
        "rounds": [round(r["wall_s"], 2) for r in runs],
        "requests": median["requests"],
        "phases": {name: round(s, 2) for name, s in median["phases"].items()},
    }


def measure_marginal_rate(low: int = 1000, high: int = 3000, rounds: int = 3) -> dict[str, Any]:
    """(requests(high) - requests(low)) / (wall(high) - wall(low)), over a plain loop's rate;
    rounds interleaved on one server, medians taken."""
    with start(PROVIDER) as (url, fixtures):
        lows, highs, plains, httpx_plains = [], [], [], []
        for _ in range(rounds):
            lows.append(errcontract_run(url, fixtures, low))
            highs.append(errcontract_run(url, fixtures, high))
            plains.append(plain_loop_rps(url, fixtures["api_key"], 3000))
            httpx_plains.append(plain_httpx_rps(url, fixtures["api_key"], 3000))
    small, large = _median_run(lows), _median_run(highs)
    marginal = (large["requests"] - small["requests"]) / max(1e-9, large["wall_s"] - small["wall_s"])
    plain, plain_httpx = statistics.median(plains), statistics.median(httpx_plains)
    return {
        "budgets": [low, high],
        "requests": [small["requests"], large["requests"]],
        "wall_s": [round(small["wall_s"], 2), round(large["wall_s"], 2)],
        "marginal_rps": round(marginal, 1),
        "plain_httpx_rps": round(plain_httpx, 1),
        "ratio_httpx": round(marginal / plain_httpx, 3),
        "plain_rps": round(plain, 1),
        "ratio": round(marginal / plain, 3),
    }


def measure_against_schemathesis(examples: int = 1000, rounds: int = 3) -> dict[str, Any]:
    """Whole-run requests/s, errcontract over the Schemathesis CLI, same server and examples."""
    ours, theirs = [], []
    with start(PROVIDER) as (url, fixtures):
        for _ in range(rounds):
            run = errcontract_run(url, fixtures, examples)
            ours.append(run["requests"] / run["wall_s"])
            bodies, seconds = run_schemathesis_cli(PROVIDER, url, fixtures["api_key"], examples)
            theirs.append(len(bodies) / seconds)
    mine, other = statistics.median(ours), statistics.median(theirs)
    return {
        "examples": examples,
        "errcontract_rps": round(mine, 1),
        "schemathesis_rps": round(other, 1),
        "ratio": round(mine / other, 2),
        "rounds": [round(a / b, 2) for a, b in zip(ours, theirs, strict=True)],
    }


def _counted_run(args: tuple[str, ...], run: Any) -> tuple[float, int]:
    """(wall seconds, requests the server counted) of `run(url, fixtures, tmp)` on a fresh server."""
    from bench_latency import traffic_figures

    with tempfile.TemporaryDirectory() as tmp:
        traffic = Path(tmp) / "traffic.json"
        with start(PROVIDER, args=(*args, "--traffic", str(traffic))) as (url, fixtures):
            started = time.perf_counter()
            run(url, fixtures, tmp)
            wall = time.perf_counter() - started
        return wall, traffic_figures(traffic)["requests"]


def _schemathesis_plain(per_operation: int, workers: int) -> Any:
    """The Schemathesis CLI as a user runs it: no cassette written, counted by the server."""
    from bench_latency import schemathesis_command

    def run(url: str, fixtures: dict[str, str], tmp: str) -> None:
        command = schemathesis_command(PROVIDER, url, fixtures, per_operation, workers)
        subprocess.run(command, capture_output=True, cwd=tmp, check=False)

    return run


def measure_versus_counted(examples: int = 1000) -> dict[str, Any]:
    """Figure 8 again, every request counted by the server and no cassette written: errcontract's
    whole run beside the Schemathesis CLI at the same examples (as figure 8), and at about the
    same number of requests (its examples per operation fitted to errcontract's count), with one
    worker (its default) and with four (errcontract's default concurrency)."""

    def ours(url: str, fixtures: dict[str, str], tmp: str) -> None:
        args = [arg for name, value in fixtures.items() for arg in ("--fixture", f"{name}={value}")]
        command = [
            *(sys.executable, "-m", "errcontract", "run", "--provider", PROVIDER, "--target", url),
            *(*args, "--allow-spend", SPEND, "--examples", str(examples)),
            *("--max-requests", str(examples * 4 + 1000), "--report-dir", str(Path(tmp) / "reports")),
        ]
        subprocess.run(command, capture_output=True, cwd=ROOT, check=False)

    wall, requests = _counted_run((), ours)
    same_examples = max(1, examples // len(load_provider(PROVIDER).endpoints))  # as figure 8
    low = _counted_run((), _schemathesis_plain(10, 1))
    high = _counted_run((), _schemathesis_plain(60, 1))
    per_example = (high[1] - low[1]) / 50
    fitted = max(1, round(10 + (requests - low[1]) / max(per_example, 1e-9)))
    figures: dict[str, Any] = {"errcontract": {"wall_s": round(wall, 2), "requests": requests}}
    for name, per_operation, workers in (
        ("same_examples", same_examples, 1),
        ("same_requests", fitted, 1),
        ("same_requests_4_workers", fitted, 4),
    ):
        their_wall, theirs = _counted_run((), _schemathesis_plain(per_operation, workers))
        figures[name] = {
            "per_operation": per_operation,
            "workers": workers,
            "wall_s": round(their_wall, 2),
            "requests": theirs,
            "ratio": round((requests / wall) / (theirs / their_wall), 2),
        }
    return figures
