"""A code's final verdict, decided in one place, and the run's verdict from the counts.

A code has its own result (`CodeResult`: what its recipe's answer was, from `run.code_tests`)
and what the run met (`CodeRow`: how often the code was answered, at which statuses, and the
violations that belong to it). `final_verdict` combines them: a code fails if it fails anywhere;
else its own pass, fail or error stands; else it passes when the run met it at a documented
status; else it is not observed, with why. results.json, junit.xml and the live line all read
these values; `results.py` only counts them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from errcontract.core.verdicts import RunVerdict, Verdict

MET_DURING_THE_RUN = "observed during the run at a documented status (not provoked by its own recipe)"
NOT_MET = "not met during the run"
MET_ONLY_ON_CLIENT_DEFECT = (
    "met only as the answer to requests with a client defect (a server error where the docs give "
    "a 4xx: a finding, not this case)"
)


@dataclass(frozen=True)
class CodeResult:
    """One code's verdict from its own recipe, with why and what was seen."""

    code: str
    verdict: Verdict
    reason: str | None = None
    details: tuple[str, ...] = ()  # the findings, one line each (keys redacted)
    evidence: tuple[dict[str, str], ...] = field(default=())
    cells: tuple[tuple[str, Verdict, str | None], ...] = ()  # (endpoint, verdict, reason) per endpoint


@dataclass
class CodeRow:
    """What the run met of one documented code (filled by the Recorder as exchanges come in)."""

    code: str
    own: CodeResult | None = None  # set by the code's own test
    observed: int = 0
    observed_statuses: set[int] = field(default_factory=set)
    violation_ids: list[int] = field(default_factory=list)
    met_on_client_defect: int = 0  # 5xx answers to requests with a client defect: not the case met
    evidence: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class FinalVerdict:
    """A code's verdict as results.json gives it, with its reason and first violation."""

    code: str
    verdict: Verdict
    reason: str | None
    first_violation: dict[str, Any] | None = None


def final_verdict(
    row: CodeRow, documented_statuses: Collection[int], first_violation: dict[str, Any] | None
) -> FinalVerdict:
    """Combine the code's own test with what the run met anywhere (see the module docstring)."""
    own = row.own
    if first_violation is not None:
        reason = own.reason if own is not None and own.verdict is Verdict.FAIL else first_violation["message"]
        return FinalVerdict(row.code, Verdict.FAIL, reason, first_violation)
    if own is not None and own.verdict is not Verdict.NOT_OBSERVED:
        return FinalVerdict(row.code, own.verdict, own.reason)
    if row.observed and row.observed_statuses <= set(documented_statuses):
        return FinalVerdict(row.code, Verdict.PASS, MET_DURING_THE_RUN)
    if row.met_on_client_defect and not row.observed:
        return FinalVerdict(row.code, Verdict.NOT_OBSERVED, MET_ONLY_ON_CLIENT_DEFECT)
    return FinalVerdict(row.code, Verdict.NOT_OBSERVED, (own.reason if own else None) or NOT_MET)


def verdict_counts(verdicts: Collection[FinalVerdict]) -> dict[Verdict, int]:
    """How many codes have each verdict (every verdict present, zero included)."""
    return {v: sum(1 for f in verdicts if f.verdict is v) for v in Verdict}


def run_verdict(
    requests: int, answered: int, failing: bool, warnings: bool, errors: bool, strict: bool
) -> RunVerdict:
    """The run's word: unreachable when nothing sent was answered; violations when a code failed,
    a violation (or with --strict a warning) was found, or something could not be judged."""
    if requests and not answered:
        return RunVerdict.UNREACHABLE
    if failing or (strict and warnings) or errors:
        return RunVerdict.VIOLATIONS
    return RunVerdict.CONFORMANT
