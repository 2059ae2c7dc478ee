"""Markdown pieces the generated pages share: escaped text, inline code, table rows, YAML blocks.

Every value written comes from a data file (a contract, the schema) or the parser; it is escaped so
that nothing in it (`<ISO timestamp>`, `x-ratelimit-*`, a `|`) is read as HTML or Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import yaml

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def text(value: object) -> str:
    """Plain text: HTML and Markdown characters escaped, on one line (fits a table cell)."""
    flat = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def code(value: object) -> str:
    """Inline code that survives any content (backticks, pipes, angle brackets)."""
    shown = html.escape(str(value), quote=False).replace("|", "&#124;")
    return f"<code>{shown}</code>"


def table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A Markdown table; cells are already Markdown (escaped by the caller)."""
    heads = list(headers)
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def yaml_block(value: Any) -> str:
    """A YAML code block of any data (the fallback for shapes a page does not know)."""
    dumped = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100).rstrip()
    return f"```yaml\n{dumped}\n```\n"


def anchor(value: str) -> str:
    """The id given to a heading made by `heading_id` (stable, unique per page for unique names)."""
    return re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-") or "item"
