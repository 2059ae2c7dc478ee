"""DIR/index.html: every provider of a run side by side, each linking to its own files.

Each card says when its run started; a provider the latest run did not check (its folder is left
from an earlier run) is marked as such, so an old verdict never passes for a fresh one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from errcontract.report.badge import format_pct
from errcontract.report.files import write_atomic
from errcontract.report.html import provider_badge
from errcontract.report.templating import render
from errcontract.report.view import run_verdict_style

PROVIDER_FILES = ("index.html", "pytest.html", "junit.xml", "results.json", "badge.svg")


def started(results: dict[str, Any]) -> str:
    """ "2026-11-30T16:02:11Z" -> "2026-11-30 16:02:11 UTC"; "unknown" when the file does not say."""
    value = results.get("started_at")
    if not isinstance(value, str) or not value:
        return "unknown"
    return value.replace("T", " ").replace("Z", " UTC")


def provider_card(results: dict[str, Any], earlier: bool = False) -> dict[str, Any]:
    """One provider's column: verdict, %, counts, when it ran, and links into its folder."""
    provider = str(results.get("provider"))
    return {
        "earlier": earlier,
        "started": started(results),
        "r": results,
        "provider": provider,
        "title": results.get("title") or provider,
        "summary": results.get("summary", {}),
        "pct": format_pct(results.get("summary", {}).get("conformance_pct")),
        "style": run_verdict_style(results.get("verdict")),
        "badge": provider_badge(results),
        "links": [(name, f"{provider}/{name}") for name in PROVIDER_FILES],
    }


def write_site_index(
    results_list: list[dict[str, Any]],
    report_dir: Path,
    secrets: Sequence[str] = (),
    current: Collection[str] | None = None,
) -> Path:
    """Write report_dir/index.html for the providers given, in the order given; with `current`
    (the providers the latest run checked), every other card is marked as from an earlier run."""
    cards = [
        provider_card(r, earlier=current is not None and str(r.get("provider")) not in current)
        for r in results_list
    ]
    page = render("site.html.j2", cards=cards)
    return write_atomic(Path(report_dir) / "index.html", page, secrets)
