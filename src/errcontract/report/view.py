"""What the provider page shows, computed from a results object (the template only lays it out).

Kept apart from the template so the grouping rules (a code documented under two statuses sits in
both groups; its section and anchor appear once) are plain Python that tests can read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from errcontract.core.verdicts import RunVerdict, Severity, Verdict
from errcontract.judge.model import CodeEntry, EndpointVerdict, Evidence, RefundEntry, RunResult, Summary
from errcontract.report.badge import format_pct
from errcontract.report.coverage import coverage_of, not_observed_codes
from errcontract.report.findings import FindingGroup, group_findings, groups_by_code
from errcontract.report.history import HistoryRun, VerdictChange, verdict_changes
from errcontract.report.history_svg import timeline_svg, trend_svg

EXCERPT_LIMIT = 4000


@dataclass(frozen=True)
class VerdictStyle:
    """How one outcome is drawn: a symbol and a word, so grey print and colour-blind eyes read it."""

    css: str
    symbol: str
    label: str


VERDICT_STYLES: dict[str, VerdictStyle] = {
    Verdict.PASS: VerdictStyle(Verdict.PASS, "✓", "pass"),
    Verdict.FAIL: VerdictStyle(Verdict.FAIL, "✗", "fail"),
    Verdict.NOT_OBSERVED: VerdictStyle(Verdict.NOT_OBSERVED, "–", "not observed"),
    Verdict.ERROR: VerdictStyle(Verdict.ERROR, "!", "error"),
}
RUN_VERDICT_STYLES: dict[str, VerdictStyle] = {
    RunVerdict.CONFORMANT: VerdictStyle(Verdict.PASS, "✓", "conformant"),
    RunVerdict.VIOLATIONS: VerdictStyle(Verdict.FAIL, "✗", "violations"),
    RunVerdict.UNREACHABLE: VerdictStyle(Verdict.ERROR, "!", "unreachable"),
}
UNKNOWN_STYLE = VerdictStyle(Verdict.ERROR, "?", "unknown")


def verdict_style(verdict: str | None) -> VerdictStyle:
    return VERDICT_STYLES.get(verdict or "", UNKNOWN_STYLE)


def run_verdict_style(verdict: str | None) -> VerdictStyle:
    return RUN_VERDICT_STYLES.get(verdict or "", UNKNOWN_STYLE)


def excerpt(text: Any) -> str:
    """An evidence excerpt, capped so one huge body cannot swamp the page."""
    value = "" if text is None else str(text)
    if len(value) <= EXCERPT_LIMIT:
        return value
    return value[:EXCERPT_LIMIT] + f"\n… ({len(value) - EXCERPT_LIMIT} more characters not shown)"


@dataclass(frozen=True)
class MatrixRow:
    """One code under one of its documented statuses in the status × code matrix."""

    entry: CodeEntry
    style: VerdictStyle
    also_under: list[int]  # the code's other documented statuses
    answered: str | None  # what the target answered instead (see CodeEntry.answered_instead)


@dataclass(frozen=True)
class StatusGroup:
    status: int
    description: str
    rows: list[MatrixRow]


def status_groups(results: RunResult) -> list[StatusGroup]:
    """The matrix's row groups: each documented status with its codes' entries, in status order."""
    entries = results.codes_by_name
    groups = []
    for group in sorted(results.statuses, key=lambda g: g.status):
        rows = [_matrix_row(entries[c], group.status) for c in group.codes if c in entries]
        if rows:  # success statuses (200, 201) document no error code: no group for them
            groups.append(StatusGroup(group.status, group.description, rows))
    return groups


def _matrix_row(entry: CodeEntry, status: int) -> MatrixRow:
    others = [s for s in entry.status if s != status]
    return MatrixRow(entry, verdict_style(entry.verdict), others, entry.answered_instead)


@dataclass(frozen=True)
class CodeSection:
    """One documented code's section: its entry, the groups of findings it carries, its exchanges."""

    entry: CodeEntry
    style: VerdictStyle
    finding_groups: list[FindingGroup]
    answered: str | None
    evidence_items: list[Evidence]  # excerpts, capped (see `excerpt`)


