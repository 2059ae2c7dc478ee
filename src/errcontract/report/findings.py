"""Findings grouped for reading: one group per (promise broken, code), not one row per response.

A drifted target breaks the same promise on hundreds of responses (every 400 without its
rate-limit headers); the reader needs the promise, the code, how often, how firmly the docs say
it (stated / exemplified) and one example to reproduce, with the rest at hand but folded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from errcontract.core.verdicts import Strength
from errcontract.judge.model import Finding

STRENGTH_ORDER: dict[str, int] = {Strength.STATED: 0, Strength.EXEMPLIFIED: 1}
FOLDED_LIMIT = 50  # examples listed under "more" per group; the rest stay in results.json
ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class FindingGroup:
    """Every finding of one check on one code (code None: a rule no documented code carries)."""

    kind: str  # violation | warning
    check: str
    code: str | None
    items: list[tuple[int, Finding]] = field(default_factory=list)  # (index in results, item)

    @property
    def anchor(self) -> str:
        return ANCHOR_UNSAFE.sub("-", f"{self.kind}-{self.check}-{self.code or 'no-code'}")

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def first(self) -> Finding:
        return self.items[0][1]

    @property
    def first_index(self) -> int:
        return self.items[0][0]

    @property
    def strengths(self) -> list[str]:
        found = {str(item.strength) for _, item in self.items}
        return sorted(found, key=lambda s: (STRENGTH_ORDER.get(s, 9), s))

    @property
    def statuses(self) -> list[int]:
        seen = {item.status for _, item in self.items if item.status is not None}
        return sorted(seen, key=str)

    @property
    def folded(self) -> list[tuple[int, Finding]]:
        return self.items[1 : 1 + FOLDED_LIMIT]

    @property
    def not_listed(self) -> int:
        return max(0, self.count - 1 - FOLDED_LIMIT)

    @property
    def sources(self) -> list[str]:
        """Where the findings came from (recipe:…, generated, schemathesis …), most frequent first."""
        counts: dict[str, int] = {}
        for _, item in self.items:
            source = (item.source or "–").split(":")[0]
            counts[source] = counts.get(source, 0) + 1
        return [
            f"{name} ×{n}" if n > 1 else name
            for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]


def group_findings(items: Sequence[Finding], kind: str) -> list[FindingGroup]:
    """Findings grouped by (check, code): stated before exemplified, then most frequent first."""
    groups: dict[tuple[str, str | None], FindingGroup] = {}
    for index, item in enumerate(items):
        key = (item.check, item.code or None)
        groups.setdefault(key, FindingGroup(kind, *key)).items.append((index, item))
    return sorted(
        groups.values(),
        key=lambda g: (STRENGTH_ORDER.get(g.strengths[0], 9), -g.count, g.check, g.code or ""),
    )


def groups_by_code(groups: list[FindingGroup]) -> dict[str, list[FindingGroup]]:
    """The groups each documented code carries, for the code's own section."""
    found: dict[str, list[FindingGroup]] = {}
    for group in groups:
        if group.code:
            found.setdefault(group.code, []).append(group)
    return found
