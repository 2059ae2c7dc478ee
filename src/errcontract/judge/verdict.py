"""A code's verdict, decided in one place (here), and the run's verdict from the counts.

Ordered rule tables, h11 style: each row a condition, the verdict it gives and the reason
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

- `REFUND_RULES`: the balances around a job created and cancelled (`refund_verdict`);
- `PREFLIGHT_RULES`: the preflight's probes (`preflight_verdict`): ERROR rows stop the run with
  the one line saying the mistake, the last row lets the suites run with its notes.

results.json, junit.xml and the live line all read these values; `results.py` only counts them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from errcontract.contract.codes import Code
from errcontract.contract.model import Contract, Endpoint, loadable_contracts
from errcontract.core.exchange import NO_JSON, Defect, Exchange
from errcontract.core.flags import fixture_flag
from errcontract.core.redact import Redactor
from errcontract.core.rules import Rule, always, first_rule
from errcontract.core.verdicts import RunVerdict, Strength, Verdict
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
    Rule("anything else", always, Verdict.FAIL, Answer.expected),
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
    ("its recipe's own verdict", always, lambda e: e.primary),
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
    Rule("the credits did not come back", always, Verdict.FAIL, RefundSeen.not_back),
)


def refund_verdict(seen: RefundSeen) -> tuple[Verdict, str]:
    """The refund check's verdict: the first row of `REFUND_RULES` that holds."""
    rule = first_rule(REFUND_RULES, seen)
    return rule.verdict_of(seen), rule.reason(seen) or ""


# -- the preflight ----------------------------------------------------------------------------------
MADE_UP_KEY = "made-up key"  # the probe's key_fixture: a key of the contract's shape no account has
# Statuses a made-up key may share with a wrong one for other reasons than the key: a route or id
# refused before the key is read, a rate limit.
NOT_ABOUT_THE_KEY = (404, 405, 429)


def _line(probe: Exchange) -> str:
    shown = probe.content_type or "no content type"
    return f"{probe.request.method} {probe.request.path}: {probe.status} {shown}"


def _a(title: str) -> str:
    """`a VicSee`, `an OpenAI`: the article a title takes (by its first letter's sound)."""
    return f"{'an' if title[:1].upper() in 'AEIOU' else 'a'} {title}"


@dataclass(frozen=True)
class Probes:
    """What the preflight's verdict reads: the contract's oracle, the probes that were answered
    (at least one), and the base URL they were sent to."""

    oracle: Oracle
    answered: tuple[Exchange, ...]
    base: str

    @property
    def contract(self) -> Contract:
        return self.oracle.contract

    @property
    def title(self) -> str:
        return self.contract.title

    def endpoint(self, probe: Exchange) -> Endpoint:
        return self.contract.endpoints[probe.request.endpoint or ""]

    @staticmethod
    def with_key(probe: Exchange) -> bool:
        """Sent with the main key (not none, not the made-up one)."""
        return probe.request.key_fixture not in (None, MADE_UP_KEY)

    def ours(self, probe: Exchange) -> bool:
        """Is the body an error in this contract's stated envelope?"""
        return probe.json() is not NO_JSON and self.oracle.body_in_profile(probe.json(), Strength.STATED)

    @cached_property
    def errors(self) -> tuple[Exchange, ...]:
        return tuple(p for p in self.answered if (p.status or 0) >= 400)

    @cached_property
    def other_envelope(self) -> str | None:
        """The title of another contract whose stated envelope the error bodies follow."""
        bodies = [p.json() for p in self.errors if p.json() is not NO_JSON]
        if not bodies:
            return None
        for other_contract in loadable_contracts(self.contract.root.parent)[0]:
            if other_contract.provider == self.contract.provider:
                continue
            other = Oracle(other_contract)
            if all(other.body_in_profile(b, Strength.STATED) for b in bodies):
                return other.contract.title
        return None

    @cached_property
    def routed(self) -> tuple[Exchange, ...]:
        """The probes that tell whether the routes exist: a request without a key may be refused
        before routing (401 on any path), so those with a key or to endpoints without auth; a
        documented route without ids must never be 404, one with a made-up id may fairly be."""
        routed = [p for p in self.answered if self.with_key(p) or not self.endpoint(p).auth]
        return tuple([p for p in routed if not self.endpoint(p).path_params] or routed)

    def route_absent(self, probe: Exchange) -> bool:
        """404/405 without a code the contract names for this very endpoint (a catch-all NOT_FOUND
        in the envelope is what an unknown route gets too)."""
        code = self.contract.codes.get(self.oracle.code_of(probe) or "")
        named = code is not None and probe.request.endpoint in code.endpoints
        return probe.status in (404, 405) and not named

    @cached_property
    def keyless(self) -> tuple[Exchange, ...]:
        """The probes without a key to endpoints the docs say need one."""
        return tuple(p for p in self.answered if p.request.key_fixture is None and self.endpoint(p).auth)

    @cached_property
    def key_refused(self) -> tuple[Exchange, ...]:
        """The main key's probes refused with 401."""
        return tuple(p for p in self.answered if self.with_key(p) and p.status == 401)

    @cached_property
    def key_refused_documented(self) -> Exchange | None:
        """The first main key's probe refused with 401 and one of this contract's 401 codes."""
        codes = self.contract.codes_by_status.get(401, ())
        return next((p for p in self.key_refused if self.oracle.code_of(p) in codes), None)

    @cached_property
    def answered_alike(self) -> Exchange | None:
        """The main key's probe, if the made-up key's at the same endpoint got the same 4xx answer
        (status and code) for a reason that can only be the key."""
        made_up = next((p for p in self.answered if p.request.key_fixture == MADE_UP_KEY), None)
        if made_up is None or not 400 <= (made_up.status or 0) < 500 or made_up.status in NOT_ABOUT_THE_KEY:
            return None
        for probe in self.answered:
            same_place = self.with_key(probe) and probe.request.endpoint == made_up.request.endpoint
            same_code = self.oracle.code_of(probe) == self.oracle.code_of(made_up)
            if same_place and probe.status == made_up.status and same_code:
                return probe
        return None

    def said(self, probe: Exchange) -> str:
        """What the target said, in a few words: `401 INVALID_API_KEY 'Invalid API key'`; without
        a JSON body, its status and content type."""
        if probe.json() is NO_JSON:
            return f"{probe.status} {probe.content_type or 'no content type'}"
        words = [str(probe.status), str(self.oracle.shown_code(probe) or "no code")]
        message = self.oracle.message_of(probe)
        if isinstance(message, str) and message:
            words.append(repr(message[:100]))
        return " ".join(words)

    def notes(self) -> tuple[str, ...]:
        """Odd but not conclusive: a 401 to the main key without a documented code; answers
        outside this contract's envelope (a 404 aside)."""
        notes = [
            f"the main key was refused ({_line(p)}) without a documented code: "
            "check --api-key; the suites ran anyway"
            for p in self.key_refused
        ]
        strays = list(dict.fromkeys(_line(p) for p in self.errors if not self.ours(p) and p.status != 404))
        if strays:
            more = f" (and {len(strays) - 1} more answers)" if len(strays) > 1 else ""
            notes.append(f"{strays[0]}{more} is not in the {self.title} envelope")
        return tuple(notes)


