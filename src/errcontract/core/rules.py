"""The shape of a verdict table, h11 style: ordered rows, each a condition, the verdict it gives
and the reason said. `judge.verdict` holds the tables that decide a code's verdict, the refund's and
the preflight's; the lint judges the documented examples with the same rows (the contract layer
cannot reach `judge`, so the shape lives here, below both)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from errcontract.core.verdicts import Verdict

__all__ = ["Rule", "always", "first_rule", "holding_rules"]

F = TypeVar("F")


@dataclass(frozen=True)
class Rule(Generic[F]):
    """One row of a verdict table: when `holds`, the verdict is `verdict` with `reason`."""

    name: str  # what the row means, for the reader (and the tests)
    holds: Callable[[F], bool]
    verdict: Verdict | Callable[[F], Verdict]
    reason: Callable[[F], str | None]
    details: Callable[[F], tuple[str, ...]] = lambda _facts: ()

    def verdict_of(self, facts: F) -> Verdict:
        return self.verdict if isinstance(self.verdict, Verdict) else self.verdict(facts)


def first_rule(table: tuple[Rule[F], ...], facts: F) -> Rule[F]:
    """The first row whose condition holds (every table ends with a row that always holds)."""
    return next(rule for rule in table if rule.holds(facts))


def always(_facts: object) -> bool:
    return True


def holding_rules(table: tuple[Rule[F], ...], facts: F) -> tuple[Rule[F], ...]:
    """Every row whose condition holds, in the table's order (a lint's table: each is a finding)."""
    return tuple(rule for rule in table if rule.holds(facts))
