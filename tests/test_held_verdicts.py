"""A per-code test's report says the code's final verdict (the one results.json gives)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from errcontract.core.verdicts import Strength
from errcontract.judge.model import Finding
from errcontract.run.held_verdicts import settle

ITEM = SimpleNamespace(location=("suites/test_codes.py", 16, "test_documented_code[vydra/404/NOT_FOUND]"))
VIOLATION = Finding(
    "envelope",
    None,
    None,
    None,
    Strength.STATED,
    "",
    reproduce="curl -sS -i http://127.0.0.1:9/x",
    source="fuzz",
)


def report(outcome: str, longrepr: object = None) -> pytest.TestReport:
    return pytest.TestReport("suites/test_codes.py::t", ITEM.location, {}, outcome, longrepr, "call")


def test_a_skipped_code_met_later_at_a_documented_status_passes_with_the_reason_attached() -> None:
    held = report("skipped", ("/x/code_tests.py", 140, "Skipped: observe-only: no request provokes it"))
    settle(held, ITEM, "pass", "observed during the run at a documented status", None)
    assert held.outcome == "passed" and held.longrepr is None
    assert held.sections == [("errcontract verdict", "observed during the run at a documented status")]


def test_a_passing_code_broken_later_fails_with_what_broke_it_and_a_reproducer() -> None:
    held = report("passed")
    settle(held, ITEM, "fail", "body does not match the stated envelope", VIOLATION)
    assert held.outcome == "failed"
    assert held.longreprtext.splitlines() == [
        "body does not match the stated envelope",
        "found after this test ran, by fuzz (envelope)",
        "reproduce: curl -sS -i http://127.0.0.1:9/x",
    ]


def test_a_not_observed_code_is_a_skip_whose_reason_is_a_sentence_at_the_tests_location() -> None:
    held = report("skipped", ("/venv/lib/errcontract/code_tests.py", 140, "Skipped: needs --api-key-revoked"))
    settle(held, ITEM, "not-observed", "needs --api-key-revoked", None)
    assert held.longrepr == ("suites/test_codes.py", 17, "Skipped: not observed: needs --api-key-revoked")


def test_a_failure_the_test_found_itself_keeps_its_own_message() -> None:
    held = report("failed", "expected KEY_NOT_FOUND, answered HTTP 402")
    settle(held, ITEM, "fail", "expected KEY_NOT_FOUND, answered HTTP 402", VIOLATION)
    assert held.longrepr == "expected KEY_NOT_FOUND, answered HTTP 402"
