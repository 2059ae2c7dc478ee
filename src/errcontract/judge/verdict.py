"""A code's verdict, decided in one place (here), and the run's verdict from the counts.

Three ordered rule tables, h11 style: each row a condition, the verdict it gives and the reason
said, the first row that holds decides.

- `ANSWER_RULES`: one answer to a code's one-defect recipe (`answer_verdict`, called by
  `run.code_tests` with the judged exchange and nothing of the run): pass only for that very
  code at a documented status with every check holding;
- `ENDPOINT_RULES`: the recipe tried on every endpoint the docs attach the code to
  (`combined_verdict`): a code fails (or errs) on any endpoint where it does;
- `FINAL_RULES`: the code's own result (`CodeResult`) with what the run met anywhere (`CodeRow`:
  how often the code was answered, at which statuses, the violations that belong to it)
  (`final_verdict`): a code fails if it fails anywhere; else its own pass, fail or error stands;
  else it passes when the run met it at a documented status; else it is not observed, with why.

results.json, junit.xml and the live line all read these values; `results.py` only counts them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Generic, TypeVar

from errcontract.contract.codes import Code
from errcontract.core.exchange import Defect
from errcontract.core.flags import fixture_flag
from errcontract.core.redact import Redactor
from errcontract.core.verdicts import RunVerdict, Verdict
from errcontract.judge.judged import Judged
from errcontract.judge.model import CodeEntry, Evidence, Finding, Summary, VerdictSource
from errcontract.judge.oracle import Oracle
from errcontract.requests.assumptions import PREFIX as ASSUMED_PREFIX

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
    evidence: tuple[Evidence, ...] = field(default=())
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
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class FinalVerdict:
    """A code's verdict as results.json gives it, with its reason and first violation."""

    code: str
    verdict: Verdict
    reason: str | None
    first_violation: Finding | None = None


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


def _always(_facts: object) -> bool:
    return True


