"""A run and recorded traffic of the same provider and target, merged into one result.

`errcontract report RUN TRAFFIC -o SITE` publishes them as one check: each code's verdict is the
run's where the run has one, the traffic's where the run did not observe the code (the codes a
request cannot provoke: server faults, quotas, the 429s real traffic meets), and a fail in either
is a fail (a code fails if it fails anywhere). Each code says where its verdict came from
(`from`: the run, or the traffic's file:entry); the findings of both are kept side by side.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from urllib.parse import urlsplit

from errcontract.core.verdicts import Verdict
from errcontract.judge.model import CodeEntry, Finding, RunResult, Summary, Undocumented
from errcontract.judge.verdict import combined_code, combined_run_verdict


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


def _summary(
    codes: tuple[CodeEntry, ...], violations: tuple[Finding, ...], errors: int, warnings: int
) -> Summary:
    count = Counter(c.verdict for c in codes)
    passed, failed = count[Verdict.PASS], count[Verdict.FAIL]
    names = {c.code for c in codes}
    rules = tuple(sorted({v.check for v in violations if v.code not in names}))
    judged = passed + failed + len(rules)
    return Summary(
        codes=len(codes),
        passed=passed,
        failed=failed,
        not_observed=count[Verdict.NOT_OBSERVED],
        code_errors=count[Verdict.ERROR],
        checked=passed + failed,
        coverage_pct=round(100 * (passed + failed) / len(codes), 1) if codes else None,
        rules_broken=rules,
        errors=errors,
        violations=len(violations),
        warnings=warnings,
        conformance_pct=round(100 * passed / judged, 1) if judged else None,
    )


def combine(run: RunResult, traffic: RunResult) -> RunResult:
    """The run with the traffic's verdicts filled in where the run observed nothing (each code's
    verdict: `judge.verdict.combined_code`)."""
    offset = len(run.violations)
    by_code = traffic.codes_by_name
    codes = tuple(combined_code(c, by_code.get(c.code), offset) for c in run.codes)
    undocumented: Counter[tuple[str, int | None]] = Counter()
    for item in (*run.undocumented, *traffic.undocumented):
        undocumented[(item.code, item.status)] += item.count
    violations = run.violations + traffic.violations
    errors, warnings = run.errors + traffic.errors, run.warnings + traffic.warnings
    summary = _summary(codes, violations, len(errors), len(warnings))
    return replace(
        run,
        codes=codes,
        violations=violations,
        warnings=warnings,
        errors=errors,
        undocumented=tuple(
            Undocumented(c, s, n)
            for (c, s), n in sorted(undocumented.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
        ),
        headers=dict(Counter(run.headers) + Counter(traffic.headers)),
        requests=run.requests + traffic.requests,
        traffic=traffic.traffic if traffic.traffic is not None else run.traffic,
        summary=summary,
        verdict=combined_run_verdict(summary, run.strict, run.verdict, traffic.verdict),
    )


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
