"""The words a run's outcome is told in, one spelling each.

A code's verdict is pass, fail, error or not observed; a run is conformant, has violations or
was unreachable; a finding is a violation or a warning; the fact a finding rests on is stated
(the docs say it in prose or a table) or exemplified (only an example or the docs' sample client
shows it). StrEnums, so results.json keeps plain strings.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    NOT_OBSERVED = "not-observed"


class RunVerdict(StrEnum):
    """A whole run's word in results.json."""

    CONFORMANT = "conformant"
    VIOLATIONS = "violations"
    UNREACHABLE = "unreachable"


class Strength(StrEnum):
    STATED = "stated"
    EXEMPLIFIED = "exemplified"


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"


def severity_for(strength: Strength, in_scope: bool = True) -> Severity:
    """Stated facts on documented routes are violations; an exemplified fact, or any fact on a
    route the docs do not list, is a warning (failing only with --strict)."""
    if strength is Strength.STATED and in_scope:
        return Severity.VIOLATION
    return Severity.WARNING