# -- one answer to a code's recipe ---------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    """What the verdict on one answer reads: the code, the judged exchange, the oracle (for the
    rate-limit window and the code as shown), --strict, and the redactor for the lines it quotes."""

    code: Code
    judged: Judged
    oracle: Oracle
    strict: bool
    redact: Redactor

    @property
    def status(self) -> int | None:
        return self.judged.exchange.status

    @cached_property
    def violation_lines(self) -> tuple[str, ...]:
        """The findings, those naming this code first (a 5xx to its defect: what its own body
        broke is the 5xx's case's, so the code fails for the 5xx first)."""
        ordered = sorted(self.judged.outcome.violations, key=lambda v: v.code != self.code.name)
        return tuple(self.redact(f"{v.check}: {v.message}") for v in ordered)

    @cached_property
    def strict_lines(self) -> tuple[str, ...]:
        warnings = self.judged.outcome.warnings if self.strict else []
        return tuple(self.redact(f"{w.check} ({w.strength}, --strict): {w.message}") for w in warnings)

    @property
    def seen(self) -> str:
        """`HTTP 402 PAYMENT_REQUIRED`: the answer as the docs would name it."""
        return f"HTTP {self.status} {self.oracle.shown_code(self.judged.exchange) or '(no code)'}"

    @cached_property
    def refused_assumption(self) -> Defect | None:
        """The assumed part of the request (a guessed body, a value read from the target) the
        answer may refuse, when that is not what the code under test is about."""
        defects = self.judged.exchange.request.defects
        return next(
            (
                d
                for d in defects
                if d.assumed and self.judged.code in d.codes and d.defect_class != self.code.defect_class
            ),
            None,
        )

    @property
    def also_allowed(self) -> tuple[str, ...]:
        return self.code.recipe.also_allowed if self.code.recipe else ()

    def fail_reason(self) -> str:
        """The first violation; a key fixture accepted where it must be refused says both readings."""
        fixture = self.judged.exchange.request.key_fixture
        if fixture and fixture != self.oracle.contract.main_key and 200 <= (self.status or 0) < 300:
            flag = fixture_flag(fixture)
            return (
                f"{flag} was accepted (HTTP {self.status}) where the docs promise {self.code.name}: "
                f"either the target does not refuse it, or the key is not what {flag} says it is"
            )
        return self.violation_lines[0]

    def window_room(self) -> str:
        key = self.judged.exchange.request.key_fixture or "the key"
        room = self.oracle.remaining_of(self.judged.exchange)
        return f"served (HTTP {self.status}), {room} requests remaining: {key}'s window had room again"

    def expected(self) -> str:
        statuses = "/".join(map(str, self.code.statuses))
        return f"expected {self.code.name} (HTTP {statuses}), answered {self.seen}"


def _refused_reason(a: Answer) -> str:
    what = a.refused_assumption.name.removeprefix(ASSUMED_PREFIX) if a.refused_assumption else ""
    return f"answered {a.seen}, which may refuse {what}: the defect under test was not reached"


ANSWER_RULES: tuple[Rule[Answer], ...] = (
    Rule(
        "no answer",
        lambda a: a.status is None,
        Verdict.ERROR,
        lambda a: f"no answer: {a.judged.exchange.transport_error}",
    ),
    Rule(
        "a conformant 429 to a request that did not ask for one",
        lambda a: (
            a.status == 429 and not a.judged.exchange.request.expects_rate_limit and a.judged.outcome.ok
        ),
        Verdict.NOT_OBSERVED,
        lambda a: "the target rate-limited the request (a conformant 429)",
    ),
    Rule(
        "a check found a violation",
        lambda a: bool(a.judged.outcome.violations),
        Verdict.FAIL,
        Answer.fail_reason,
        lambda a: a.violation_lines,
    ),
    Rule(
        "a check crashed",
        lambda a: bool(a.judged.outcome.errors),
        Verdict.ERROR,
        lambda a: "; ".join(a.judged.outcome.errors),
    ),
    Rule(
        "a warning, with --strict",
        lambda a: bool(a.strict_lines),
        Verdict.FAIL,
        lambda a: a.strict_lines[0],
        lambda a: a.strict_lines,
    ),
    Rule(
        "the very code, at a status the docs give it",
        lambda a: a.judged.code == a.code.name and a.oracle.contract.code_allows(a.code.name, a.status),
        Verdict.PASS,
        lambda a: None,
    ),
    Rule(
        "served: the key's rate-limit window had room again",
        lambda a: a.oracle.window_had_room(a.judged.exchange),
        Verdict.NOT_OBSERVED,
        Answer.window_room,
    ),
    Rule(
        "a code the docs also allow for this defect",
        lambda a: a.judged.code in a.also_allowed,
        Verdict.NOT_OBSERVED,
        lambda a: f"answered {a.seen}, which the docs also allow for this defect",
    ),
    Rule(
        "an assumed part of the request refused: the defect was not reached",
        lambda a: a.refused_assumption is not None,
        Verdict.NOT_OBSERVED,
        _refused_reason,
    ),
    Rule("anything else", _always, Verdict.FAIL, Answer.expected),
)


def answer_verdict(code: Code, judged: Judged, oracle: Oracle, strict: bool, redact: Redactor) -> CodeResult:
    """The verdict on one answer to the code's recipe: the first row of `ANSWER_RULES` that holds."""
    answer = Answer(code, judged, oracle, strict, redact)
    rule = first_rule(ANSWER_RULES, answer)
    return CodeResult(
        code.name, rule.verdict_of(answer), rule.reason(answer), rule.details(answer), (judged.evidence(),)
    )


# -- the recipe on every endpoint ------------------------------------------------------------------
@dataclass(frozen=True)
class Endpoints:
    """The recipe's own result and the result on each endpoint tried (its own included)."""

    primary: CodeResult
    cells: Mapping[str, CodeResult]

    def having(self, verdict: Verdict) -> dict[str, CodeResult]:
        return {e: r for e, r in self.cells.items() if r.verdict is verdict}

    def worst(self, verdict: Verdict) -> CodeResult:
        """The code's result from the endpoints with `verdict`: the first one's, every line kept."""
        bad = self.having(verdict)
        where, first = next(iter(bad.items()))
        details = tuple(f"on {e}: {line}" for e, r in bad.items() for line in (r.details or (r.reason,)))
        return CodeResult(first.code, verdict, f"on {where}: {first.reason}", details, first.evidence)


