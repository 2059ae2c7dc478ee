"""The per-code verdict: provoke one documented code with its one-defect recipe and judge it.

`provoke(run, code) -> CodeResult` is a plain function returning a frozen value; the pytest
suite only turns that value into pass, skip or fail (`as_pytest_outcome`).

A code *passes* only when its recipe's response carries that very code, at a status the docs
give it, and every check holds. A code the docs also allow for the recipe's defect makes it
*not observed* (with what was answered); anything else is *fail* with the evidence. A crash
anywhere in provoking or judging is *error*, with the request attached, never *not observed*.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import pytest

from errcontract.client.http import NotSent
from errcontract.contract.model import Code
from errcontract.core.exchange import Defect, Exchange, RequestSpec
from errcontract.core.verdicts import Verdict
from errcontract.judge.judged import Judged
from errcontract.judge.verdict import CodeResult
from errcontract.requests.assumptions import PREFIX as ASSUMED_PREFIX
from errcontract.requests.recipes import MissingFixture, build_requests, build_variants
from errcontract.run.option_table import fixture_flag
from errcontract.run.session import ProviderRun


def provoke(run: ProviderRun, code_name: str) -> CodeResult:
    """Provoke `code_name` on the run's target and judge the answer; records the result."""
    try:
        result = _provoke(run, run.contract.codes[code_name])
    except Exception as exc:
        reason = run.redact(f"errcontract could not provoke {code_name}: {type(exc).__name__}: {exc}")
        result = CodeResult(code_name, Verdict.ERROR, reason, evidence=_last_evidence(run))
    run.recorder.set_code_result(result)
    return result


def missing_fixtures_reason(run: ProviderRun, names: Collection[str]) -> str:
    """`needs --model`, and why the target did not tell it when it was asked."""
    needs = ", ".join(fixture_flag(n) for n in names)
    why = "; ".join(run.fixture_misses[n] for n in names if n in run.fixture_misses)
    return f"needs {needs}" + (f" ({why})" if why else "")


def _provoke(run: ProviderRun, code: Code) -> CodeResult:
    if code.observe_only:
        why = code.observe_reason or "no documented request provokes it"
        return CodeResult(code.name, Verdict.NOT_OBSERVED, f"observe-only: {why}")
    try:
        specs = build_requests(run.contract, code.provoke, run.fixtures)
    except MissingFixture as exc:
        return CodeResult(code.name, Verdict.NOT_OBSERVED, missing_fixtures_reason(run, exc.names))
    sent = _first_telling_exchange(run, code, specs)
    if isinstance(sent, CodeResult):
        return sent
    primary = judge_answer(run, code, sent)
    cells = {sent.exchange.request.endpoint or "": primary}
    for spec in build_variants(run.contract, code, run.fixtures):
        cells[spec.endpoint or ""] = _variant(run, code, spec)
    table = tuple((e, r.verdict, r.reason) for e, r in cells.items())
    return replace(_combined(primary, cells), cells=table)


def _variant(run: ProviderRun, code: Code, spec: RequestSpec) -> CodeResult:
    """The recipe on another endpoint the docs attach the code to."""
    try:
        judged = run.send(spec)
    except NotSent as exc:
        return CodeResult(code.name, Verdict.NOT_OBSERVED, str(exc))
    return judge_answer(run, code, judged)


def _combined(primary: CodeResult, cells: dict[str, CodeResult]) -> CodeResult:
    """A code fails (or errs) on any endpoint where it does; else its recipe's own verdict, and a
    recipe not observed on its own endpoint passes when another endpoint answered the code."""
    for verdict in (Verdict.FAIL, Verdict.ERROR):
        bad = {e: r for e, r in cells.items() if r.verdict is verdict}
        if bad:
            where, first = next(iter(bad.items()))
            details = tuple(f"on {e}: {line}" for e, r in bad.items() for line in (r.details or (r.reason,)))
            return CodeResult(first.code, verdict, f"on {where}: {first.reason}", details, first.evidence)
    if primary.verdict is Verdict.NOT_OBSERVED:
        seen = next((r for r in cells.values() if r.verdict is Verdict.PASS), None)
        return seen or primary
    return primary


def _first_telling_exchange(run: ProviderRun, code: Code, specs: list[RequestSpec]) -> Judged | CodeResult:
    """Send the recipe (then its fallbacks) until an answer is not a plain success."""
    judged = None
    for spec in specs:
        try:
            judged = run.send(spec)
        except NotSent as exc:
            return CodeResult(code.name, Verdict.NOT_OBSERVED, str(exc))
        if not 200 <= (judged.exchange.status or 0) < 300 or spec.has_certain_defect:
            return judged
    assert judged is not None
    if len(specs) > 1:  # the docs map no scope to an endpoint: nowhere tried had to refuse it
        tried = ", ".join(s.endpoint or s.path for s in specs)
        fixture = specs[0].key_fixture or "the fixture"
        reason = (
            f"{fixture} was accepted on every endpoint tried ({tried}); the docs do not say "
            "which endpoint needs which scope, so none had to refuse it"
        )
        return CodeResult(code.name, Verdict.NOT_OBSERVED, reason)
    return judged


