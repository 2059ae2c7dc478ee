"""The provider page: DIR/<provider>/index.html and its badge, from one results object.

The page is self-contained (inline CSS, the badge inlined as SVG, no script, no font or image
fetched from anywhere) so that it opens from an artifact zip, a Pages site or a file:// URL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from errcontract.report.badge import badge_svg
from errcontract.report.coverage import coverage_of
from errcontract.report.files import write_atomic
from errcontract.report.templating import render
from errcontract.report.view import provider_context

BADGE_LABEL = "conformance"
PAGE_NAME = "index.html"
BADGE_NAME = "badge.svg"


def provider_badge(results: dict[str, Any]) -> str:
    summary = results.get("summary", {})
    return badge_svg(BADGE_LABEL, summary.get("conformance_pct"), str(results.get("verdict")),
                     coverage_of(summary))


def render_provider_page(results: dict[str, Any]) -> str:
    """The page's HTML text (nothing written)."""
    return render("provider.html.j2", **provider_context(results, provider_badge(results)))


def write_provider_report(
    results: dict[str, Any], out_dir: Path, secrets: Sequence[str] = ()
) -> Path:
    """Write out_dir/index.html and out_dir/badge.svg; return the page's path.

    `secrets` are scrubbed from both files even though results.json is already redacted: a key
    that reached a message through some path the runner did not foresee still stays out.
    """
    out_dir = Path(out_dir)
    page = render_provider_page(results)
    badge = provider_badge(results)
    write_atomic(out_dir / BADGE_NAME, badge, secrets)
    return write_atomic(out_dir / PAGE_NAME, page, secrets)