ENDPOINT_RULES: tuple[tuple[str, Callable[[Endpoints], bool], Callable[[Endpoints], CodeResult]], ...] = (
    ("fails on an endpoint", lambda e: bool(e.having(Verdict.FAIL)), lambda e: e.worst(Verdict.FAIL)),
    ("errs on an endpoint", lambda e: bool(e.having(Verdict.ERROR)), lambda e: e.worst(Verdict.ERROR)),
    (
        "not observed on its own endpoint, passed on another",
        lambda e: e.primary.verdict is Verdict.NOT_OBSERVED and bool(e.having(Verdict.PASS)),
        lambda e: next(iter(e.having(Verdict.PASS).values())),
    ),
    ("its recipe's own verdict", _always, lambda e: e.primary),
)


def combined_verdict(primary: CodeResult, cells: Mapping[str, CodeResult]) -> CodeResult:
    """A code fails (or errs) on any endpoint where it does; else its recipe's own verdict, and a
    recipe not observed on its own endpoint passes when another endpoint answered the code."""
    facts = Endpoints(primary, cells)
    _name, _holds, result = next(row for row in ENDPOINT_RULES if row[1](facts))
    return result(facts)


# -- the refund promise -----------------------------------------------------------------------------
@dataclass(frozen=True)
class RefundSeen:
    """The balances around a job created and cancelled, the charge it showed, the cancel's status."""

    before: float
    after_create: float
    after_cancel: float
    charged: float
    cancel_status: int | None

    def not_back(self) -> str:
        return (
            f"balance {self.before} before the job, {self.after_create} after it was charged "
            f"{self.charged:g}, {self.after_cancel} after cancelling (HTTP {self.cancel_status}): "
            f"the {self.charged:g} credits did not come back"
        )


REFUND_RULES: tuple[Rule[RefundSeen], ...] = (
    Rule(
        "nothing lost in all",
        lambda r: r.after_cancel >= r.before,
        Verdict.PASS,
        lambda r: f"charged {r.charged:g}, refunded on cancel",
    ),
    Rule(
        "the charge came back (whatever else the account spent meanwhile)",
        lambda r: r.after_cancel - r.after_create >= r.charged,
        Verdict.PASS,
        lambda r: f"charged {r.charged:g}, refunded on cancel",
    ),
    Rule("the credits did not come back", _always, Verdict.FAIL, RefundSeen.not_back),
)


def refund_verdict(seen: RefundSeen) -> tuple[Verdict, str]:
    """The refund check's verdict: the first row of `REFUND_RULES` that holds."""
    rule = first_rule(REFUND_RULES, seen)
    return rule.verdict_of(seen), rule.reason(seen) or ""


# -- the code's final verdict ----------------------------------------------------------------------
@dataclass(frozen=True)
class Met:
    """The code's own result and what the run met of it anywhere."""

    row: CodeRow
    documented_statuses: Collection[int]
    first_violation: Finding | None

    @property
    def own(self) -> CodeResult | None:
        return self.row.own


def _failed_reason(m: Met) -> str | None:
    own = m.own
    if own is not None and own.verdict is Verdict.FAIL:
        return own.reason
    return m.first_violation.message if m.first_violation is not None else None


def _own_verdict(m: Met) -> Verdict:
    assert m.own is not None
    return m.own.verdict


