"""The diff written for people (text, a pull-request comment in markdown) and for tools (json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from errcontract.judge.model import RunResult
from errcontract.report.badge import format_pct
from errcontract.report.coverage import coverage_of
from errcontract.report.diff import IMPROVEMENT, INFO, REGRESSION, Change, regressed

SECTIONS = ((REGRESSION, "Regressions"), (IMPROVEMENT, "Improvements"), (INFO, "Other changes"))
MARKERS = {REGRESSION: "✗", IMPROVEMENT: "✓", INFO: "·"}


def _pct(results: RunResult) -> str:
    return format_pct(results.summary.conformance_pct)


def _checked(results: RunResult) -> str:
    return coverage_of(results.summary).fraction


def _headline(base: RunResult, new: RunResult, changes: list[Change]) -> str:
    count = sum(1 for c in changes if c.severity == REGRESSION)
    better = sum(1 for c in changes if c.severity == IMPROVEMENT)
    title = new.title or new.provider
    verdict = f"{count} regression{'' if count == 1 else 's'}" if count else "no regression"
    return (
        f"errcontract diff {title}: {verdict}, {better} improvement{'' if better == 1 else 's'}"
        f" (conformance {_pct(base)} → {_pct(new)}, codes checked {_checked(base)} → {_checked(new)})"
    )


def render_text(base: RunResult, new: RunResult, changes: list[Change]) -> str:
    lines = [_headline(base, new, changes)]
    for severity, heading in SECTIONS:
        items = [c for c in changes if c.severity == severity]
        if items:
            lines.append(f"{heading}:")
            lines += [f"  {MARKERS[severity]} {c.kind} {c.subject}: {c.before} → {c.after}" for c in items]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    """Markdown table cells: pipes escaped, newlines flattened."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(base: RunResult, new: RunResult, changes: list[Change]) -> str:
    mark = "❌" if regressed(changes) else "✅"
    lines = [f"### {mark} {_headline(base, new, changes)}", ""]
    lines += [
        "| | base | new |",
        "|---|---|---|",
        f"| verdict | {base.verdict} | {new.verdict} |",
        f"| conformance | {_pct(base)} | {_pct(new)} |",
        f"| codes checked | {_checked(base)} | {_checked(new)} |",
        "",
    ]
    for severity, heading in SECTIONS:
        items = [c for c in changes if c.severity == severity]
        if not items:
            continue
        lines += [
            f"#### {heading} ({len(items)})",
            "",
            "| | change | subject | before | after |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {MARKERS[severity]} | {c.kind} | `{_md_cell(c.subject)}` | {_md_cell(c.before)} "
            f"| {_md_cell(c.after)} |"
            for c in items
        ]
        lines.append("")
    if not changes:
        lines += ["No change.", ""]
    return "\n".join(lines)


def _run_figures(results: RunResult) -> dict[str, Any]:
    summary = results.summary
    coverage = coverage_of(summary)
    return {
        "verdict": results.verdict,
        "conformance_pct": summary.conformance_pct,
        "checked": coverage.checked,
        "codes": coverage.codes,
        "coverage_pct": coverage.pct,
    }


def render_json(base: RunResult, new: RunResult, changes: list[Change]) -> str:
    document = {
        "provider": new.provider,
        "regressed": regressed(changes),
        "base": _run_figures(base),
        "new": _run_figures(new),
        "changes": [c.as_dict() for c in changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[RunResult, RunResult, list[Change]], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