def _html(p: Probes) -> str:
    return (
        f"the target answers HTML, not JSON, at every route probed ({_line(p.answered[0])} at "
        f"{p.base}): is --target {_a(p.title)} API's base URL, not a web site's?"
    )


def _other_provider(p: Probes) -> str:
    return (
        f"the target answers with another provider's envelope ({p.other_envelope}'s, at "
        f"{_line(p.errors[0])}): check --provider, or --target"
    )


def _no_route(p: Probes) -> str:
    return (
        f"no route of the {p.contract.provider} contract exists on the target ({_line(p.routed[0])} "
        f"at {p.base}): is this {_a(p.title)} API, and is the base URL right?"
    )


def _served_without_key(p: Probes) -> str:
    return (
        f"the target answers {p.keyless[0].status} without a key on every endpoint the {p.title} "
        f"docs say needs one ({_line(p.keyless[0])}, {len(p.keyless)} tried): is this {_a(p.title)} "
        "API, and is the base URL right?"
    )


def _key_refused(p: Probes) -> str:
    probe = p.key_refused_documented
    assert probe is not None
    code = p.oracle.code_of(probe)
    return (
        f"the target refuses --api-key ({probe.status} {code} at {probe.request.method} "
        f"{probe.request.path}): check ERRCONTRACT_API_KEY"
    )


def _key_like_made_up(p: Probes) -> str:
    same = p.answered_alike
    assert same is not None
    return (
        f"the target answers --api-key as it answers a made-up key ({p.said(same)} at "
        f"{same.request.method} {same.request.path}): the key is not accepted; check ERRCONTRACT_API_KEY"
    )


# ERROR: the run stops here (a usage error: the reason says the mistake and the fix); PASS: the
# suites run, with the notes (the details) heading the summary and the report.
PREFLIGHT_RULES: tuple[Rule[Probes], ...] = (
    Rule(
        "every probe answered HTML",
        lambda p: all("html" in (x.content_type or "") for x in p.answered),
        Verdict.ERROR,
        _html,
    ),
    Rule(
        "the errors are in another provider's envelope, none in this one's",
        lambda p: p.other_envelope is not None and not any(p.ours(x) for x in p.errors),
        Verdict.ERROR,
        _other_provider,
    ),
    Rule(
        "no documented route exists on the target",
        lambda p: bool(p.routed) and all(p.route_absent(x) for x in p.routed),
        Verdict.ERROR,
        _no_route,
    ),
    Rule(
        "served without a key on every endpoint the docs say needs one",
        lambda p: bool(p.keyless) and all(200 <= (x.status or 0) < 300 for x in p.keyless),
        Verdict.ERROR,
        _served_without_key,
    ),
    Rule(
        "the main key refused with one of the contract's 401 codes",
        lambda p: p.key_refused_documented is not None,
        Verdict.ERROR,
        _key_refused,
    ),
    Rule(
        "the main key answered as a made-up key is",
        lambda p: p.answered_alike is not None,
        Verdict.ERROR,
        _key_like_made_up,
    ),
    Rule("nothing conclusive: the suites run", always, Verdict.PASS, lambda p: None, Probes.notes),
)


def preflight_verdict(
    oracle: Oracle, answered: Collection[Exchange], base: str
) -> tuple[str | None, tuple[str, ...]]:
    """The preflight's word on the probes answered: the first row of `PREFLIGHT_RULES` that
    holds; (the one line that stops the run, or None) and the notes."""
    probes = Probes(oracle, tuple(answered), base)
    rule = first_rule(PREFLIGHT_RULES, probes)
    if rule.verdict_of(probes) is Verdict.ERROR:
        return rule.reason(probes), ()
    return None, rule.details(probes)


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
    Rule("not met", always, Verdict.NOT_OBSERVED, lambda m: (m.own.reason if m.own else None) or NOT_MET),
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
    ("the run's verdict", always, _run_side),
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