FINAL_RULES: tuple[Rule[Met], ...] = (
    Rule(
        "a violation belongs to the code",
        lambda m: m.first_violation is not None,
        Verdict.FAIL,
        _failed_reason,
    ),
    Rule(
        "its own test passed, failed or erred",
        lambda m: m.own is not None and m.own.verdict is not Verdict.NOT_OBSERVED,
        _own_verdict,
        lambda m: m.own.reason if m.own else None,
    ),
    Rule(
        "met during the run, only at documented statuses",
        lambda m: bool(m.row.observed) and m.row.observed_statuses <= set(m.documented_statuses),
        Verdict.PASS,
        lambda m: MET_DURING_THE_RUN,
    ),
    Rule(
        "met only as the answer to requests with a client defect",
        lambda m: bool(m.row.met_on_client_defect) and not m.row.observed,
        Verdict.NOT_OBSERVED,
        lambda m: MET_ONLY_ON_CLIENT_DEFECT,
    ),
    Rule("not met", _always, Verdict.NOT_OBSERVED, lambda m: (m.own.reason if m.own else None) or NOT_MET),
)


def final_verdict(
    row: CodeRow, documented_statuses: Collection[int], first_violation: Finding | None
) -> FinalVerdict:
    """Combine the code's own test with what the run met anywhere: the first row of `FINAL_RULES`."""
    met = Met(row, documented_statuses, first_violation)
    rule = first_rule(FINAL_RULES, met)
    violation = first_violation if rule is FINAL_RULES[0] else None
    return FinalVerdict(row.code, rule.verdict_of(met), rule.reason(met), violation)


# -- a run and recorded traffic of one target, merged ---------------------------------------------
@dataclass(frozen=True)
class Sides:
    """One code as the run gave it and as the traffic did (None: the traffic has no such code);
    `offset`: where the traffic's violations start in the merged list."""

    run: CodeEntry
    traffic: CodeEntry | None
    offset: int


def _run_side(s: Sides) -> CodeEntry:
    return replace(s.run, came_from=VerdictSource("run"))


def _traffic_side(s: Sides) -> CodeEntry:
    assert s.traffic is not None
    return replace(s.traffic, violations=tuple(i + s.offset for i in s.traffic.violations))


def _seen_nowhere(s: Sides) -> CodeEntry:
    return replace(s.run, reason=f"{s.run.reason or 'not observed'}; not in the traffic either")


COMBINED_RULES: tuple[tuple[str, Callable[[Sides], bool], Callable[[Sides], CodeEntry]], ...] = (
    (
        "the traffic has no such code, or the run failed it",
        lambda s: s.traffic is None or s.run.verdict is Verdict.FAIL,
        _run_side,
    ),
    (
        "the traffic failed it, or saw what the run did not",
        lambda s: (
            s.traffic is not None
            and (
                s.traffic.verdict is Verdict.FAIL
                or (s.run.verdict is Verdict.NOT_OBSERVED and s.traffic.verdict is not Verdict.NOT_OBSERVED)
            )
        ),
        _traffic_side,
    ),
    ("observed by neither", lambda s: s.run.verdict is Verdict.NOT_OBSERVED, _seen_nowhere),
    ("the run's verdict", _always, _run_side),
)


def combined_code(run: CodeEntry, traffic: CodeEntry | None, offset: int) -> CodeEntry:
    """One code of a run merged with the traffic's: a fail anywhere, else the run's verdict, else
    the traffic's (the first row of `COMBINED_RULES`), seen as often as both saw it."""
    sides = Sides(run, traffic, offset)
    _name, _holds, pick = next(row for row in COMBINED_RULES if row[1](sides))
    statuses = {*run.observed_statuses, *(traffic.observed_statuses if traffic else ())}
    observed = run.observed + (traffic.observed if traffic else 0)
    return replace(pick(sides), observed=observed, observed_statuses=tuple(sorted(statuses)))


def combined_run_verdict(summary: Summary, strict: bool, run: RunVerdict, traffic: RunVerdict) -> RunVerdict:
    """A merged run's word: violations as a run's; unreachable only when both were."""
    if summary.failed or summary.violations or summary.errors or summary.code_errors:
        return RunVerdict.VIOLATIONS
    if strict and summary.warnings:
        return RunVerdict.VIOLATIONS
    if run is RunVerdict.UNREACHABLE and traffic is RunVerdict.UNREACHABLE:
        return RunVerdict.UNREACHABLE
    return RunVerdict.CONFORMANT


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
