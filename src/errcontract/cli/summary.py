"""The end of a run: a one-screen summary printed, the exit code chosen (the reports are
`report.publish`'s business)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from errcontract.cli.live_line import count
from errcontract.core.redact import Redactor
from errcontract.core.verdicts import RunVerdict, Severity
from errcontract.judge.model import Finding, RunResult
from errcontract.report.coverage import coverage_of, not_observed_codes
from errcontract.report.findings import group_findings

EXIT_OK, EXIT_VIOLATIONS, EXIT_UNREACHABLE = 0, 1, 3


def exit_code(results: Sequence[RunResult]) -> int:
    verdicts = {r.verdict for r in results}
    if RunVerdict.UNREACHABLE in verdicts:
        return EXIT_UNREACHABLE
    return EXIT_VIOLATIONS if RunVerdict.VIOLATIONS in verdicts else EXIT_OK


def _line(result: RunResult, label: str) -> list[str]:
    s = result.summary
    preflight = result.preflight
    notes = [f"{label:<10} preflight: {note}" for note in (preflight.notes if preflight else ())]
    pct = "n/a" if s.conformance_pct is None else f"{s.conformance_pct:g}%"
    base = (preflight.base if preflight else "") or result.target
    lines = [
        f"{label:<10} {result.verdict.upper():<12} conformance {pct} · {coverage_of(s).line()}",
        f"{'':<10} requests {result.requests}, {count(s.violations, 'violation')}, "
        f"{count(s.warnings, 'warning')}, "
        f"{result.duration_s:.1f} s against {base}",
    ]
    lines[:0] = notes
    lines += _why_violations(result)
    lines += _unchecked(result)
    lines += _left_out(result)
    if result.verdict == RunVerdict.UNREACHABLE:
        reason = result.errors[0].message if result.errors else "no answer"
        lines.append(f"{'':<10} ✗ the target never answered: {reason}")
    if not result.requests:
        lines.append(f"{'':<10} ! no request was sent: see each code's reason in the report")
    lines += _findings(result.violations, "✗", Severity.VIOLATION)
    lines += _findings(result.warnings, "!", Severity.WARNING)
    return lines + _errors(result)


def _why_violations(result: RunResult) -> list[str]:
    """The reason a VIOLATIONS headline stands beside "0 violations" and no failed code."""
    s = result.summary
    if result.verdict != RunVerdict.VIOLATIONS or s.violations or s.failed:
        return []
    errors = s.errors + s.code_errors
    if errors:
        return [f"{'':<10} ✗ {count(errors, 'error')}: what could not be judged counts against the run"]
    if result.strict and s.warnings:
        return [f"{'':<10} ✗ --strict: warnings count as violations ({count(s.warnings, 'warning')})"]
    return []


def _unchecked(result: RunResult, shown: int = 3) -> list[str]:
    """The codes not checked and why, grouped by reason (the report lists each)."""
    by_reason: dict[str, list[str]] = {}
    for entry in not_observed_codes(result):
        by_reason.setdefault(entry.reason or "no reason recorded", []).append(entry.code)
    lines = [
        f"{'':<10} – not checked: {', '.join(codes)}: {reason}"
        for reason, codes in list(by_reason.items())[:shown]
    ]
    if len(by_reason) > shown:
        lines.append(f"{'':<10}   … {count(len(by_reason) - shown, 'more reason')} in the report")
    return lines


def _left_out(result: RunResult, shown: int = 3) -> list[str]:
    """What the run could not cover (a fixture not told, an endpoint or recipe left out), and why."""
    lines = [f"{'':<10} – left out: {gap.kind} {gap.name}: {gap.reason}" for gap in result.left_out[:shown]]
    if len(result.left_out) > shown:
        lines.append(f"{'':<10}   … {len(result.left_out) - shown} more left out, each in the report")
    return lines


def _findings(items: Sequence[Finding], mark: str, noun: str, shown: int = 6) -> list[str]:
    """The findings grouped by (check, code), each with its count, strength (stated / exemplified)
    and first message; then how many more groups the report has."""
    groups = group_findings(items, noun)
    lines = []
    for group in groups[:shown]:
        times = f" ×{group.count}" if group.count > 1 else ""
        label = f"{group.check}, {'/'.join(group.strengths)} {noun}"
        lines.append(f"{'':<10} {mark} {group.code or '(no code)'}{times} [{label}] {group.first.message}")
    if len(groups) > shown:
        rest = sum(g.count for g in groups[shown:])
        lines.append(
            f"{'':<10}   … {count(len(groups) - shown, 'more group')} ({count(rest, noun)}) in the report"
        )
    return lines


def _errors(result: RunResult) -> list[str]:
    lines = []
    if result.verdict != RunVerdict.UNREACHABLE:
        for error in result.errors[:3]:
            lines.append(f"{'':<10} ! could not judge: {error.message}")
    return lines


def print_summary(
    results: Sequence[RunResult], report_dir: Path, redact: Redactor, labels: Sequence[str] | None = None
) -> None:
    """The summary, one block per result, each headed by its label (default: the provider)."""
    print("\n" + "=" * 30 + " errcontract summary " + "=" * 30)
    for result, label in zip(results, labels or [r.provider for r in results], strict=True):
        for line in _line(result, label):
            print(redact(line))
    print(f"reports: {report_dir / 'index.html'} (per provider or target: {report_dir}/<folder>/)")
