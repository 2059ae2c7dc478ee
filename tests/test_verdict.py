"""The verdict as a value: `judge` is a plain function, the recorder keeps values (never the
exchanges), and a code's final verdict is decided in one place (`judge.verdict.final_verdict`)."""

from __future__ import annotations

import gc
import weakref

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.verdicts import RunVerdict, Strength, Verdict
from errcontract.judge.judged import judge
from errcontract.judge.model import Finding
from errcontract.judge.verdict import (
    MET_DURING_THE_RUN,
    NOT_MET,
    CodeResult,
    CodeRow,
    final_verdict,
    run_verdict,
)
from errcontract.requests.recipes import build_request
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun
from tests.helpers import exchange

VYDRA_HEADERS = {"content-type": "application/json", "x-ratelimit-limit": "60"}
FIXTURES = {"api_key": "vydra_live_user_u1_" + "a" * 32}
FAILED = Finding("envelope", "C", "C", 400, Strength.STATED, "body does not match the stated envelope")


@pytest.fixture
def run() -> ProviderRun:
    return ProviderRun(
        load_provider("vydra"), RunOptions(provider="vydra"), "http://127.0.0.1:9", FIXTURES, False
    )


def test_judge_is_a_plain_function_that_records_nothing(run: ProviderRun) -> None:
    spec = build_request(run.contract, "invalid-url", run.fixtures)
    judged = judge(
        exchange(spec, 400, {"error": "x", "code": "INVALID_URL"}, VYDRA_HEADERS), run.oracle, "", run.redact
    )
    assert judged.code == "INVALID_URL" and judged.answered == "HTTP 400 INVALID_URL"
    assert run.recorder.rows["INVALID_URL"].observed == 0  # judging is not recording
    run.recorder.record(judged)
    assert run.recorder.rows["INVALID_URL"].observed == 1


def test_the_recorder_keeps_no_exchange_but_the_last(run: ProviderRun) -> None:
    spec = build_request(run.contract, "invalid-url", run.fixtures)
    kept = []
    for _ in range(50):
        sent = exchange(spec, 400, {"error": "x", "code": "INVALID_URL"}, VYDRA_HEADERS)
        kept.append(weakref.ref(sent))
        run.observe(sent)
    del sent
    gc.collect()
    assert sum(ref() is not None for ref in kept) == 1  # last_judged, the evidence of a crash
    assert run.recorder.rows["INVALID_URL"].observed == 50
    assert len(run.recorder.rows["INVALID_URL"].evidence) <= 6


@pytest.mark.parametrize(
    ("own", "observed", "violation", "expected"),
    [
        (CodeResult("C", Verdict.PASS), 1, FAILED, (Verdict.FAIL, FAILED.message)),
        (CodeResult("C", Verdict.FAIL, "own"), 1, FAILED, (Verdict.FAIL, "own")),
        (CodeResult("C", Verdict.ERROR, "crash"), 0, None, (Verdict.ERROR, "crash")),
        (CodeResult("C", Verdict.NOT_OBSERVED, "needs --x"), 1, None, (Verdict.PASS, MET_DURING_THE_RUN)),
        (CodeResult("C", Verdict.NOT_OBSERVED, "needs --x"), 0, None, (Verdict.NOT_OBSERVED, "needs --x")),
        (None, 0, None, (Verdict.NOT_OBSERVED, NOT_MET)),
    ],
)
def test_a_codes_final_verdict_combines_its_own_test_with_what_the_run_met(
    own, observed, violation, expected
):
    row = CodeRow("C", own, observed, {400} if observed else set())
    final = final_verdict(row, (400,), violation)
    assert (final.verdict, final.reason) == expected
    assert final.first_violation is violation


def test_a_code_met_only_at_an_undocumented_status_is_not_observed():
    row = CodeRow("C", None, 2, {400, 500})
    assert final_verdict(row, (400,), None).verdict is Verdict.NOT_OBSERVED


def test_the_run_verdict():
    assert run_verdict(3, 0, False, False, False, False) is RunVerdict.UNREACHABLE
    assert run_verdict(3, 3, False, True, False, False) is RunVerdict.CONFORMANT
    assert run_verdict(3, 3, False, True, False, True) is RunVerdict.VIOLATIONS
    assert run_verdict(3, 3, False, False, True, False) is RunVerdict.VIOLATIONS
    assert run_verdict(0, 0, False, False, False, False) == "conformant"


def test_each_verdict_table_names_its_rows_once_and_ends_with_a_row_that_always_holds() -> None:
    from errcontract.judge import verdict

    for table in (verdict.ANSWER_RULES, verdict.REFUND_RULES, verdict.FINAL_RULES, verdict.PREFLIGHT_RULES):
        names = [rule.name for rule in table]
        assert len(set(names)) == len(names)
        assert table[-1].holds(object())  # type: ignore[arg-type]
    assert verdict.ENDPOINT_RULES[-1][1](object())  # type: ignore[arg-type]
    assert verdict.COMBINED_RULES[-1][1](object())  # type: ignore[arg-type]


def test_the_example_rows_are_named_once_and_the_envelope_rows_exclude_each_other() -> None:
    from errcontract.contract.lint.examples import EXAMPLE_RULES, ExampleResult, ExampleSeen

    names = [rule.name for rule in EXAMPLE_RULES]
    assert len(set(names)) == len(names)
    envelope = [rule for rule in EXAMPLE_RULES if rule.name in names[4:]]
    for stated_errors in ((), ("x: wrong",)):
        for ambiguity in (None, "a"):
            for other in ((), ("y: wrong",)):
                errors: dict[str, tuple[str, ...]] = {
                    "stated": stated_errors,
                    **({"exemplified": other} if other else {}),
                }
                result = ExampleResult("e", 400, "BAD", False, ambiguity, errors)
                seen = ExampleSeen(result, frozenset({"a"}), frozenset({400}), {"BAD": (400,)})
                assert sum(rule.holds(seen) for rule in envelope) <= 1, (stated_errors, ambiguity, other)


@pytest.mark.parametrize(
    ("balances", "expected"),
    [((10, 5, 10), Verdict.PASS), ((10, 5, 8), Verdict.FAIL), ((10, 3, 8), Verdict.PASS)],
    ids=["nothing-lost", "not-back", "charge-back-while-spending"],
)
def test_the_refund_promise_is_decided_by_its_table(
    balances: tuple[int, int, int], expected: Verdict
) -> None:
    from errcontract.judge.verdict import RefundSeen, refund_verdict

    verdict, reason = refund_verdict(RefundSeen(*balances, charged=5, cancel_status=200))
    assert verdict is expected and reason
