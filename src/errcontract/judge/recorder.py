"""The record of a run: every Judged exchange, whichever test sent it, gathered per code.

Whatever test sent a request (a recipe, a generated request, Schemathesis), its response was
judged once by every check (`judged.judge`) and the value is recorded here, so a code first met
by accident counts too. Only what the results need is kept: counts, findings and a few pieces of
evidence per code, never the exchanges themselves.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from errcontract.client.redact import Redactor
from errcontract.core.exchange import Exchange
from errcontract.core.verdicts import Severity, Strength, Verdict
from errcontract.judge.checks import CheckOutcome, Oracle, Violation, rule_of
from errcontract.judge.checks.sequence import Sample, run_sequence_checks, sample_of, sequence_rule
from errcontract.judge.judged import Judged
from errcontract.judge.verdict import CodeResult, CodeRow, FinalVerdict, final_verdict

MAX_EVIDENCE = 3


class Recorder:
    """Records judged exchanges and keeps what the results need."""

    def __init__(self, oracle: Oracle, redact: Redactor) -> None:
        self.oracle = oracle
        self.redact = redact
        self.rows = {name: CodeRow(name) for name in oracle.contract.codes}
        self.undocumented: Counter[tuple[str, int]] = Counter()
        self.violations: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.errors: list[dict[str, str]] = []
        self.header_stats = Counter[str]()
        self.current_test = threading.local()
        self.last_judged: Judged | None = None  # the evidence of a crash in provoking a code
        self.samples: list[Sample] = []  # rate-limit headers per response, for the run-level checks
        self.refunds: list[dict[str, Any]] = []  # refund rows with the balances seen
        self._sequences_judged = False
        self._lock = threading.Lock()

    # -- recording ----------------------------------------------------------------------------
    def record(self, judged: Judged) -> None:
        """Count the judged exchange in and keep its findings (each exchange is recorded once)."""
        with self._lock:
            self.last_judged = judged
            self._record(judged)

    def _record(self, judged: Judged) -> None:
        exchange = judged.exchange
        test = getattr(self.current_test, "name", None)
        if exchange.status is None:
            self.errors.append({"test": test or "", "message": exchange.transport_error or "no answer"})
            return
        code = judged.code
        row = self._row_for(exchange, code)
        sample = sample_of(exchange, self.oracle.contract)
        if sample is not None:
            self.samples.append(sample)
        if code in self.rows:
            self.rows[code].observed += 1
            self.rows[code].observed_statuses.add(exchange.status)
        elif code is not None and exchange.status >= 400:
            self.undocumented[(code, exchange.status)] += 1
        self._count_headers(judged.outcome)
        for item in judged.outcome.violations:
            # A code fails if it fails anywhere: a finding that names a documented code (the
            # defect's, when the answer carried none of them) belongs to that code's row.
            self._add(self.violations, item, judged, test, row or self.rows.get(item.code or ""))
        for item in judged.outcome.warnings:
            self._add(self.warnings, item, judged, test, None)
        for message in judged.outcome.errors:
            self.errors.append({"test": test or "", "message": message})
        if row is not None and (len(row.evidence) < MAX_EVIDENCE or judged.outcome.violations):
            row.evidence.append(judged.evidence())
            del row.evidence[: max(0, len(row.evidence) - MAX_EVIDENCE * 2)]

    def _row_for(self, exchange: Exchange, code: str | None) -> CodeRow | None:
        """A recipe's findings belong to the code it provokes; others to the code answered."""
        if exchange.request.origin.startswith("recipe:") and exchange.request.defects:
            return self.rows.get(exchange.request.defects[0].codes[0])
        return self.rows.get(code or "")

    def _add(
        self,
        bucket: list[dict[str, Any]],
        item: Violation,
        judged: Judged,
        test: str | None,
        row: CodeRow | None,
    ) -> None:
        request = judged.exchange.request
        code = row.code if row is not None else item.code
        bucket.append(
            {
                "check": item.check,
                "code": code,
                "promise": code or rule_of(item.check),
                "status": item.status,
                "strength": item.strength,
                "message": self.redact(item.message),
                "reproduce": judged.reproduce,
                "source": request.origin,
                "defects": request.describe_defects(),
                "test": test or "",
            }
        )
        if row is not None:
            row.violation_ids.append(len(bucket) - 1)

    def add_refund(self, row: dict[str, Any], evidence: tuple[dict[str, str], ...]) -> None:
        """A refund watched end to end; a failed one is a violation of its promise."""
        with self._lock:
            self.refunds.append({**row, "evidence": list(evidence)})
            if row["verdict"] == Verdict.FAIL:
                self.violations.append(
                    {
                        "check": row["check"],
                        "code": None,
                        "promise": row["promise"],
                        "status": None,
                        "strength": Strength.STATED,
                        "message": self.redact(row["reason"]),
                        "reproduce": evidence[0]["reproduce"] if evidence else "",
                        "source": "refund",
                        "defects": "none",
                        "test": getattr(self.current_test, "name", None) or "",
                    }
                )

    def judge_sequences(self) -> None:
        """The run-level header checks, once, after the last exchange (evidence: the values)."""
        with self._lock:
            if self._sequences_judged:
                return
            self._sequences_judged = True
            try:
                found = run_sequence_checks(self.samples, self.oracle.contract)
            except Exception as exc:
                self.errors.append({"test": "", "message": f"sequence checks crashed: {exc!r}"})
                return
            for item in found:
                into = self.warnings if item.severity is Severity.WARNING else self.violations
                into.append(
                    {
                        "check": item.check,
                        "code": None,
                        "promise": sequence_rule(item.check),
                        "status": None,
                        "strength": item.strength,
                        "message": self.redact(item.message),
                        "reproduce": "",
                        "source": "run",
                        "defects": "none",
                        "test": "",
                    }
                )

    def _count_headers(self, outcome: CheckOutcome) -> None:
        self.header_stats["checked"] += 1
        for item in outcome.violations:
            if item.header_fault:
                self.header_stats[item.header_fault] += 1

    # -- per-code results ---------------------------------------------------------------------
    def set_code_result(self, result: CodeResult) -> None:
        """The code's own test's result (its recipe's verdict, per endpoint tried)."""
        with self._lock:
            self.rows[result.code].own = result

    def verdict(self, code: str) -> FinalVerdict:
        """The code's final verdict: its own test combined with what the run met anywhere."""
        with self._lock:
            row = self.rows[code]
            first = self.violations[row.violation_ids[0]] if row.violation_ids else None
            contract = self.oracle.contract
            allowed = {s for s in row.observed_statuses if contract.code_allows(code, s)}
            return final_verdict(row, {*contract.codes[code].statuses, *allowed}, first)
