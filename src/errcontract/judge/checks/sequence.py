"""Header semantics across a run: what one response cannot show, a sequence of them can.

Both providers document `X-RateLimit-Remaining` as the requests remaining, `X-RateLimit-Limit`
as the limit and `X-RateLimit-Reset` as when the window resets (contract `headers.rate_limit`,
each header's `role`, and the `window`: fixed or sliding, and how long). Over the run's responses
to the main key, in send order:

- the limit stays constant;
- the remaining count goes down as counted requests are made: judged on successful requests
  only (whatever else a provider counts, a request it served is a request), never on one pair
  (the run is concurrent and other clients may spend the window too): a contradiction must
  hold over several requests, no value in the later half below every value of the earlier half.
  It rests on no window kind and no reset: within one window's length nothing ages out, and a
  window that rolls over shows as the count rising above all it showed before (the sequence is
  judged from there);
- in a fixed window the reset stays put (it may roll over once per window), and it always lies
  in the future; where the contract's window kind is only exemplified (VicSee's "per day" could be
  a calendar day or a rolling 24 hours), the rules that rest on the kind are warnings;
- a 429's `Retry-After` agrees with the reset: never later (in a fixed window, not earlier either).
  The docs tie the two together nowhere, and a 429 may be for another limit than the one the
  headers count (Vydra's headers count the minute; its hour, day and concurrency limits answer
  429 too), so this one is always a warning, and a wait longer than the whole window (which
  cannot be this window's) is not judged.

Each rule is a small function registered by name, `(samples, window) -> [Violation] | NotJudged`,
with the sequence of values as its evidence; a rule without the samples it needs says so
(`NotJudged`), and the run's results show it as "not judged (N samples)", never as a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from errcontract.contract.model import Contract
from errcontract.core.exchange import Exchange
from errcontract.core.registry import Registry, function_rule
from errcontract.core.verdicts import Strength, severity_for
from errcontract.judge.checks.registry import Violation

MIN_SAMPLES = 4  # fewer served responses than this tell nothing about a trend
SLACK_S = 2.0  # clock skew and rounding between the target's clock and ours
SHOWN = 8  # values quoted as evidence


@dataclass(frozen=True)
class Sample:
    """The rate-limit headers of one response to a fixture key, in send order."""

    key: str  # which fixture key (each key's window is judged apart)
    seq: int
    sent_at: float
    status: int
    limit: str | None
    remaining: int | None
    reset: float | None
    retry_after: float | None


@dataclass(frozen=True)
class Window:
    kind: str  # fixed | sliding
    seconds: int
    strength: Strength = Strength.STATED  # how the docs give the kind


@dataclass(frozen=True)
class NotJudged:
    """A rule met too few samples to say anything: how many it had, how many it needs."""

    samples: int
    needed: int


@dataclass(frozen=True)
class RuleCoverage:
    """Whether a rule was judged over the run, and on how many samples (the most of any key)."""

    judged: bool
    samples: int
    needed: int = 0

    @property
    def text(self) -> str:
        plural = "" if self.samples == 1 else "s"
        if self.judged:
            return f"judged ({self.samples} sample{plural})"
        return f"not judged ({self.samples} sample{plural}; needs {self.needed})"


def _finding(check: str, text: str, strength: Strength) -> Violation:
    return Violation(check, text, severity=severity_for(strength), strength=strength)


SequenceCheck = Callable[[list["Sample"], "Window"], "list[Violation] | NotJudged"]
SEQUENCE_CHECKS: Registry[SequenceCheck] = Registry("sequence check")


def sequence_check(name: str | None = None, *, promise: str) -> Callable[[SequenceCheck], SequenceCheck]:
    """Register a run-level rule under its function's name (or `name`) with the promise it guards."""
    return function_rule(SEQUENCE_CHECKS, promise, name)


def _roles(contract: Contract) -> dict[str, tuple[str, str]]:
    """role -> (header name, format), from the rate-limit fields and the 429 headers."""
    fields = {**contract.headers.rate_limit_fields, **contract.headers.for_status(429)}
    return {f.role: (name, f.format) for name, f in fields.items() if f.role}


def window_of(contract: Contract) -> Window | None:
    rate_limit = contract.headers.rate_limit
    window = rate_limit.window if rate_limit else None
    return Window(window.kind, window.seconds, Strength(window.strength)) if window else None


