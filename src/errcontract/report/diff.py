"""The regression check: what got worse (or better) between two results files of one provider.

Each rule is a small function from (base, new) to changes, listed in RULES, so a new kind of
regression is one more function. A change is a regression, an improvement, or plain info (the
contract changed, more warnings): only regressions make `errcontract diff` exit 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from errcontract.core.errors import UsageError
from errcontract.core.verdicts import RunVerdict, Verdict
from errcontract.report.results import codes_by_name

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


Rule = Callable[[dict[str, Any], dict[str, Any]], Iterator[Change]]


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


def code_verdicts(base: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """pass -> fail, pass/fail -> not observed or gone, and the way back."""
    old_codes, new_codes = codes_by_name(base), codes_by_name(new)
    for code in sorted(old_codes.keys() | new_codes.keys()):
        before = old_codes.get(code, {}).get("verdict", "missing")
        after = new_codes.get(code, {}).get("verdict", "missing")
        change = _verdict_change(code, before, after)
        if change:
            yield change


def code_statuses(base: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """A code still seen, but with other statuses than before (e.g. 404 became 403)."""
    old_codes, new_codes = codes_by_name(base), codes_by_name(new)
    for code in sorted(old_codes.keys() & new_codes.keys()):
        before = sorted(old_codes[code].get("observed_statuses") or [])
        after = sorted(new_codes[code].get("observed_statuses") or [])
        if before and after and before != after:
            yield Change(REGRESSION, "moved-status", code, _join(before), _join(after))


def undocumented_codes(base: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """Codes the contract does not document, new in this run (or gone from it)."""

    def pairs(results: dict[str, Any]) -> set[tuple[str, str]]:
        return {(str(u.get("code")), str(u.get("status"))) for u in results.get("undocumented") or []}

    old, current = pairs(base), pairs(new)
    for code, status in sorted(current - old):
        yield Change(REGRESSION, "new-undocumented", code, "absent", f"seen with {status}")
    for code, status in sorted(old - current):
        yield Change(IMPROVEMENT, "undocumented-gone", code, f"seen with {status}", "absent")


def _check_counts(results: dict[str, Any], key: str) -> Counter[str]:
    return Counter(str(item.get("check")) for item in results.get(key) or [])


def check_counts(base: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """Violations per check name (envelope, rate_limit_headers, ...): more is a regression."""
    old, current = _check_counts(base, "violations"), _check_counts(new, "violations")
    for check in sorted(old.keys() | current.keys()):
        if current[check] > old[check]:
            yield Change(REGRESSION, "more-violations", check, str(old[check]), str(current[check]))
        elif current[check] < old[check]:
            yield Change(IMPROVEMENT, "fewer-violations", check, str(old[check]), str(current[check]))
    old_w, new_w = _check_counts(base, "warnings"), _check_counts(new, "warnings")
    for check in sorted(old_w.keys() | new_w.keys()):
        if new_w[check] != old_w[check]:
            yield Change(INFO, "warnings", check, str(old_w[check]), str(new_w[check]))


def header_counts(base: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """Responses missing or malforming the documented headers."""
    old, current = base.get("headers") or {}, new.get("headers") or {}
    for counter in ("missing", "malformed"):
        before, after = int(old.get(counter) or 0), int(current.get(counter) or 0)
        if after > before:
            yield Change(REGRESSION, "headers", f"headers {counter}", str(before), str(after))
        elif after < before:
            yield Change(IMPROVEMENT, "headers", f"headers {counter}", str(before), str(after))


def run_verdict(base: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """The run's verdict and its contract: an unreachable target is a regression of its own."""
    before, after = str(base.get("verdict")), str(new.get("verdict"))
    if before != after:
        severity = REGRESSION if after in (RunVerdict.VIOLATIONS, RunVerdict.UNREACHABLE) else IMPROVEMENT
        yield Change(severity, "verdict", "run", before, after)
    old_contract, new_contract = _contract_label(base), _contract_label(new)
    if old_contract != new_contract:
        yield Change(INFO, "contract", "contract", old_contract, new_contract)


def _contract_label(results: dict[str, Any]) -> str:
    contract = results.get("contract") or {}
    return f"{contract.get('version', '?')} {str(contract.get('sha256')).removeprefix('sha256:')[:12]}"


RULES: tuple[Rule, ...] = (
    run_verdict,
    code_verdicts,
    code_statuses,
    undocumented_codes,
    check_counts,
    header_counts,
)


def diff_results(base: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """All changes from `base` to `new`; both must be runs of the same provider."""
    if base.get("provider") != new.get("provider"):
        raise UsageError(
            f"cannot compare runs of different providers ({base.get('provider')} vs {new.get('provider')})"
        )
    return [change for rule in RULES for change in rule(base, new)]


def regressed(changes: list[Change]) -> bool:
    return any(change.severity == REGRESSION for change in changes)


def _join(statuses: list[Any]) -> str:
    return ", ".join(str(s) for s in statuses)
