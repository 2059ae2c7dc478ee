"""pytest.html, junit.xml and the terminal tell each code's verdict as results.json does.

A code's verdict is final only at the end of the session: its own test may pass, and a response
with that code met later (a generated request, Schemathesis) may break the contract; or its test
finds it not provokable (skip) and the run meets it anyway (pass). So each code test runs in its
turn, but its reports are held and logged after the last test, with the outcome the code's final
verdict gives (pass: passed; fail or error: failed; not observed: skipped with the reason as a
plain sentence). junit.xml and pytest-html build their files from those logged reports.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Literal

import pytest

from errcontract.core.verdicts import Verdict
from errcontract.judge.model import Finding
from errcontract.judge.verdict import FinalVerdict

VerdictOf = Callable[[str, str], FinalVerdict | None]
Phase = Literal["setup", "call", "teardown"]
OUTCOMES = {
    Verdict.PASS: "passed",
    Verdict.FAIL: "failed",
    Verdict.ERROR: "failed",
    Verdict.NOT_OBSERVED: "skipped",
}


def documented_code(item: pytest.Item) -> tuple[str, str] | None:
    """(provider, code) of a per-code test, None for any other test."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    value = params.get("documented_code")
    return (str(value[0]), str(value[1])) if isinstance(value, tuple) and len(value) == 2 else None


class HeldVerdicts:
    """The pytest plugin object: holds the per-code tests' reports, releases them at the end."""

    def __init__(self, verdict_of: VerdictOf) -> None:
        self.verdict_of = verdict_of  # (provider, code) -> the code's final verdict
        self.held: list[tuple[pytest.Item, list[pytest.TestReport]]] = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
        if documented_code(item) is None:
            return None
        self.held.append((item, run_unlogged(item, nextitem)))
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, Any, Any]:
        try:
            return (yield)
        finally:
            self.release()

    def release(self) -> None:
        held, self.held = self.held, []
        for item, reports in held:
            provider, code = documented_code(item) or ("", "")
            final = self.verdict_of(provider, code)
            item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
            for report in reports:
                if report.when == "call" and final is not None:
                    settle(report, item, final.verdict, final.reason, final.first_violation)
                item.ihook.pytest_runtest_logreport(report=report)
            item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)


def run_unlogged(item: pytest.Item, nextitem: pytest.Item | None) -> list[pytest.TestReport]:
    """The test's setup, call and teardown through pytest's public hooks, as pytest runs them,
    but with their reports returned instead of logged."""
    ihook = item.ihook
    reports = [_call_and_report(item, "setup", lambda: ihook.pytest_runtest_setup(item=item))]
    if reports[0].passed:
        reports.append(_call_and_report(item, "call", lambda: ihook.pytest_runtest_call(item=item)))
    if item.session.shouldfail or item.session.shouldstop:
        nextitem = None  # tear everything down, as pytest does
    teardown = _call_and_report(
        item, "teardown", lambda: ihook.pytest_runtest_teardown(item=item, nextitem=nextitem)
    )
    return [*reports, teardown]


def _call_and_report(item: pytest.Item, when: Phase, step: Callable[[], None]) -> pytest.TestReport:
    call = pytest.CallInfo.from_call(step, when=when, reraise=(pytest.exit.Exception, KeyboardInterrupt))
    report: pytest.TestReport = item.ihook.pytest_runtest_makereport(item=item, call=call)
    if call.excinfo is not None and report.failed:  # --pdb and the like, as pytest offers them
        item.ihook.pytest_exception_interact(node=item, call=call, report=report)
    return report


def settle(
    report: pytest.TestReport,
    item: pytest.Item,
    verdict: Verdict,
    reason: str | None,
    violation: Finding | None,
) -> None:
    """Make the call report say the code's final verdict (its own finding kept when it agrees)."""
    wanted = OUTCOMES.get(verdict, report.outcome)
    if wanted == "skipped":
        path, line, _ = item.location
        why = f"not observed: {reason or 'no reason recorded'}"
        report.outcome, report.longrepr = "skipped", (path, (line or 0) + 1, f"Skipped: {why}")
    elif wanted == report.outcome:
        return
    elif wanted == "passed":
        report.outcome, report.longrepr = "passed", None
        if reason:
            report.sections.append(("errcontract verdict", reason))
    else:
        report.outcome, report.longrepr = "failed", late_failure(reason, violation)


def late_failure(reason: str | None, violation: Finding | None) -> str:
    """Why a code whose own test went well still fails: a later response broke the contract."""
    lines = [reason or "the code broke the contract"]
    if violation:
        lines.append(
            f"found after this test ran, by {violation.source or 'another request'} ({violation.check})"
        )
        if violation.reproduce:
            lines.append(f"reproduce: {violation.reproduce}")
    return "\n".join(lines)