def _number(value: str | None, fmt: str) -> float | None:
    if value is None:
        return None
    text = value.strip()
    try:
        if fmt == "iso8601":
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        return float(int(text))
    except ValueError:
        return None  # a malformed value is the per-response check's finding


def sample_of(exchange: Exchange, contract: Contract) -> Sample | None:
    """The sample of a response to a recognised fixture key (None for any other)."""
    key = exchange.request.key_fixture
    if key is None or not exchange.identified or exchange.status is None:
        return None
    roles = _roles(contract)

    def value(role: str) -> str | None:
        return exchange.header(roles[role][0]) if role in roles else None

    remaining = _number(value("remaining"), "integer")
    return Sample(
        key,
        exchange.seq,
        exchange.sent_at,
        exchange.status,
        value("limit"),
        int(remaining) if remaining is not None else None,
        _number(value("reset"), roles["reset"][1]) if "reset" in roles else None,
        _number(value("retry_after"), "integer"),
    )


def _shown(values: list[Any]) -> str:
    head = ", ".join(str(v) for v in values[:SHOWN])
    return f"[{head}{', …' if len(values) > SHOWN else ''}] ({len(values)} responses)"


@sequence_check(promise="X-RateLimit-Limit, the key's limit, stays the same across the run.")
def rate_limit_limit_constant(samples: list[Sample], window: Window) -> list[Violation] | NotJudged:
    """X-RateLimit-Limit, the key's limit, stays the same across the run."""
    values = [s.limit for s in samples if s.limit is not None]
    if len(values) < 2:
        return NotJudged(len(values), 2)
    if len(set(values)) <= 1:
        return []
    text = f"X-RateLimit-Limit changed within the run: {_shown(values)}"
    return [Violation("rate_limit_limit_constant", text)]


def served_counts(samples: list[Sample], window: Window) -> list[Sample]:
    """The served responses whose remaining counts the rule judges: within one window's length
    of the first (nothing ages out of any window kind before that), from the last rollover on (a
    count rising above every one before it: a fixed window that reset, whatever the reset says)."""
    counted = [s for s in samples if 200 <= s.status < 300 and s.remaining is not None]
    counted = [s for s in counted if s.sent_at - counted[0].sent_at < window.seconds]
    start, top = 0, None
    for index, sample in enumerate(counted):
        value = sample.remaining or 0
        if top is not None and value > top:
            start = index  # the window rolled over: judge the sequence from here
        top = value if top is None or value > top else top
    return counted[start:]


@sequence_check(
    promise="X-RateLimit-Remaining, the requests remaining, goes down as counted requests are made."
)
def rate_limit_remaining_decreases(samples: list[Sample], window: Window) -> list[Violation] | NotJudged:
    """X-RateLimit-Remaining, the requests remaining, goes down as counted requests are made."""
    counted = served_counts(samples, window)
    if len(counted) < MIN_SAMPLES:
        return NotJudged(len(counted), MIN_SAMPLES)
    half = len(counted) // 2
    earlier, later = [s.remaining for s in counted[:half]], [s.remaining for s in counted[half:]]
    if min(v for v in later if v is not None) < max(v for v in earlier if v is not None):
        return []
    values = [s.remaining for s in counted]
    text = f"X-RateLimit-Remaining did not go down over {len(counted)} counted requests: {_shown(values)}"
    return [Violation("rate_limit_remaining_decreases", text)]


