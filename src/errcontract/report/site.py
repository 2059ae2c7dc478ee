"""DIR/index.html: every provider of a run side by side, each linking to its own files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from errcontract.report.badge import format_pct
from errcontract.report.files import write_atomic
from errcontract.report.html import provider_badge
from errcontract.report.templating import render
from errcontract.report.view import run_verdict_style

PROVIDER_FILES = ("index.html", "pytest.html", "junit.xml", "results.json", "badge.svg")


def provider_card(results: dict[str, Any]) -> dict[str, Any]:
    """One provider's column: verdict, %, counts and relative links into its folder."""
    provider = str(results.get("provider"))
    return {
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
    results_list: list[dict[str, Any]], report_dir: Path, secrets: Sequence[str] = ()
) -> Path:
    """Write report_dir/index.html for the providers given, in the order given."""
    cards = [provider_card(results) for results in results_list]
    page = render("site.html.j2", cards=cards)
    return write_atomic(Path(report_dir) / "index.html", page, secrets)
