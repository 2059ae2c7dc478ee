"""The regression check: what got worse (or better) between two results files of one provider.

Each rule is a small function from (base, new) to changes, listed in RULES, so a new kind of
regression is one more function. A change is a regression, an improvement, or plain info (the
contract changed, more warnings): only regressions make `errcontract diff` exit 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from errcontract.core.errors import UsageError
from errcontract.core.verdicts import RunVerdict, Verdict
from errcontract.judge.model import Finding, RunResult

REGRESSION, IMPROVEMENT, INFO = "regression", "improvement", "info"
JUDGED = (Verdict.PASS, Verdict.FAIL)


@dataclass(frozen=True)
class Change:
    """One difference between two runs: what it is about, and its value before and after."""

    severity: str  # regression | improvement | info
    kind: str  # pass-to-fail, disappeared, moved-status, new-undocumented, check-count, ...
    subject: str  # a code, a check name, a header counter
    before: str
    after: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


Rule = Callable[[RunResult, RunResult], Iterator[Change]]


def _verdict_change(code: str, before: str, after: str) -> Change | None:
    """The change of one code's verdict, or None when it is not worth a line."""
    if before == after:
        return None
    if after == Verdict.FAIL:
        kind = "pass-to-fail" if before == Verdict.PASS else "now-failing"
        return Change(REGRESSION, kind, code, before, after)
    if before in JUDGED and after in (Verdict.NOT_OBSERVED, "missing"):
        return Change(REGRESSION, "disappeared", code, before, after)
    if before in JUDGED and after == Verdict.ERROR:
        return Change(REGRESSION, "no-longer-judged", code, before, after)
    if after == Verdict.PASS:
        kind = "fixed" if before == Verdict.FAIL else "newly-observed"
        return Change(IMPROVEMENT, kind, code, before, after)
    return Change(INFO, "verdict", code, before, after)


def _verdict_of(results: RunResult, code: str) -> str:
    entry = results.code(code)
    return "missing" if entry is None else entry.verdict


def code_verdicts(base: RunResult, new: RunResult) -> Iterator[Change]:
    """pass -> fail, pass/fail -> not observed or gone, and the way back."""
    old_codes, new_codes = base.codes_by_name, new.codes_by_name
    for code in sorted(old_codes.keys() | new_codes.keys()):
        before, after = _verdict_of(base, code), _verdict_of(new, code)
        change = _verdict_change(code, before, after)
        if change:
            yield change


def code_statuses(base: RunResult, new: RunResult) -> Iterator[Change]:
    """A code still seen, but with other statuses than before (e.g. 404 became 403)."""
    old_codes, new_codes = base.codes_by_name, new.codes_by_name
    for code in sorted(old_codes.keys() & new_codes.keys()):
        before = sorted(old_codes[code].observed_statuses)
        after = sorted(new_codes[code].observed_statuses)
        if before and after and before != after:
            yield Change(REGRESSION, "moved-status", code, _join(before), _join(after))


def undocumented_codes(base: RunResult, new: RunResult) -> Iterator[Change]:
    """Codes the contract does not document, new in this run (or gone from it)."""

    def pairs(results: RunResult) -> set[tuple[str, str]]:
        return {(u.code, str(u.status)) for u in results.undocumented}

    old, current = pairs(base), pairs(new)
    for code, status in sorted(current - old):
        yield Change(REGRESSION, "new-undocumented", code, "absent", f"seen with {status}")
    for code, status in sorted(old - current):
        yield Change(IMPROVEMENT, "undocumented-gone", code, f"seen with {status}", "absent")


def _check_counts(findings: Sequence[Finding]) -> Counter[str]:
    return Counter(item.check for item in findings)


def check_counts(base: RunResult, new: RunResult) -> Iterator[Change]:
    """Violations per check name (envelope, rate_limit_headers, ...): more is a regression."""
    old, current = _check_counts(base.violations), _check_counts(new.violations)
    for check in sorted(old.keys() | current.keys()):
        if current[check] > old[check]:
            yield Change(REGRESSION, "more-violations", check, str(old[check]), str(current[check]))
        elif current[check] < old[check]:
            yield Change(IMPROVEMENT, "fewer-violations", check, str(old[check]), str(current[check]))
    old_w, new_w = _check_counts(base.warnings), _check_counts(new.warnings)
    for check in sorted(old_w.keys() | new_w.keys()):
        if new_w[check] != old_w[check]:
            yield Change(INFO, "warnings", check, str(old_w[check]), str(new_w[check]))


def header_counts(base: RunResult, new: RunResult) -> Iterator[Change]:
    """Responses missing or malforming the documented headers."""
    for counter in ("missing", "malformed"):
        before, after = base.headers.get(counter, 0), new.headers.get(counter, 0)
        if after > before:
            yield Change(REGRESSION, "headers", f"headers {counter}", str(before), str(after))
        elif after < before:
            yield Change(IMPROVEMENT, "headers", f"headers {counter}", str(before), str(after))


def run_verdict(base: RunResult, new: RunResult) -> Iterator[Change]:
    """The run's verdict and its contract: an unreachable target is a regression of its own."""
    before, after = str(base.verdict), str(new.verdict)
    if before != after:
        severity = REGRESSION if after in (RunVerdict.VIOLATIONS, RunVerdict.UNREACHABLE) else IMPROVEMENT
        yield Change(severity, "verdict", "run", before, after)
    old_contract, new_contract = _contract_label(base), _contract_label(new)
    if old_contract != new_contract:
        yield Change(INFO, "contract", "contract", old_contract, new_contract)


def _contract_label(results: RunResult) -> str:
    contract = results.contract
    return f"{contract.version} {contract.sha256.removeprefix('sha256:')[:12]}"


RULES: tuple[Rule, ...] = (
    run_verdict,
    code_verdicts,
    code_statuses,
    undocumented_codes,
    check_counts,
    header_counts,
)


def diff_results(base: RunResult, new: RunResult) -> list[Change]:
    """All changes from `base` to `new`; both must be runs of the same provider."""
    if base.provider != new.provider:
        raise UsageError(f"cannot compare runs of different providers ({base.provider} vs {new.provider})")
    return [change for rule in RULES for change in rule(base, new)]


def regressed(changes: list[Change]) -> bool:
    return any(change.severity == REGRESSION for change in changes)


def _join(statuses: list[Any]) -> str:
    return ", ".join(str(s) for s in statuses)
