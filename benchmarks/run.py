"""errcontract's benchmarks: every figure a ratio or a count measured side by side in one run.

Run: python benchmarks/run.py [--quick]   (writes reports/bench.json and prints a table)

1. client efficiency   fuzzing-phase requests/s against the embedded mock (a separate process),
                       divided by a plain httpx keep-alive loop sending the same requests there
2. cost per check      microseconds to judge one recorded exchange with every check
3. coverage            documented codes observed per 100 requests, errcontract vs the Schemathesis
                       CLI (negative mode, auth given) on the same openapi.yaml, mock and budget
4. wall time           `errcontract run` default and --examples 1000; fuzzing growth 100→1000→5000
5. mock throughput     the mock beside a minimal Starlette app on the same uvicorn settings
6. fixed cost          `errcontract run --examples 1` against an independent stdlib VicSee server
                       (not our mock), median of 5, with its --profile breakdown by phase
7. marginal rate       requests/s between --examples 1000 and 3000 on that server, divided by a
                       plain keep-alive http.client loop's requests/s there
8. whole run           `errcontract run --examples 1000` requests/s divided by the Schemathesis
                       CLI's (negative mode, same openapi.yaml, same examples, same server)
9. latency             `errcontract run --concurrency 4` against the independent VicSee and Vydra
                       servers answering after 0, 50, 100 and 300 ms: wall time beside its floor
                       and beside the Schemathesis CLI (--workers 4, about as many requests), the
                       requests in flight as the server counts them, the verdicts at each latency
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_coverage import measure_coverage
from bench_latency import latency_rows, measure_latency
from bench_mock import measure_mock_throughput
from bench_run import measure_against_schemathesis, measure_fixed_cost, measure_marginal_rate
from bench_speed import measure_check_cost, measure_client_efficiency, measure_wall_times

ROOT = Path(__file__).resolve().parents[1]


def table(results: dict[str, Any]) -> str:
    eff, cost, cov, wall, mock = (results[k] for k in ("client", "checks", "coverage", "wall", "mock"))
    rows = [
        (
            "1 client efficiency (fuzz rps / plain httpx rps), median of 3",
            f"{eff['ratio']:.2f}  ({eff['fuzz_rps']:.0f} / {eff['plain_rps']:.0f} req/s; "
            f"rounds {', '.join(f'{r:.2f}' for r in eff['rounds'])})",
            "≥ 0.5",
        ),
        (
            "2 cost per response checked",
            f"{cost['us_per_exchange']:.1f} µs ({cost['exchanges']} exchanges)",
            "< 100 µs",
        ),
    ]
    for provider, figures in cov.items():
        rows.append(
            (
                f"3 coverage {provider}: codes per 100 requests (errcontract / schemathesis)",
                f"{figures['errcontract']['per_100']:.1f} / {figures['schemathesis']['per_100']:.1f}",
                f"budget {figures['budget']}",
            )
        )
        rows.append(
            (
                f"  requests to see every provokable code ({figures['provokable']})",
                f"{_needed(figures['errcontract'])} / {_needed(figures['schemathesis'])}",
                "",
            )
        )
    rows.append(
        (
            "4 wall time: errcontract run (default / --examples 1000)",
            f"{wall['default_s']:.1f} s / {wall['examples_1000_s']:.1f} s",
            "< 60 s",
        )
    )
    growth = " → ".join(f"{n}: {s:.2f} s" for n, s in wall["fuzz_growth"].items())
    rows.append(
        ("  fuzzing growth (one provider, examples: seconds)", growth, f"×{wall['growth_ratio']:.1f} per ×10")
    )
    rows.append(
        (
            "5 mock throughput (mock / minimal starlette)",
            f"{mock['ratio']:.2f}  ({mock['mock_rps']:.0f} / {mock['baseline_rps']:.0f} req/s)",
            "",
        )
    )
    rows += run_rows(results["fixed"], results["marginal"], results["versus"])
    rows += latency_rows(results["latency"])
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value:<34} {target}" for name, value, target in rows)


def run_rows(
    fixed: dict[str, Any], marginal: dict[str, Any], versus: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """Figures 6-8: a whole run against the independent server."""
    rows = [
        (
            "6 fixed cost: errcontract run --examples 1, one provider, --target (median of rounds)",
            f"{fixed['wall_s']:.2f} s ({fixed['requests']} requests; rounds "
            f"{', '.join(f'{r:.2f}' for r in fixed['rounds'])})",
            "≤ 2.5 s",
        )
    ]
    rows += [(f"    {phase}", f"{seconds:.2f} s", "") for phase, seconds in fixed["phases"].items()]
    low, high = marginal["budgets"]
    rows.append(
        (
            f"7 marginal rate ({low}→{high} examples) ÷ plain keep-alive httpx loop",
            f"{marginal['ratio_httpx']:.2f}  ({marginal['marginal_rps']:.0f} / "
            f"{marginal['plain_httpx_rps']:.0f} req/s)",
            "≥ 0.5",
        )
    )
    rows.append(
        (
            "  … ÷ plain keep-alive http.client loop",
            f"{marginal['ratio']:.2f}  ({marginal['marginal_rps']:.0f} / {marginal['plain_rps']:.0f} req/s)",
            "",
        )
    )
    rows.append(
        (
            f"8 whole run ÷ Schemathesis CLI (negative), {versus['examples']} examples, req/s",
            f"{versus['ratio']:.2f}×  ({versus['errcontract_rps']:.0f} / "
            f"{versus['schemathesis_rps']:.0f} req/s; rounds {_listed(versus['rounds'])})",
            "≥ 2×",
        )
    )
    return rows


def _listed(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _needed(figures: dict[str, Any]) -> str:
    return str(figures["requests_to_all"]) if figures["requests_to_all"] else "never"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts (a smoke run)")
    parser.add_argument("--out", default=str(ROOT / "reports" / "bench.json"))
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    started = time.monotonic()
    results = {
        "client": measure_client_efficiency(int(1000 * scale) or 50),
        "checks": measure_check_cost(int(20000 * scale) or 500),
        "coverage": measure_coverage(budget=int(300 * scale) or 60),
        "wall": measure_wall_times(quick=args.quick),
        "mock": measure_mock_throughput(int(2000 * scale) or 100),
        "fixed": measure_fixed_cost(rounds=3 if args.quick else 5),
        "marginal": measure_marginal_rate(
            *((200, 600) if args.quick else (1000, 3000)), rounds=1 if args.quick else 3
        ),
        "versus": measure_against_schemathesis(200 if args.quick else 1000, rounds=1 if args.quick else 3),
        "latency": measure_latency((0, 100) if args.quick else (0, 50, 100, 300)),
    }
    results["total_s"] = round(time.monotonic() - started, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nbenchmarks took {results['total_s']} s; figures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
