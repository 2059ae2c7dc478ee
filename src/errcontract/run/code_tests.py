"""The per-code verdict: provoke one documented code with its one-defect recipe and judge it.

`provoke(run, code) -> CodeResult` is a plain function returning a frozen value; the pytest
suite only turns that value into pass, skip or fail (`as_pytest_outcome`). `verdict_for` is what
the suite calls: the session's per-code tests are provoked side by side (`code_batch.py`), each
test reading its own code's value. A code's recipe on the other endpoints the docs attach it to
is sent side by side too.

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
from errcontract.core.exchange import Defect, RequestSpec
from errcontract.core.verdicts import Verdict
from errcontract.judge.judged import Judged, judge
from errcontract.judge.model import Evidence
from errcontract.judge.verdict import Answer, CodeResult, answer_verdict, combined_verdict
from errcontract.requests.recipes import MissingFixture, base_request, build_requests, build_variants
from errcontract.run.code_batch import batch_of
from errcontract.run.session import ProviderRun, missing_fixtures_reason


def verdict_for(run: ProviderRun, code_name: str) -> CodeResult:
    """The code's verdict: provoked with the session's other per-code tests, side by side (or
    alone, when the session did not plan its test)."""
    batched = batch_of(run, provoke).result(code_name)
    return batched if batched is not None else provoke(run, code_name)


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
    variants = build_variants(run.contract, code, run.fixtures)
    for spec, result in zip(variants, run.each(lambda s: _variant(run, code, s), variants), strict=True):
        cells[spec.endpoint or ""] = result
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
    judged exchange, the oracle and --strict; where the answer may refuse an assumed part of the
    request, the defect-free twin says whether the defect was reached (`_twin_reached_the_defect`)."""
    answer = Answer(code, judged, run.oracle, run.options.strict, run.redact)
    result = answer_verdict(code, judged, run.oracle, run.options.strict, run.redact)
    refused = answer.refused_assumption
    if result.verdict is not Verdict.NOT_OBSERVED or refused is None:
        return result
    reached = _twin_reached_the_defect(run, judged.exchange.request, refused)
    if reached is None:
        return result
    lines = _judged_without_assumptions(run, judged)
    return CodeResult(code.name, Verdict.FAIL, f"{answer.expected()}; {reached}", lines, result.evidence)


def _judged_without_assumptions(run: ProviderRun, judged: Judged) -> tuple[str, ...]:
    """The answer judged as what it is once the assumed part was shown fine: its findings
    recorded against the code under test (a 400 for an unknown model: not justified)."""
    exchange = judged.exchange
    kept = tuple(d for d in exchange.request.defects if not d.assumed)
    again = judge(
        replace(exchange, request=replace(exchange.request, defects=kept)), run.oracle, run.target, run.redact
    )
    row = run.recorder.rows.get(kept[0].codes[0]) if kept and kept[0].codes else None
    for item in again.outcome.violations:
        run.recorder.add_finding(
            run.recorder.finding(item, again, None, row), item.severity, item.header_fault
        )
    return tuple(run.redact(f"{v.check}: {v.message}") for v in again.outcome.violations)


def _twin_reached_the_defect(run: ProviderRun, sent: RequestSpec, refused: Defect) -> str | None:
    """Was the defect reached though the answer could be about an assumed part? The recipe's
    defect-free twin (the same request, the defect removed) says: accepted, or refused for
    another reason than that part, the assumed part was fine, so the answer was about the
    defect. Sent only where it costs nothing: not billable, or the embedded mock. None: unknown."""
    endpoint = run.contract.endpoints.get(sent.endpoint or "")
    if endpoint is None or (endpoint.billable and not run.embedded_mock):
        return None
    missing: set[str] = set()
    twin = base_request(run.contract, endpoint, run.fixtures, missing)
    if missing:
        return None
    try:
        judged = run.send(replace(twin, origin="twin", may_bill=endpoint.billable))
    except NotSent:
        return None
    status = judged.exchange.status
    if status is None or (status >= 400 and judged.code in refused.codes):
        return None  # the twin was refused the same way: the assumed part may be what is refused
    answered = f"HTTP {status} {judged.code or ''}".rstrip()
    return f"the same request without the defect was answered {answered}, so the answer was about the defect"


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
