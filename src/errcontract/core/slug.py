"""A target's readable folder name: the one rule for `errcontract run` with several targets and
for `errcontract report ... -o SITE` merging one provider's runs at several targets."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SLUG_UNSAFE = re.compile(r"[^a-z0-9.]+")


def slug(url: str) -> str:
    """A readable folder name for a target: host, port and path, lowercased, `-` between parts."""
    parts = urlsplit(url)
    text = "-".join(p for p in (parts.hostname or "", str(parts.port or ""), parts.path) if p)
    return SLUG_UNSAFE.sub("-", text.lower()).strip("-.") or "target"
