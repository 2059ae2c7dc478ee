"""The per-code verdict: provoke one documented code with its one-defect recipe and judge it.

`provoke(run, code) -> CodeResult` is a plain function returning a frozen value; the pytest
suite only turns that value into pass, skip or fail (`as_pytest_outcome`).

A code *passes* only when its recipe's response carries that very code, at a status the docs
give it, and every check holds. A code the docs also allow for the recipe's defect makes it
*not observed* (with what was answered); anything else is *fail* with the evidence. A crash
anywhere in provoking or judging is *error*, with the request attached, never *not observed*.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from errcontract.client.http import NotSent
from errcontract.contract.model import Code
from errcontract.core.exchange import RequestSpec
from errcontract.core.verdicts import Verdict
from errcontract.judge.judged import Judged
from errcontract.judge.model import Evidence
from errcontract.judge.verdict import CodeResult, answer_verdict, combined_verdict
from errcontract.requests.recipes import MissingFixture, build_requests, build_variants
from errcontract.run.session import ProviderRun, missing_fixtures_reason


def provoke(run: ProviderRun, code_name: str) -> CodeResult:
    """Provoke `code_name` on the run's target and judge the answer; records the result."""
    try:
        result = _provoke(run, run.contract.codes[code_name])
    except Exception as exc:
        reason = run.redact(f"errcontract could not provoke {code_name}: {type(exc).__name__}: {exc}")
        result = CodeResult(code_name, Verdict.ERROR, reason, evidence=_last_evidence(run))
    run.recorder.set_code_result(result)
    return result


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
    return replace(combined_verdict(primary, cells), cells=table)


def _variant(run: ProviderRun, code: Code, spec: RequestSpec) -> CodeResult:
    """The recipe on another endpoint the docs attach the code to."""
    try:
        judged = run.send(spec)
    except NotSent as exc:
        return CodeResult(code.name, Verdict.NOT_OBSERVED, str(exc))
    return judge_answer(run, code, judged)


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
    """The verdict on the recipe's answer: decided by `judge.verdict.answer_verdict` from the
    judged exchange, the oracle and --strict (nothing else of the run)."""
    return answer_verdict(code, judged, run.oracle, run.options.strict, run.redact)


def _last_evidence(run: ProviderRun) -> tuple[Evidence, ...]:
    judged = run.recorder.last_judged
    return (judged.evidence(),) if judged is not None else ()


def as_pytest_outcome(result: CodeResult) -> None:
    """pass: return; not observed: skip with the reason; fail and error: fail with the lines."""
    if result.verdict is Verdict.PASS:
        return None
    if result.verdict is Verdict.NOT_OBSERVED:
        pytest.skip(result.reason or "not observed")
    lines = [result.reason or "", *[d for d in result.details if d != result.reason]]
    reproduce = [f"reproduce: {e.reproduce}" for e in result.evidence[:1]]
    prefix = "could not judge: " if result.verdict is Verdict.ERROR else ""
    pytest.fail(prefix + "\n".join([*lines, *reproduce]), pytrace=False)
