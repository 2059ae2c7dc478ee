"""The history drawn as inline SVG (no script, no font fetched): the way to see when a provider changed.

- `trend_svg`: conformance and coverage per run, as two lines over the same 0–100% axis;
- `timeline_svg`: one row per code, one cell per run, coloured and marked by verdict, a dot where
  a code's verdict changed from the run before.
Every point and cell carries a <title> with the run's date and figures (a tooltip, and text for
screen readers); outcomes differ by symbol and line style as well as by colour.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from errcontract.core.verdicts import RunVerdict, Verdict
from errcontract.report.history import HistoryRun

WIDTH = 960
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
MONO = 'font-family="ui-monospace, Menlo, Consolas, monospace" font-size="12"'
VERDICT_FILL: dict[str, str] = {
    Verdict.PASS: "#2da44e",
    Verdict.FAIL: "#cf222e",
    Verdict.ERROR: "#bf8700",
    Verdict.NOT_OBSERVED: "#ffffff",
    "missing": "#eaeef2",
}
VERDICT_MARK: dict[str, str] = {
    Verdict.PASS: "✓",
    Verdict.FAIL: "✗",
    Verdict.ERROR: "!",
    Verdict.NOT_OBSERVED: "–",
    "missing": "",
}
MAX_COLUMNS = 60


def _day(run: HistoryRun) -> str:
    return str(run.started_at or "?")[:10]


def _when(run: HistoryRun) -> str:
    return str(run.started_at or "?").replace("T", " ").removesuffix("Z")


def _pct(value: Any) -> str:
    return "n/a" if not isinstance(value, int | float) else f"{value:g}%"


def _svg(height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" class="history-chart">'
        + "".join(body)
        + "</svg>"
    )


def _x_label(runs: list[HistoryRun], i: int) -> str:
    """The run's date; with its time (`2026-12-06 14:05`) when another run shares that day, to
    the second when another shares that minute."""
    for width in (10, 16):  # the day, the minute
        mine = _when(runs[i])[:width]
        if sum(1 for run in runs if _when(run)[:width] == mine) < 2:
            return mine
    return _when(runs[i])


def _x_labels(xs: list[float], runs: list[HistoryRun], y: float, gap: float = 90) -> list[str]:
    """Dates under the runs (with times where runs share a day), first and last always, others
    where they do not crowd (`gap` px, more when times are shown)."""
    if len({_day(run) for run in runs}) < len(runs):
        gap += 40
    last = len(runs) - 1
    shown = [0]
    for i in range(1, len(runs)):
        if xs[i] - xs[shown[-1]] >= gap:
            shown.append(i)
    if shown[-1] != last:  # the latest run always has its date; a crowded neighbour gives way
        shown = [*shown[:-1], last] if xs[last] - xs[shown[-1]] < gap else [*shown, last]

    def anchor(i: int) -> str:  # the ends stay inside the drawing
        return "start" if i == 0 and last else "end" if i == last and i else "middle"

    return [
        f'<text x="{xs[i]:.1f}" y="{y}" text-anchor="{anchor(i)}" {FONT} fill="#59636e">'
        f"{escape(_x_label(runs, i))}</text>"
        for i in shown
    ]


def trend_svg(runs: list[HistoryRun]) -> str:
    """Conformance (solid line, round points) and coverage (dashed line, square points) per run."""
    left, right, top, bottom, height = 48, 20, 28, 36, 240
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    step = plot_w / (len(runs) - 1) if len(runs) > 1 else 0
    xs = [left + (i * step if len(runs) > 1 else plot_w / 2) for i in range(len(runs))]

    def y(pct: float) -> float:
        return top + plot_h * (1 - pct / 100)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body += [
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#d1d9e0" stroke-width="1"/>',
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" {FONT} fill="#59636e">'
            f"{tick}%</text>",
        ]
    body += _line(runs, xs, y, "conformance_pct", 'stroke="#1f2328"', _conformance_point)
    body += _line(runs, xs, y, "coverage_pct", 'stroke="#0969da" stroke-dasharray="6 4"', _coverage_point)
    body += _x_labels(xs, runs, height - 12, gap=110)
    body += [
        f'<text x="{left}" y="16" {FONT} fill="#1f2328">● conformance</text>',
        f'<text x="{left + 120}" y="16" {FONT} fill="#0969da">■ - - codes checked (coverage)</text>',
    ]
    return _svg(height, f"conformance and coverage over {len(runs)} runs", body)


def _line(runs: list[HistoryRun], xs: list[float], y: Any, key: str, style: str, point: Any) -> list[str]:
    """A polyline per stretch of runs that have the value (a run without it breaks the line)."""
    out, stretch = [], []
    for x, run in zip(xs, runs, strict=True):
        value = getattr(run, key)
        if isinstance(value, int | float):
            stretch.append(f"{x:.1f},{y(value):.1f}")
            out.append(point(x, y(value), run))
        elif stretch:
            out.insert(0, f'<polyline points="{" ".join(stretch)}" fill="none" {style} stroke-width="2"/>')
            stretch = []
    if stretch:
        out.insert(0, f'<polyline points="{" ".join(stretch)}" fill="none" {style} stroke-width="2"/>')
    return out


def _tooltip(run: HistoryRun) -> str:
    return escape(
        f"{_when(run)}: {run.verdict}, conformance {_pct(run.conformance_pct)}, "
        f"{run.checked}/{run.codes} codes checked, {run.passed} pass, "
        f"{run.failed} fail, {run.not_observed} not observed"
    )


def _conformance_point(x: float, y: float, run: HistoryRun) -> str:
    fill = VERDICT_FILL[Verdict.FAIL] if run.verdict != RunVerdict.CONFORMANT else VERDICT_FILL[Verdict.PASS]
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{fill}" stroke="#1f2328" class="point">'
        f"<title>{_tooltip(run)}</title></circle>"
    )


def _coverage_point(x: float, y: float, run: HistoryRun) -> str:
    return (
        f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="#fff" stroke="#0969da" '
        f'stroke-width="2"><title>{_tooltip(run)}</title></rect>'
    )


def timeline_codes(runs: list[HistoryRun]) -> list[str]:
    """Codes in the latest run's order, then codes only earlier runs had."""
    codes: list[str] = []
    for run in reversed(runs):
        codes += [c for c in run.verdicts if c not in codes]
    return codes


