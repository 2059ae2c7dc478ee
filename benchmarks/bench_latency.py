"""Figure 9, a target across the internet: `errcontract run --concurrency 4` against the independent
VicSee and Vydra servers (tests/independent) made to wait 0, 50, 100 and 300 ms before each
answer, side by side in one run, each beside

- its floor: requests × latency ÷ concurrency + the same run's wall time at 0 ms (what a run that
  kept `--concurrency` requests in flight all along would take);
- the requests in flight, measured where they land: the server notes, as each request arrives, how
  many are in flight (itself included); the figure is their mean over the run's requests (the
  latency-bound part: the child's start, collection and report writing send nothing), and the
  same over time (Little's law: requests × latency ÷ the time between the first arrival and the
  last answer);
- the Schemathesis CLI on the same server at the same latency, `--workers 4` (the same
  concurrency), negative mode, its examples per operation chosen at 0 ms so that it sends about as
  many requests as errcontract does (both counted by the server);
- the verdict of every documented code, which must be the same at every latency.

Run alone: python benchmarks/bench_latency.py [--latencies 0,100] [--providers vydra]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from tests.independent import start  # noqa: E402  (the repository root is on the path now)

LATENCIES_MS = (0, 50, 100, 300)
PROVIDERS = ("vicsee", "vydra")
CONCURRENCY = 4
SPEND = "1000000"  # a local server: billable recipes may be sent


def traffic_figures(path: Path) -> dict[str, Any]:
    """Requests counted by the server, and the requests in flight: the mean of the count each
    request found on arrival (itself included), and the mean over the busy time (Little's law)."""
    if not path.is_file():
        return {"requests": 0, "in_flight_mean": 0.0, "in_flight_busy": 0.0, "span_s": 0.0}
    doc = json.loads(path.read_text(encoding="utf-8"))
    entries = doc["requests"]
    if not entries:
        return {"requests": 0, "in_flight_mean": 0.0, "in_flight_busy": 0.0, "span_s": 0.0}
    span = max(e[1] for e in entries) - min(e[0] for e in entries)
    busy = sum(e[1] - e[0] for e in entries)
    return {
        "requests": len(entries),
        "in_flight_mean": round(sum(e[2] for e in entries) / len(entries), 2),
        "in_flight_busy": round(busy / span, 2) if span > 0 else 0.0,
        "span_s": round(span, 2),
    }


def fixture_args(provider: str, fixtures: dict[str, str]) -> list[str]:
    declared = yaml.safe_load((ROOT / "contracts" / provider / "contract.yaml").read_text())["fixtures"]
    return [arg for name in declared if name in fixtures for arg in ("--fixture", f"{name}={fixtures[name]}")]


def errcontract_at(provider: str, latency_ms: int, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """One `errcontract run` against the provider's independent server at that latency."""
    with tempfile.TemporaryDirectory() as tmp:
        traffic = Path(tmp) / "traffic.json"
        server_args = ("--latency-ms", str(latency_ms), "--traffic", str(traffic))
        with start(provider, args=server_args) as (url, fixtures):
            command = [
                *(sys.executable, "-m", "errcontract", "run", "--provider", provider, "--target", url),
                *fixture_args(provider, fixtures),
                *("--allow-spend", SPEND, "--concurrency", str(CONCURRENCY)),
                *("--report-dir", str(Path(tmp) / "reports"), *extra),
            ]
            started = time.perf_counter()
            proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
            wall = time.perf_counter() - started
        results_file = Path(tmp) / "reports" / provider / "results.json"
        results = json.loads(results_file.read_text(encoding="utf-8")) if results_file.is_file() else {}
        figures = traffic_figures(traffic)
    verdicts = {c["code"]: c["verdict"] for c in results.get("codes", [])}
    return {"wall_s": round(wall, 2), "exit": proc.returncode, "verdicts": verdicts, **figures}


def schemathesis_command(
    provider: str, url: str, fixtures: dict[str, str], per_operation: int, workers: int
) -> list[str]:
    """The Schemathesis CLI as a user runs it: negative mode, the key given, no report written."""
    contract = yaml.safe_load((ROOT / "contracts" / provider / "contract.yaml").read_text())
    spec = ROOT / "contracts" / provider / "openapi.yaml"
    auth = contract["auth"]
    return [
        *(sys.executable, "-m", "schemathesis.cli", "run", str(spec)),
        *("--url", url + contract.get("base_path", ""), "--mode", "negative"),
        *("--max-examples", str(per_operation), "--phases", "examples,coverage,fuzzing"),
        *("--continue-on-failure", "--seed", "1", "--generation-database", "none"),
        *("--no-shrink", "--workers", str(workers)),
        *("-H", f"{auth['header']}: {auth.get('scheme', 'Bearer')} {fixtures['api_key']}"),
    ]


def schemathesis_at(provider: str, latency_ms: int, per_operation: int) -> dict[str, Any]:
    """The Schemathesis CLI (negative mode, --workers 4) against the same server at that latency."""
    with tempfile.TemporaryDirectory() as tmp:
        traffic = Path(tmp) / "traffic.json"
        server_args = ("--latency-ms", str(latency_ms), "--traffic", str(traffic))
        with start(provider, args=server_args) as (url, fixtures):
            command = schemathesis_command(provider, url, fixtures, per_operation, CONCURRENCY)
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, cwd=tmp, check=False)
            wall = time.perf_counter() - started
        figures = traffic_figures(traffic)
    return {"wall_s": round(wall, 2), "per_operation": per_operation, **figures}


def matching_examples(provider: str, requests: int) -> int:
    """Schemathesis' examples per operation that send about `requests` requests (at 0 ms)."""
    low, high, best = 1, 200, (1, 10**9)
    while low <= high:
        middle = (low + high) // 2
        sent = schemathesis_at(provider, 0, middle)["requests"]
        if abs(sent - requests) < best[1]:
            best = (middle, abs(sent - requests))
        if sent < requests:
            low = middle + 1
        else:
            high = middle - 1
    return best[0]


def measure_latency(
    latencies: tuple[int, ...] = LATENCIES_MS, providers: tuple[str, ...] = PROVIDERS
) -> dict[str, Any]:
    """Every provider at every latency, errcontract and Schemathesis interleaved (one sitting)."""
    figures: dict[str, Any] = {}
    for provider in providers:
        rows: dict[str, Any] = {}
        base = errcontract_at(provider, 0)
        per_operation = matching_examples(provider, base["requests"])
        for latency in latencies:
            ours = base if latency == 0 else errcontract_at(provider, latency)
            floor = base["wall_s"] + ours["requests"] * latency / 1000 / CONCURRENCY
            rows[str(latency)] = {
                "errcontract": ours,
                "floor_s": round(floor, 2),
                "schemathesis": schemathesis_at(provider, latency, per_operation),
                "same_verdicts": ours["verdicts"] == base["verdicts"],
            }
        figures[provider] = rows
    return figures


def latency_rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    for provider, by_latency in figures.items():
        for latency, row in by_latency.items():
            ours, theirs = row["errcontract"], row["schemathesis"]
            rows.append(
                (
                    f"9 {provider} at {latency} ms: wall / floor / Schemathesis (requests), in flight",
                    f"{ours['wall_s']:.1f} s / {row['floor_s']:.1f} s / {theirs['wall_s']:.1f} s "
                    f"({ours['requests']} / {theirs['requests']}); {ours['in_flight_mean']:.2f} "
                    f"(time-weighted {ours['in_flight_busy']:.2f}); verdicts "
                    f"{'same' if row['same_verdicts'] else 'DIFFER'}",
                    "≥ 3.2 in flight at 100 ms" if latency == "100" else "",
                )
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latencies", default=",".join(map(str, LATENCIES_MS)))
    parser.add_argument("--providers", default=",".join(PROVIDERS))
    args = parser.parse_args()
    latencies = tuple(int(x) for x in args.latencies.split(","))
    figures = measure_latency(latencies, tuple(args.providers.split(",")))
    print(json.dumps(figures, indent=1))
    for name, value, target in latency_rows(figures):
        print(f"{name}  {value}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
