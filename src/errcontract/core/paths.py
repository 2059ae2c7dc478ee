"""Path templates (`/tasks/{id}`): the one implementation of their parameters, regex and expansion.

A parameter is `{name}` with a name of letters and underscores, and stands for one path segment.
"""

from __future__ import annotations

import re
from urllib.parse import quote

PARAMETER = re.compile(r"\{([A-Za-z_]+)\}")
_ESCAPED_PARAMETER = re.compile(r"\\\{([A-Za-z_]+)\\\}")


def params(template: str) -> tuple[str, ...]:
    """The parameter names in order: `/models/{slug}/runs/{id}` -> ('slug', 'id')."""
    return tuple(PARAMETER.findall(template))


def template_regex(template: str, prefix: str = "") -> re.Pattern[str]:
    """A regex a concrete path fully matches, each parameter a named group of one segment."""
    pattern = _ESCAPED_PARAMETER.sub(r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(re.escape(prefix) + pattern)


def expand(template: str, values: dict[str, str], missing: str = "x") -> str:
    """The template with each parameter percent-encoded as one segment (`missing` when not given)."""
    return PARAMETER.sub(lambda m: quote(values.get(m.group(1), missing), safe=""), template)