def judge_answer(run: ProviderRun, code: Code, judged: Judged) -> CodeResult:
    """The verdict on the recipe's answer (see the module docstring)."""
    exchange, outcome = judged.exchange, judged.outcome
    evidence = (judged.evidence(),)

    def result(verdict: Verdict, reason: str | None, details: tuple[str, ...] = ()) -> CodeResult:
        return CodeResult(code.name, verdict, reason, details, evidence)

    if exchange.status is None:
        return result(Verdict.ERROR, f"no answer: {exchange.transport_error}")
    answered = judged.code
    if exchange.status == 429 and not exchange.request.expects_rate_limit and outcome.ok:
        return result(Verdict.NOT_OBSERVED, "the target rate-limited the request (a conformant 429)")
    if outcome.violations:
        lines = tuple(run.redact(f"{v.check}: {v.message}") for v in outcome.violations)
        return result(Verdict.FAIL, _fail_reason(run, code, exchange, lines[0]), lines)
    if outcome.errors:
        return result(Verdict.ERROR, "; ".join(outcome.errors))
    if run.options.strict and outcome.warnings:
        lines = tuple(
            run.redact(f"{w.check} ({w.strength}, --strict): {w.message}") for w in outcome.warnings
        )
        return result(Verdict.FAIL, lines[0], lines)
    if answered == code.name and run.contract.code_allows(code.name, exchange.status):
        return result(Verdict.PASS, None)
    if run.oracle.window_had_room(exchange):
        key, room = exchange.request.key_fixture or "the key", run.oracle.remaining_of(exchange)
        reason = f"served (HTTP {exchange.status}), {room} requests remaining: {key}'s window had room again"
        return result(Verdict.NOT_OBSERVED, reason)
    seen = f"HTTP {exchange.status} {run.oracle.shown_code(exchange) or '(no code)'}"
    if answered in _also_allowed(run, code):
        return result(Verdict.NOT_OBSERVED, f"answered {seen}, which the docs also allow for this defect")
    refused = _refused_assumption(code, exchange.request, answered)
    if refused is not None:
        what = refused.name.removeprefix(ASSUMED_PREFIX)
        reason = f"answered {seen}, which may refuse {what}: the defect under test was not reached"
        return result(Verdict.NOT_OBSERVED, reason)
    return result(
        Verdict.FAIL, f"expected {code.name} (HTTP {'/'.join(map(str, code.statuses))}), answered {seen}"
    )


def _refused_assumption(code: Code, spec: RequestSpec, answered: str | None) -> Defect | None:
    """The assumed part of the request (a guessed body, a value read from the target) the answer
    may refuse, when that is not what the code under test is about."""
    return next(
        (
            d
            for d in spec.defects
            if d.assumed and answered in d.codes and d.defect_class != code.defect_class
        ),
        None,
    )


def _also_allowed(run: ProviderRun, code: Code) -> tuple[str, ...]:
    return code.recipe.also_allowed if code.recipe else ()


def _fail_reason(run: ProviderRun, code: Code, exchange: Exchange, first: str) -> str:
    """A key fixture accepted where it must be refused: say both readings in one sentence."""
    fixture = exchange.request.key_fixture
    if fixture and fixture != run.contract.main_key and 200 <= (exchange.status or 0) < 300:
        return (
            f"{fixture_flag(fixture)} was accepted (HTTP {exchange.status}) where the docs promise "
            f"{code.name}: either the target does not refuse it, or the key is not what "
            f"{fixture_flag(fixture)} says it is"
        )
    return first


def _last_evidence(run: ProviderRun) -> tuple[dict[str, str], ...]:
    judged = run.recorder.last_judged
    return (judged.evidence(),) if judged is not None else ()


def as_pytest_outcome(result: CodeResult) -> None:
    """pass: return; not observed: skip with the reason; fail and error: fail with the lines."""
    if result.verdict is Verdict.PASS:
        return None
    if result.verdict is Verdict.NOT_OBSERVED:
        pytest.skip(result.reason or "not observed")
    lines = [result.reason or "", *[d for d in result.details if d != result.reason]]
    reproduce = [f"reproduce: {e['reproduce']}" for e in result.evidence[:1]]
    prefix = "could not judge: " if result.verdict is Verdict.ERROR else ""
    pytest.fail(prefix + "\n".join([*lines, *reproduce]), pytrace=False)