def code_sections(results: RunResult, groups: list[FindingGroup]) -> list[CodeSection]:
    """One section per documented code, with the groups of findings it carries."""
    by_code = groups_by_code(groups)
    return [
        CodeSection(
            entry,
            verdict_style(entry.verdict),
            by_code.get(entry.code, []),
            entry.answered_instead,
            [_excerpted(e) for e in entry.evidence],
        )
        for entry in results.codes
    ]


def _excerpted(evidence: Evidence) -> Evidence:
    return replace(
        evidence,
        request=excerpt(evidence.request),
        response=excerpt(evidence.response),
        reproduce=excerpt(evidence.reproduce),
        profiles=excerpt(evidence.profiles),
    )


@dataclass(frozen=True)
class Segment:
    style: VerdictStyle
    count: int
    width: float


def summary_segments(summary: Summary) -> list[Segment]:
    """The stacked bar under the verdict: one segment per outcome, widths in % of all codes."""
    counts = [
        (Verdict.PASS, summary.passed),
        (Verdict.FAIL, summary.failed),
        (Verdict.NOT_OBSERVED, summary.not_observed),
        (Verdict.ERROR, summary.code_errors),
    ]
    total = sum(n for _, n in counts) or 1
    return [Segment(verdict_style(v), n, round(100 * n / total, 2)) for v, n in counts if n]


@dataclass(frozen=True)
class EndpointCell:
    style: VerdictStyle
    reason: str


@dataclass(frozen=True)
class EndpointRow:
    code: str
    cells: list[EndpointCell | None]


@dataclass(frozen=True)
class EndpointMatrix:
    endpoints: list[str]
    rows: list[EndpointRow]
    refunds: tuple[RefundEntry, ...]


def endpoint_matrix(results: RunResult) -> EndpointMatrix:
    """Columns: the endpoints any code was tried on; rows: codes with a cell per endpoint."""
    codes = [c for c in results.codes if c.endpoints]
    endpoints: list[str] = []
    for code in codes:
        endpoints += [e for e in code.endpoints if e not in endpoints]
    rows = [EndpointRow(c.code, [_cell(c.endpoints.get(e)) for e in endpoints]) for c in codes]
    return EndpointMatrix(endpoints, rows, results.refunds)


def _cell(found: EndpointVerdict | None) -> EndpointCell | None:
    if found is None:
        return None
    return EndpointCell(verdict_style(found.verdict), found.reason or "")


def provider_context(results: RunResult, badge: str) -> dict[str, Any]:
    """Everything the provider template needs."""
    summary = results.summary
    documentation = results.documentation
    violation_groups = group_findings(results.violations, Severity.VIOLATION)
    warning_groups = group_findings(results.warnings, Severity.WARNING)
    return {
        "r": results,
        "summary": summary,
        "pct": format_pct(summary.conformance_pct),
        "coverage": coverage_of(summary),
        "unchecked": not_observed_codes(results),
        "run_style": run_verdict_style(results.verdict),
        "groups": status_groups(results),
        "sections": code_sections(results, violation_groups + warning_groups),
        "violation_groups": violation_groups,
        "warning_groups": warning_groups,
        "segments": summary_segments(summary),
        "styles": VERDICT_STYLES,
        "examples": documentation.examples,
        "profiles": documentation.profiles,
        "ambiguities": documentation.ambiguities,
        "badge": badge,
        "endpoint_matrix": endpoint_matrix(results),
    }


CHANGES_SHOWN = 40


def history_context(runs: list[HistoryRun]) -> dict[str, Any]:
    """The history section: drawn only when there is an earlier run to compare with."""
    if len(runs) < 2:
        return {"history": None}
    changes = grouped_changes(verdict_changes(runs))
    return {
        "history": {
            "runs": runs,
            "trend": trend_svg(runs),
            "timeline": timeline_svg(runs),
            "changes": changes[:CHANGES_SHOWN],
            "more_changes": max(0, len(changes) - CHANGES_SHOWN),
        }
    }


def grouped_changes(changes: list[VerdictChange]) -> list[dict[str, Any]]:
    """Changes of one run in one direction on one line (newest run first): `pass → fail: A, B`."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for change in changes:
        groups.setdefault((change.started_at, change.before, change.after), []).append(change.code)
    return [
        {"started_at": when, "before": before, "after": after, "codes": codes}
        for (when, before, after), codes in sorted(groups.items(), key=lambda kv: kv[0][0], reverse=True)
    ]
