"""Coverage beside conformance: how many documented codes a run actually checked.

A conformance percentage only speaks for the codes that were judged; "100%" over 9 of 18 codes
is not "100%". Everything that shows the percentage (the page, the site index, the badge, the
terminal, the diff) shows this next to it, computed here from a results summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from errcontract.core.verdicts import Verdict
from errcontract.judge.model import CodeEntry, RunResult, Summary


@dataclass(frozen=True)
class Coverage:
    """How many documented codes got a verdict of pass or fail, out of all of them."""

    codes: int
    passed: int
    failed: int
    errors: int
    not_observed: int

    @property
    def checked(self) -> int:
        return self.passed + self.failed

    @property
    def complete(self) -> bool:
        return self.codes > 0 and self.checked == self.codes

    @property
    def pct(self) -> float | None:
        return round(100 * self.checked / self.codes, 1) if self.codes else None

    @property
    def fraction(self) -> str:
        """ "14/18" """
        return f"{self.checked}/{self.codes}"

    def parts(self) -> list[str]:
        """["14/18 codes checked", "14 pass", "0 fail", "4 not observed"] (errors only when any)."""
        parts = [f"{self.fraction} codes checked", f"{self.passed} pass", f"{self.failed} fail"]
        if self.errors:
            parts.append(f"{self.errors} error{'' if self.errors == 1 else 's'}")
        parts.append(f"{self.not_observed} not observed")
        return parts

    def line(self) -> str:
        """ "14/18 codes checked · 14 pass · 0 fail · 4 not observed" """
        return " · ".join(self.parts())


def coverage_of(summary: Summary) -> Coverage:
    """The coverage of a results summary."""
    return Coverage(
        codes=summary.codes,
        passed=summary.passed,
        failed=summary.failed,
        errors=summary.code_errors,
        not_observed=summary.not_observed,
    )


def not_observed_codes(results: RunResult) -> list[CodeEntry]:
    """The codes that were not checked (not observed or could not be judged), with their reasons."""
    return [entry for entry in results.codes if entry.verdict in (Verdict.NOT_OBSERVED, Verdict.ERROR)]
