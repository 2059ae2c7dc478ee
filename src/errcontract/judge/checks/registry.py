"""The registry of checks by name, and the one loop that runs them on an exchange."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from errcontract.core.registry import Registry, function_rule
from errcontract.core.verdicts import Severity, Strength

if TYPE_CHECKING:
    from errcontract.core.exchange import Exchange
    from errcontract.judge.oracle import Oracle

HeaderFault = Literal["missing", "malformed"]


@dataclass(frozen=True)
class Violation:
    """The target broke (or, as a warning, strayed outside) what the docs promise."""

    check: str
    message: str
    status: int | None = None
    code: str | None = None
    severity: Severity = Severity.VIOLATION
    strength: Strength = Strength.STATED  # of the fact broken (see core/verdicts.py)
    # Set by a header check: a documented header missing or malformed (results.json's `headers`).
    header_fault: HeaderFault | None = None
    header: str | None = None  # the header a header check's finding is about


CheckFn = Callable[["Exchange", "Oracle"], list[Violation]]
CHECKS: Registry[CheckFn] = Registry("check")


def check(name: str | None = None, *, promise: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check under its function's name (or `name`), with the promise it guards as
    users read it (names are what configuration and reports use)."""
    return function_rule(CHECKS, promise, name)


def rule_of(name: str) -> str:
    """The documented rule a check guards, as registered beside it."""
    return CHECKS.promise(name)


@dataclass
class CheckOutcome:
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # checks that crashed: "could not judge"

    @property
    def ok(self) -> bool:
        return not self.violations and not self.errors


# What a drift names in `caught_by` when its departure leaves the answer unjudgeable: not a check
# but the could-not-judge error run_checks records (an error, never a pass).
COULD_NOT_JUDGE = "could_not_judge"


def over_read_limit(exchange: Exchange) -> str:
    """Why an exchange whose body was cut at the read limit could not be judged."""
    return (
        f"HTTP {exchange.status} to {exchange.request.method} {exchange.request.path}: the body is "
        f"over the read limit (reading stopped at {len(exchange.body)} bytes), so it was not judged"
    )


def run_checks(
    exchange: Exchange,
    oracle: Oracle,
    names: Iterable[str] | None = None,
    rules: Mapping[str, CheckFn] = CHECKS,
) -> CheckOutcome:
    """Every (or every named) check of `rules` (default: the registry) on one exchange; a
    crashing check is an error, not fatal."""
    outcome = CheckOutcome()
    if exchange.status is None:
        return outcome
    if exchange.truncated:
        # Only part of the body was read: judging that part would pass what was never seen (a
        # list cut short reads as naming nothing). Could not judge, with the reason.
        outcome.errors.append(over_read_limit(exchange))
        return outcome
    for name in names or rules:
        try:
            found = rules[name](exchange, oracle)
        except Exception as exc:  # a bug in a check must not stop the run
            outcome.errors.append(f"check {name} crashed: {type(exc).__name__}: {exc}")
            continue
        for item in found:
            bucket = outcome.warnings if item.severity is Severity.WARNING else outcome.violations
            bucket.append(item)
    return outcome
