"""pytest-html 4 glue the errcontract pytest plugin calls from pytest-html's own hooks.

- `extras_for_exchanges` turns recorded exchanges (dicts shaped like results.json `evidence`
  entries: request, response, reproduce) into `pytest_html.extras` entries for `report.extras`;
- `results_table_header` / `results_table_row` add a sortable "Code" column, filled from
  `report.errcontract_code` (set by the plugin; may be missing on reports of other tests);
- `results_table_html` shows a skip's or an expected failure's reason as the sentence it is
  (pytest-html would print a skip's `(path, line, reason)` tuple and an xfail's whole traceback).

pytest-html 4.x cells are HTML strings; a sortable header needs `data-column-type=<name>` and the
row cell the matching `col-<name>` class (basereport._hydrate_data reads them by that pattern).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from pytest_html import extras  # type: ignore[import-untyped]

from errcontract.judge.model import Evidence

CODE_COLUMN = "code"
CODE_HEADER = f'<th class="sortable" data-column-type="{CODE_COLUMN}">Code</th>'
CODE_COLUMN_INDEX = 2  # after Result and Test, before Duration and Links
BLOCK_STYLE = (
    "white-space:pre-wrap;margin:4px 0 10px;padding:6px;border:1px solid #ccc;max-height:20em;overflow:auto"
)


def _block(title: str, text: str) -> str:
    pre = f'<pre style="{BLOCK_STYLE}">{html.escape(text)}</pre>'
    return f"<div><strong>{html.escape(title)}</strong>{pre}</div>"


def exchange_html(exchange: Evidence, number: int) -> str:
    """One exchange as an HTML fragment: request, response and reproducer, all escaped."""
    parts = [f'<div class="errcontract-exchange"><h4>Exchange {number}</h4>']
    for text, title in (
        (exchange.request, "Request"),
        (exchange.response, "Response"),
        (exchange.reproduce, "Reproduce"),
    ):
        if text:
            parts.append(_block(title, text))
    parts.append("</div>")
    return "".join(parts)


def extras_for_exchanges(exchanges: Sequence[Evidence]) -> list[dict[str, Any]]:
    """pytest-html extras for the exchanges: an inline HTML block each, and the curl as a link.

    Exchanges are already redacted by the runner; they are escaped here, never trusted as HTML.
    """
    entries: list[dict[str, Any]] = []
    for number, exchange in enumerate(exchanges, start=1):
        entries.append(extras.html(exchange_html(exchange, number)))
        if exchange.reproduce:
            entries.append(extras.text(exchange.reproduce, name=f"curl {number}"))
    return entries


def results_table_header(cells: list[str]) -> None:
    """For `pytest_html_results_table_header`: insert the Code column header."""
    cells.insert(CODE_COLUMN_INDEX, CODE_HEADER)


def results_table_row(report: Any, cells: list[str]) -> None:
    """For `pytest_html_results_table_row`: the report's documented code, or empty."""
    code = getattr(report, "errcontract_code", None) or ""
    cells.insert(CODE_COLUMN_INDEX, f'<td class="col-{CODE_COLUMN}">{html.escape(str(code))}</td>')


def results_table_html(report: Any, data: list[str]) -> None:
    """For `pytest_html_results_table_html`: a skip or an xfail reads as its reason, nothing else."""
    reason = plain_reason(report)
    if reason is not None:
        data[:] = [f"<div>{html.escape(reason)}</div>"]


def plain_reason(report: Any) -> str | None:
    """The reason of a skip or an expected failure, as a sentence; None for other outcomes."""
    if getattr(report, "wasxfail", None) is not None and report.outcome == "skipped":
        return f"Expected failure: {str(report.wasxfail).removeprefix('reason: ')}"
    longrepr = getattr(report, "longrepr", None)
    if report.outcome == "skipped" and isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2]).removeprefix("Skipped: ")
        return reason[:1].upper() + reason[1:]
    return None
