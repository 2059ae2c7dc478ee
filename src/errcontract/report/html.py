"""The provider page: DIR/<provider>/index.html and its badge, from one results object.

The page is self-contained (inline CSS, the badge inlined as SVG, no script, no font or image
fetched from anywhere) so that it opens from an artifact zip, a Pages site or a file:// URL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from errcontract.judge.model import RunResult
from errcontract.report.badge import badge_svg
from errcontract.report.coverage import coverage_of
from errcontract.report.files import write_atomic
from errcontract.report.history import HistoryRun
from errcontract.report.templating import render
from errcontract.report.view import history_context, provider_context

BADGE_LABEL = "conformance"
PAGE_NAME = "index.html"
BADGE_NAME = "badge.svg"


def provider_badge(results: RunResult) -> str:
    summary = results.summary
    return badge_svg(BADGE_LABEL, summary.conformance_pct, results.verdict, coverage_of(summary))


DEFAULT_LINKS = ("pytest.html", "junit.xml", "results.json", BADGE_NAME)  # what a run writes


def render_provider_page(
    results: RunResult, links: Sequence[str] = DEFAULT_LINKS, history: list[HistoryRun] | None = None
) -> str:
    """The page's HTML text (nothing written)."""
    context = provider_context(results, provider_badge(results))
    return render("provider.html.j2", **context, links=list(links), **history_context(history or []))


def write_provider_report(
    results: RunResult,
    out_dir: Path,
    secrets: Sequence[str] = (),
    links: Sequence[str] = DEFAULT_LINKS,
    history: list[HistoryRun] | None = None,
) -> Path:
    """Write out_dir/index.html and out_dir/badge.svg; return the page's path.

    `secrets` are scrubbed from both files even though results.json is already redacted: a key
    that reached a message through some path the runner did not foresee still stays out.
    `links` are the sibling files the page points to; `history` the runs it draws (oldest first).
    """
    out_dir = Path(out_dir)
    page = render_provider_page(results, links, history)
    badge = provider_badge(results)
    write_atomic(out_dir / BADGE_NAME, badge, secrets)
    return write_atomic(out_dir / PAGE_NAME, page, secrets)
