"""DIR/index.html: every provider of a run side by side, each linking to its own files.

Each card says when its run started; a provider the latest run did not check (its folder is left
from an earlier run) is marked as such, so an old verdict never passes for a fresh one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from errcontract.judge.model import RunResult
from errcontract.report.badge import format_pct
from errcontract.report.files import write_atomic
from errcontract.report.html import provider_badge
from errcontract.report.templating import render
from errcontract.report.view import run_verdict_style

PROVIDER_FILES = ("index.html", "pytest.html", "junit.xml", "results.json", "badge.svg")


def started(results: RunResult) -> str:
    """ "2026-11-30T16:02:11Z" -> "2026-11-30 16:02:11 UTC"; "unknown" when the file does not say."""
    if not results.started_at:
        return "unknown"
    return results.started_at.replace("T", " ").replace("Z", " UTC")


def provider_card(results: RunResult, earlier: bool = False, folder: str | None = None) -> dict[str, Any]:
    """One provider's column (one target's, when a provider was checked at several): verdict, %,
    counts, when it ran, and links into its folder (default: the provider's name)."""
    provider = results.provider
    folder = folder or provider
    title = results.title or provider
    return {
        "folder": folder,
        "earlier": earlier,
        "started": started(results),
        "r": results,
        "provider": provider,
        "title": title if folder == provider else f"{title} · {folder}",
        "summary": results.summary,
        "pct": format_pct(results.summary.conformance_pct),
        "style": run_verdict_style(results.verdict),
        "badge": provider_badge(results),
        "links": [(name, f"{folder}/{name}") for name in PROVIDER_FILES],
    }


def write_site_index(
    results_list: list[RunResult],
    report_dir: Path,
    secrets: Sequence[str] = (),
    current: Collection[str] | None = None,
    folders: Sequence[str] | None = None,
) -> Path:
    """Write report_dir/index.html for the results given, in the order given, each in its folder
    (`folders`, default each provider's name); with `current` (the folders the latest run
    checked), every other card is marked as from an earlier run."""
    names = list(folders) if folders is not None else [r.provider for r in results_list]
    cards = [
        provider_card(r, earlier=current is not None and folder not in current, folder=folder)
        for r, folder in zip(results_list, names, strict=True)
    ]
    page = render("site.html.j2", cards=cards)
    return write_atomic(Path(report_dir) / "index.html", page, secrets)
