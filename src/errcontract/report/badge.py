"""A shields-style SVG badge, "conformance | 94% · 14/18 checked", for READMEs and status pages.

The percentage never stands alone: how many documented codes were checked sits beside it, and
only a run that checked every code gets the full green.

Drawn by hand (no network service, no font files): widths are estimated from a per-character
average of Verdana 11px, which is what shields.io itself assumes, so the text fits in practice.
"""

from __future__ import annotations

import hashlib
import math
from xml.sax.saxutils import escape

from errcontract.core.verdicts import RunVerdict
from errcontract.report.coverage import Coverage

# (lowest percentage, colour), best first: shields.io's own colour scale.
COLOUR_SCALE = (
    (100.0, "#4c1"),
    (90.0, "#97ca00"),
    (75.0, "#a4a61d"),
    (50.0, "#dfb317"),
    (25.0, "#fe7d37"),
    (0.0, "#e05d44"),
)
NO_VALUE_COLOUR = "#9f9f9f"
CHAR_WIDTH = 7.0
PADDING = 12


def format_pct(pct: float | None) -> str:
    """94.0 -> "94%", 92.34 -> "92.3%"; rounded down so 99.96 never reads as 100%."""
    if pct is None:
        return "n/a"
    shown = math.floor(pct * 10) / 10
    return f"{shown:g}%"


# The best colour a run with violations can get: below both greens a clean run gets (full green
# when it checked every code, green when it left some unchecked), so the two never look alike.
BEST_WITH_VIOLATIONS = 2


def badge_colour(pct: float | None, verdict: str, complete: bool = True) -> str:
    """Colour by value; a run that left codes unchecked never gets the full green, and a run
    with violations no green at all, whatever its %."""
    if pct is None or verdict == RunVerdict.UNREACHABLE:
        return NO_VALUE_COLOUR
    rank = next((i for i, (floor, _) in enumerate(COLOUR_SCALE) if pct >= floor), len(COLOUR_SCALE) - 1)
    if verdict == RunVerdict.VIOLATIONS:
        rank = max(rank, BEST_WITH_VIOLATIONS)
    elif not complete:
        rank = max(rank, 1)
    return COLOUR_SCALE[rank][1]


def badge_value(pct: float | None, coverage: Coverage | None) -> str:
    """ "94% · 14/18 checked"; the bare percentage only when the coverage is unknown."""
    value = format_pct(pct)
    if coverage is None or not coverage.codes:
        return value
    return f"{value} · {coverage.fraction} checked"


def _text_width(text: str) -> int:
    return round(len(text) * CHAR_WIDTH) + PADDING


def badge_svg(label: str, pct: float | None, verdict: str, coverage: Coverage | None = None) -> str:
    """The badge as a standalone SVG document (valid XML, no external reference)."""
    value = badge_value(pct, coverage)
    left, right = _text_width(label), _text_width(value)
    width = left + right
    colour = badge_colour(pct, verdict, coverage.complete if coverage else True)
    label_x, value_x = left / 2, left + right / 2
    title = escape(f"{label}: {value} ({verdict})")
    # ids unique per drawing: several badges inlined in one page must not share a clip path.
    uid = hashlib.sha1(f"{label}|{value}|{colour}|{width}".encode()).hexdigest()[:8]
    label_text, value_text = escape(label), escape(value)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" \
aria-label="{title}">
  <title>{title}</title>
  <linearGradient id="s-{uid}" x2="0" y2="100%">
    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
    <stop offset="1" stop-opacity=".1"/>
  </linearGradient>
  <clipPath id="r-{uid}"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>
  <g clip-path="url(#r-{uid})">
    <rect width="{left}" height="20" fill="#555"/>
    <rect x="{left}" width="{right}" height="20" fill="{colour}"/>
    <rect width="{width}" height="20" fill="url(#s-{uid})"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" \
font-size="11">
    <text x="{label_x}" y="15" fill="#010101" fill-opacity=".3">{label_text}</text>
    <text x="{label_x}" y="14">{label_text}</text>
    <text x="{value_x}" y="15" fill="#010101" fill-opacity=".3">{value_text}</text>
    <text x="{value_x}" y="14">{value_text}</text>
  </g>
</svg>
"""
