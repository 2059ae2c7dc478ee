"""Coverage beside conformance: how many documented codes a run actually checked.

A conformance percentage only speaks for the codes that were judged; "100%" over 9 of 18 codes
is not "100%". Everything that shows the percentage (the page, the site index, the badge, the
terminal, the diff) shows this next to it, computed here from a results summary. Older results
files have no `checked`: it is derived from the counts they do have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from errcontract.core.verdicts import Verdict


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


def coverage_of(summary: dict[str, Any] | None) -> Coverage:
    """The coverage of a results summary (any schema-1 file, old or new)."""
    summary = summary or {}

    def count(key: str) -> int:
        value = summary.get(key)
        return value if isinstance(value, int) else 0

    codes, passed, failed, unseen = count("codes"), count("passed"), count("failed"), count("not_observed")
    # Files older than `code_errors`: the codes left over are the ones that could not be judged.
    errors = count("code_errors") if "code_errors" in summary else max(0, codes - passed - failed - unseen)
    return Coverage(codes=codes, passed=passed, failed=failed, errors=errors, not_observed=unseen)


def not_observed_codes(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The codes that were not checked (not observed or could not be judged), with their reasons."""
    return [
        entry
        for entry in results.get("codes", [])
        if entry.get("verdict") in (Verdict.NOT_OBSERVED, Verdict.ERROR)
    ]