def timeline_svg(runs: list[HistoryRun]) -> str:
    """One row per code, one cell per run (the last MAX_COLUMNS), a dot where the verdict changed."""
    runs = runs[-MAX_COLUMNS:]
    codes = timeline_codes(runs)
    label_w, top, row_h, bottom = 230, 8, 20, 30
    cell_w = min(28.0, (WIDTH - label_w - 10) / max(1, len(runs)))
    height = top + row_h * len(codes) + bottom
    body = []
    for row, code in enumerate(codes):
        y = top + row * row_h
        body.append(
            f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" {MONO} '
            f'fill="#1f2328">{escape(code)}</text>'
        )
        previous = None
        for column, run in enumerate(runs):
            verdict = run.verdicts.get(code, "missing")
            body.append(_cell(label_w + column * cell_w, y, cell_w, row_h, code, run, verdict, previous))
            previous = verdict
    xs = [label_w + (i + 0.5) * cell_w for i in range(len(runs))]
    body += _x_labels(xs, runs, height - 10, gap=150)
    return _svg(height, f"each documented code's verdict over {len(runs)} runs", body)


def _cell(
    x: float, y: float, w: float, h: int, code: str, run: HistoryRun, verdict: str, previous: str | None
) -> str:
    fill = VERDICT_FILL.get(verdict, "#eaeef2")
    dashed = ' stroke-dasharray="3 2"' if verdict == Verdict.NOT_OBSERVED else ""
    changed = previous is not None and previous != verdict
    title = f"{code} at {_when(run)}: {verdict}" + (f" (was {previous})" if changed else "")
    marker = ' data-changed="1"' if changed else ""
    parts = [
        f'<g class="cell" data-code="{escape(code)}" data-verdict="{escape(verdict)}"{marker}>'
        f"<title>{escape(title)}</title>",
        f'<rect x="{x + 1:.1f}" y="{y + 2}" width="{max(w - 2, 1):.1f}" height="{h - 4}" rx="2" '
        f'fill="{fill}" stroke="#8c959f"{dashed}/>',
    ]
    if w >= 14 and VERDICT_MARK.get(verdict):
        ink = "#1f2328" if verdict in (Verdict.NOT_OBSERVED, "missing") else "#fff"
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{y + 14}" text-anchor="middle" {FONT} fill="{ink}">'
            f"{VERDICT_MARK[verdict]}</text>"
        )
    if changed:
        parts.append(f'<circle cx="{x + 3:.1f}" cy="{y + 4}" r="3" fill="#1f2328" class="change"/>')
    return "".join(parts) + "</g>"
