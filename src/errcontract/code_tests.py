"""The per-code test: provoke one documented code with its one-defect recipe and judge it.

Outcomes: pass; fail (violations, with the evidence and a curl reproducer); error (no answer, or
a check could not judge); not observed (skipped with the reason: observe-only, a missing
fixture, a billable request on a live target, the budget, the target's rate limit).
"""

from __future__ import annotations

from typing import Any

import pytest

from errcontract.client import NotSent
from errcontract.exchange import Exchange, RequestSpec
from errcontract.options import fixture_flag
from errcontract.recipes import MissingFixture, build_requests
from errcontract.session import ProviderRun


def _not_observed(run: ProviderRun, code: str, reason: str) -> None:
    run.recorder.set_code_result(code, "not-observed", reason)
    pytest.skip(reason)


def _first_telling_exchange(run: ProviderRun, code_name: str, specs: list[RequestSpec]) -> Exchange:
    """Send the recipe (then its fallbacks) until an answer is not a plain success."""
    exchange = None
    for spec in specs:
        try:
            exchange = run.send(spec)
        except NotSent as exc:
            _not_observed(run, code_name, str(exc))
        if not 200 <= (exchange.status or 0) < 300 or spec.has_certain_defect:
            return exchange
    if len(specs) > 1:  # the fixture lacks something by definition: somewhere it must be refused
        tried = ", ".join(s.endpoint or s.path for s in specs)
        fixture = specs[0].key_fixture or "the fixture"
        message = (f"{fixture} was accepted on every endpoint tried ({tried}); "
                   f"the docs promise {code_name} when it lacks what an endpoint needs")
        run.recorder.add_finding("defect_rejected", code_name, message, exchange)
        run.recorder.set_code_result(code_name, "fail", message)
        pytest.fail(run.redact(message), pytrace=False)
    return exchange


def check_documented_code(run: ProviderRun, code_name: str, item: Any = None) -> None:
    """Provoke `code_name` on the run's target; pytest.fail / pytest.skip say why not a pass."""
    code = run.contract.codes[code_name]
    if item is not None:
        item.errcontract_code = code_name
    if code.observe_only:
        why = code.observe_reason or "no documented request provokes it"
        _not_observed(run, code_name, f"observe-only: {why}")
    try:
        specs = build_requests(run.contract, code.provoke, run.fixtures)
    except MissingFixture as exc:
        _not_observed(run, code_name, "needs " + ", ".join(fixture_flag(n) for n in exc.names))
    exchange = _first_telling_exchange(run, code_name, specs)
    spec = exchange.request
    judged = run.recorder.judge(exchange)
    if item is not None:
        item.errcontract_evidence = [run.recorder.evidence(judged)]
    if exchange.status is None:
        run.recorder.set_code_result(code_name, "error", exchange.transport_error)
        pytest.fail(run.redact(f"could not judge {code_name}: {exchange.transport_error}"), pytrace=False)
    outcome = judged.outcome
    if exchange.status == 429 and not spec.expects_rate_limit and outcome.ok:
        _not_observed(run, code_name, "the target rate-limited the request (a conformant 429)")
    if outcome.violations:
        run.recorder.set_code_result(code_name, "fail", outcome.violations[0].message)
        lines = [f"{v.check}: {v.message}" for v in outcome.violations]
        pytest.fail(run.redact("\n".join([*lines, f"reproduce: {judged.reproduce}"])), pytrace=False)
    if outcome.errors:
        run.recorder.set_code_result(code_name, "error", outcome.errors[0])
        pytest.fail(run.redact("could not judge: " + "; ".join(outcome.errors)), pytrace=False)
    if run.options.strict and outcome.warnings:
        run.recorder.set_code_result(code_name, "fail", outcome.warnings[0].message)
        lines = [f"{w.check} (warning, --strict): {w.message}" for w in outcome.warnings]
        pytest.fail(run.redact("\n".join(lines)), pytrace=False)
    run.recorder.set_code_result(code_name, "pass")