@sequence_check(promise="In a fixed window X-RateLimit-Reset stays put until the window resets.")
def rate_limit_reset_fixed(samples: list[Sample], window: Window) -> list[Violation] | NotJudged:
    """In a fixed window X-RateLimit-Reset stays put until the window resets."""
    resets = [s.reset for s in samples if s.reset is not None]
    if window.kind != "fixed":
        return []
    if len(resets) < 2:
        return NotJudged(len(resets), 2)
    span = max(s.sent_at for s in samples) - min(s.sent_at for s in samples)
    allowed = 1 + int(span // window.seconds) + 1  # one rollover per window passed, and one more
    if len(set(resets)) <= allowed:
        return []
    text = f"X-RateLimit-Reset moved {len(set(resets)) - 1} times within one window: {_shown(resets)}"
    return [_finding("rate_limit_reset_fixed", text, window.strength)]


@sequence_check(promise="X-RateLimit-Reset, when the limit resets, lies in the future.")
def rate_limit_reset_future(samples: list[Sample], window: Window) -> list[Violation] | NotJudged:
    """X-RateLimit-Reset, when the limit resets, lies in the future."""
    resets = [s for s in samples if s.reset is not None]
    if not resets:
        return NotJudged(0, 1)
    past = [s for s in resets if s.reset is not None and s.reset < s.sent_at - SLACK_S]
    if not past:
        return []
    ago = [round(s.sent_at - (s.reset or 0)) for s in past]
    text = f"X-RateLimit-Reset lay in the past on {len(past)} responses (seconds ago: {_shown(ago)})"
    return [Violation("rate_limit_reset_future", text)]


@sequence_check(
    promise=("A 429's Retry-After agrees with X-RateLimit-Reset (never later; in a fixed window, the same)."),
)
def retry_after_agrees_with_reset(samples: list[Sample], window: Window) -> list[Violation] | NotJudged:
    """A 429's Retry-After agrees with X-RateLimit-Reset (never later; in a fixed window, the same)."""
    off = []
    judged = [s for s in samples if s.status == 429 and s.retry_after is not None and s.reset is not None]
    if not judged:
        return NotJudged(0, 1)
    for s in judged:
        if s.retry_after is None or s.reset is None:
            continue
        until_reset = s.reset - s.sent_at
        if s.retry_after > window.seconds + SLACK_S:
            continue  # longer than the whole window: another limit's wait (an hour's, a day's)
        early = window.kind == "fixed" and s.retry_after < until_reset - SLACK_S - 1
        if s.retry_after > until_reset + SLACK_S + 1 or early:
            off.append(f"Retry-After {s.retry_after:g} s vs reset in {until_reset:.0f} s")
    if not off:
        return []
    text = f"429 Retry-After disagrees with the reset: {_shown(off)}"
    return [_finding("retry_after_agrees_with_reset", text, Strength.EXEMPLIFIED)]


def sequence_rule(name: str) -> str:
    return SEQUENCE_CHECKS.promise(name)


def run_sequence_checks(samples: list[Sample], contract: Contract) -> list[Violation]:
    """Every sequence check on each key's samples, in send order."""
    return judge_sequences(samples, contract)[0]


def judge_sequences(
    samples: list[Sample], contract: Contract, main_key: str | None = None
) -> tuple[list[Violation], dict[str, RuleCoverage]]:
    """The findings of every sequence check on each key's samples, in send order, and whether
    each rule was judged at all (on `main_key`'s samples, or any key's; the most samples shown)."""
    window = window_of(contract)
    if window is None:
        return [], {}
    found: list[Violation] = []
    coverage: dict[str, RuleCoverage] = {}
    keys = sorted({s.key for s in samples} | ({main_key} if main_key else set()))
    for key in keys:
        ordered = sorted((s for s in samples if s.key == key), key=lambda s: s.seq)
        for name, check in SEQUENCE_CHECKS.items():
            if not rule_applies(name, window):
                continue
            outcome = check(ordered, window)
            here = (
                RuleCoverage(False, outcome.samples, outcome.needed)
                if isinstance(outcome, NotJudged)
                else RuleCoverage(True, len(ordered))
            )
            coverage[name] = _better(coverage.get(name), here)
            if not isinstance(outcome, NotJudged):
                found += [_for_key(v, key) for v in outcome]
    return found, coverage


def _better(known: RuleCoverage | None, new: RuleCoverage) -> RuleCoverage:
    if known is None or (new.judged and not known.judged):
        return new
    if new.judged == known.judged and new.samples > known.samples:
        return new
    return known


def rule_applies(name: str, window: Window) -> bool:
    """Rules that rest on a fixed window say nothing of a sliding one."""
    return not (name == "rate_limit_reset_fixed" and window.kind != "fixed")


def _for_key(violation: Violation, key: str) -> Violation:
    return Violation(
        violation.check,
        f"{violation.message} [key: {key}]",
        violation.status,
        violation.code,
        violation.severity,
        violation.strength,
    )
