"""A run and recorded traffic of the same provider and target, merged into one result.

`errcontract report RUN TRAFFIC -o SITE` publishes them as one check: each code's verdict is the
run's where the run has one, the traffic's where the run did not observe the code (the codes a
request cannot provoke: server faults, quotas, the 429s real traffic meets), and a fail in either
is a fail (a code fails if it fails anywhere). Each code says where its verdict came from
(`from`: the run, or the traffic's file:entry); the findings of both are kept side by side.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from errcontract.core.verdicts import RunVerdict, Verdict
from errcontract.judge.model import RunResult

Json = dict[str, Any]


def same_target(run: RunResult, traffic: RunResult) -> bool:
    """One provider at one host, whose paths are one below the other (a run's root
    `https://api.openai.com` is the traffic's `https://api.openai.com/v1`)."""
    if run.provider != traffic.provider or run.embedded_mock:
        return False
    a, b = urlsplit(run.target.rstrip("/")), urlsplit(traffic.target.rstrip("/"))
    if (a.scheme, a.hostname, a.port) != (b.scheme, b.hostname, b.port):
        return False
    shorter, longer = sorted((a.path, b.path), key=len)
    return longer == shorter or longer.startswith(shorter + "/")


def _from_run(entry: Json) -> Json:
    return {**entry, "from": {"kind": "run"}}


def _from_traffic(entry: Json, offset: int) -> Json:
    return {**entry, "violations": [i + offset for i in entry.get("violations", [])]}


def _code(run: Json, traffic: Json | None, offset: int) -> Json:
    """One code's entry: a fail anywhere, else the run's verdict, else the traffic's."""
    seen = run.get("observed", 0) + (traffic or {}).get("observed", 0)
    statuses = sorted({*run.get("observed_statuses", []), *(traffic or {}).get("observed_statuses", [])})
    counts = {"observed": seen, "observed_statuses": statuses}
    if traffic is None or run["verdict"] == Verdict.FAIL:
        return {**_from_run(run), **counts}
    if traffic["verdict"] == Verdict.FAIL or (
        run["verdict"] == Verdict.NOT_OBSERVED and traffic["verdict"] != Verdict.NOT_OBSERVED
    ):
        return {**_from_traffic(traffic, offset), **counts}
    if run["verdict"] == Verdict.NOT_OBSERVED:
        return {
            **run,
            **counts,
            "reason": f"{run.get('reason') or 'not observed'}; not in the traffic either",
        }
    return {**_from_run(run), **counts}


def _summary(codes: list[Json], out: Json) -> Json:
    count = Counter(str(c["verdict"]) for c in codes)
    passed, failed = count[Verdict.PASS], count[Verdict.FAIL]
    names = {c["code"] for c in codes}
    rules = sorted({v["check"] for v in out["violations"] if v.get("code") not in names})
    judged = passed + failed + len(rules)
    return {
        "codes": len(codes),
        "passed": passed,
        "failed": failed,
        "not_observed": count[Verdict.NOT_OBSERVED],
        "code_errors": count[Verdict.ERROR],
        "checked": passed + failed,
        "coverage_pct": round(100 * (passed + failed) / len(codes), 1) if codes else None,
        "rules_broken": rules,
        "errors": len(out["errors"]),
        "violations": len(out["violations"]),
        "warnings": len(out["warnings"]),
        "conformance_pct": round(100 * passed / judged, 1) if judged else None,
    }


def _verdict(run: Json, traffic: Json, summary: Json) -> str:
    if summary["failed"] or summary["violations"] or summary["errors"] or summary["code_errors"]:
        return RunVerdict.VIOLATIONS
    if run.get("strict") and summary["warnings"]:
        return RunVerdict.VIOLATIONS
    if run["verdict"] == RunVerdict.UNREACHABLE and traffic["verdict"] == RunVerdict.UNREACHABLE:
        return RunVerdict.UNREACHABLE
    return RunVerdict.CONFORMANT


def combine(run_result: RunResult, traffic_result: RunResult) -> RunResult:
    """The run with the traffic's verdicts filled in where the run observed nothing."""
    run, traffic = run_result.to_json(), traffic_result.to_json()
    offset = len(run["violations"])
    by_code = {c["code"]: c for c in traffic["codes"]}
    codes = [_code(c, by_code.get(c["code"]), offset) for c in run["codes"]]
    undocumented: Counter[tuple[str, int]] = Counter()
    for item in [*run["undocumented"], *traffic["undocumented"]]:
        undocumented[(item["code"], item["status"])] += item["count"]
    out = {
        **run,
        "codes": codes,
        "violations": run["violations"] + traffic["violations"],
        "warnings": run["warnings"] + traffic["warnings"],
        "errors": run["errors"] + traffic["errors"],
        "undocumented": [{"code": c, "status": s, "count": n} for (c, s), n in sorted(undocumented.items())],
        "headers": dict(Counter(run["headers"]) + Counter(traffic["headers"])),
        "requests": run["requests"] + traffic["requests"],
    }
    if traffic.get("traffic") is not None:
        out["traffic"] = traffic["traffic"]
    out["summary"] = _summary(codes, out)
    out["verdict"] = _verdict(run, traffic, out["summary"])
    return RunResult.from_json(out)


def combine_all(results: list[RunResult]) -> list[RunResult]:
    """Each run with the traffic of its provider and target merged in; traffic that matches no
    run (and every run that has none) kept as it is."""
    runs = [r for r in results if r.traffic is None]
    traffic = [r for r in results if r.traffic is not None]
    merged: dict[int, RunResult] = {}
    used: set[int] = set()
    for i, run in enumerate(runs):
        for j, seen in enumerate(traffic):
            if j not in used and same_target(run, seen):
                merged[i] = combine(merged.get(i, run), seen)
                used.add(j)
    return [merged.get(i, run) for i, run in enumerate(runs)] + [
        t for j, t in enumerate(traffic) if j not in used
    ]
