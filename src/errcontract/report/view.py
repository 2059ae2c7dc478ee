"""What the provider page shows, computed from a results object (the template only lays it out).

Kept apart from the template so the grouping rules (a code documented under two statuses sits in
both groups; its section and anchor appear once) are plain Python that tests can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from errcontract.core.verdicts import RunVerdict, Severity, Verdict
from errcontract.report.badge import format_pct
from errcontract.report.coverage import coverage_of, not_observed_codes
from errcontract.report.findings import FindingGroup, group_findings, groups_by_code
from errcontract.report.history import VerdictChange, verdict_changes
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


def status_groups(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The matrix's row groups: each documented status with its codes' entries, in status order."""
    entries = {entry["code"]: entry for entry in results.get("codes", [])}
    groups = results.get("statuses") or _groups_from_codes(results.get("codes", []))
    rows_by_status = []
    for group in sorted(groups, key=lambda g: g.get("status", 0)):
        rows = [_matrix_row(entries[c], group["status"]) for c in group.get("codes", []) if c in entries]
        if rows:  # success statuses (200, 201) document no error code: no group for them
            rows_by_status.append({**group, "rows": rows})
    return rows_by_status


def _groups_from_codes(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Status groups rebuilt from each code's documented statuses (for files without `statuses`)."""
    by_status: dict[int, list[str]] = {}
    for entry in codes:
        for status in entry.get("status") or [0]:
            by_status.setdefault(status, []).append(entry["code"])
    return [{"status": s, "description": "", "codes": names} for s, names in by_status.items()]


def _matrix_row(entry: dict[str, Any], status: int) -> dict[str, Any]:
    others = [s for s in entry.get("status", []) if s != status]
    return {
        **entry,
        "style": verdict_style(entry.get("verdict")),
        "also_under": others,
        "answered": answered_instead(entry),
    }


def answered_instead(entry: dict[str, Any]) -> str | None:
    """What the target answered to a code it never sent ("HTTP 402 PAYMENT_REQUIRED"), from the
    code's first exchange; None when the code was seen or nothing was recorded."""
    if entry.get("observed") or entry.get("verdict") not in (Verdict.FAIL, Verdict.ERROR):
        return None
    for exchange in entry.get("evidence") or []:
        if exchange.get("answered"):
            return str(exchange["answered"])
        first_line = str(exchange.get("response") or "").split("\n", 1)[0]
        if first_line.startswith("HTTP "):  # files older than "answered": the status at least
            return first_line
    return None


def code_sections(results: dict[str, Any], groups: list[FindingGroup]) -> list[dict[str, Any]]:
    """One section per documented code, with the groups of findings it carries."""
    by_code = groups_by_code(groups)
    sections = []
    for entry in results.get("codes", []):
        evidence = [
            {k: excerpt(e.get(k)) for k in ("request", "response", "reproduce", "profiles")}
            for e in entry.get("evidence", [])
        ]
        sections.append(
            {
                **entry,
                "style": verdict_style(entry.get("verdict")),
                "finding_groups": by_code.get(entry["code"], []),
                "answered": answered_instead(entry),
                "evidence_items": evidence,
            }
        )
    return sections


def summary_segments(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The stacked bar under the verdict: one segment per outcome, widths in % of all codes."""
    errors = summary.get("code_errors", summary.get("errors", 0))  # old files: no code_errors
    counts = [
        (Verdict.PASS, summary.get("passed", 0)),
        (Verdict.FAIL, summary.get("failed", 0)),
        (Verdict.NOT_OBSERVED, summary.get("not_observed", 0)),
        (Verdict.ERROR, errors),
    ]
    total = sum(n for _, n in counts) or 1
    return [
        {"style": verdict_style(v), "count": n, "width": round(100 * n / total, 2)} for v, n in counts if n
    ]


EXAMPLE_FIELDS = frozenset({"name", "status", "code", "ambiguity", "source", "placeholder", "body"})


def example_profiles(examples: list[dict[str, Any]]) -> list[str]:
    """The envelope profiles the examples were judged against ("stated", "exemplified", ...)."""
    profiles: list[str] = []
    for example in examples:
        for key, value in example.items():
            if key not in EXAMPLE_FIELDS and isinstance(value, bool) and key not in profiles:
                profiles.append(key)
    return profiles


def endpoint_matrix(results: dict[str, Any]) -> dict[str, Any]:
    """Columns: the endpoints any code was tried on; rows: codes with a cell per endpoint."""
    codes = [c for c in results.get("codes", []) if c.get("endpoints")]
    endpoints: list[str] = []
    for code in codes:
        endpoints += [e for e in code["endpoints"] if e not in endpoints]
    rows = [{"code": c["code"], "cells": [_cell(c["endpoints"].get(e)) for e in endpoints]} for c in codes]
    return {"endpoints": endpoints, "rows": rows, "refunds": results.get("refunds") or []}


def _cell(found: dict[str, Any] | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"style": verdict_style(found.get("verdict")), "reason": found.get("reason") or ""}


def provider_context(results: dict[str, Any], badge: str) -> dict[str, Any]:
    """Everything the provider template needs."""
    summary = results.get("summary", {})
    documentation = results.get("documentation") or {}
    violation_groups = group_findings(results.get("violations"), Severity.VIOLATION)
    warning_groups = group_findings(results.get("warnings"), Severity.WARNING)
    return {
        "r": results,
        "summary": summary,
        "pct": format_pct(summary.get("conformance_pct")),
        "coverage": coverage_of(summary),
        "unchecked": not_observed_codes(results),
        "run_style": run_verdict_style(results.get("verdict")),
        "groups": status_groups(results),
        "sections": code_sections(results, violation_groups + warning_groups),
        "violation_groups": violation_groups,
        "warning_groups": warning_groups,
        "segments": summary_segments(summary),
        "styles": VERDICT_STYLES,
        "examples": documentation.get("examples", []),
        "profiles": example_profiles(documentation.get("examples", [])),
        "ambiguities": documentation.get("ambiguities", []),
        "badge": badge,
        "endpoint_matrix": endpoint_matrix(results),
    }


CHANGES_SHOWN = 40


def history_context(runs: list[dict[str, Any]]) -> dict[str, Any]:
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
