"""The record of a run: every Judged exchange, whichever test sent it, gathered per code.

Whatever test sent a request (a recipe, a generated request, Schemathesis), its response was
judged once by every check (`judged.judge`) and the value is recorded here, so a code first met
by accident counts too. Only what the results need is kept: counts, findings and a few pieces of
evidence per code, never the exchanges themselves.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace

from errcontract.core.exchange import Exchange
from errcontract.core.redact import Redactor
from errcontract.core.verdicts import Severity, Strength, Verdict
from errcontract.judge.checks import CheckOutcome, Oracle, Violation, rule_of
from errcontract.judge.checks.sequence import RuleCoverage, Sample, judge_sequences, sample_of, sequence_rule
from errcontract.judge.judged import Judged
from errcontract.judge.model import ErrorEntry, Finding, RefundEntry
from errcontract.judge.verdict import CodeResult, CodeRow, FinalVerdict, final_verdict

MAX_EVIDENCE = 3


class Recorder:
    """Records judged exchanges and keeps what the results need."""

    def __init__(self, oracle: Oracle, redact: Redactor) -> None:
        self.oracle = oracle
        self.redact = redact
        self.rows = {name: CodeRow(name) for name in oracle.contract.codes}
        self.undocumented: Counter[tuple[str, int]] = Counter()
        self.violations: list[Finding] = []
        self.warnings: list[Finding] = []
        self.errors: list[ErrorEntry] = []
        self.header_stats = Counter[str]()
        self.current_test = threading.local()
        self.last_judged: Judged | None = None  # the evidence of a crash in provoking a code
        self.samples: list[Sample] = []  # rate-limit headers per response, for the run-level checks
        self.refunds: list[RefundEntry] = []  # refund checks with the balances seen
        self._sequences_judged = False
        self.sequence_coverage: dict[str, RuleCoverage] = {}  # each run-level rule: judged, or why not
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
            self.errors.append(ErrorEntry(test or "", exchange.transport_error or "no answer"))
            return
        code = judged.code
        row = self._row_for(exchange, code)
        sample = sample_of(exchange, self.oracle.contract)
        if sample is not None:
            self.samples.append(sample)
        if code in self.rows and self.oracle.server_error_for_client_defect(exchange):
            self.rows[code].met_on_client_defect += 1  # a crash on a mistake is not the case met
        elif code in self.rows:
            self.rows[code].observed += 1
            self.rows[code].observed_statuses.add(exchange.status)
        elif code is not None and exchange.status >= 400:
            self.undocumented[(code, exchange.status)] += 1
        self._count_headers(judged.outcome)
        failed: list[CodeRow] = []
        for item in judged.outcome.violations:
            # A code fails if it fails anywhere: a finding that names a documented code (the
            # defect's, when the answer carried none of them) belongs to that code's row.
            into = self._finding_row(item, judged, row)
            self._add(self.violations, item, judged, test, into)
            if into is not None and not any(into is f for f in failed):
                failed.append(into)
        for item in judged.outcome.warnings:
            self._add(self.warnings, item, judged, test, None)
        for message in judged.outcome.errors:
            self.errors.append(ErrorEntry(test or "", message))
        if row is not None and not any(row is f for f in failed) and len(row.evidence) < MAX_EVIDENCE:
            failed.append(row)  # evidence of what the code met, kept up to MAX_EVIDENCE
        for kept in failed:  # with the 5xx as evidence where it failed a code
            kept.evidence.append(judged.evidence())
            # the first stays (what the code's own test met), then the latest ones
            del kept.evidence[1 : max(1, len(kept.evidence) - MAX_EVIDENCE * 2 + 1)]

    def _finding_row(self, item: Violation, judged: Judged, row: CodeRow | None) -> CodeRow | None:
        """The row a finding fails. A 5xx answered to a client mistake fails the code the mistake
        should have drawn (`no_server_error_for_client_mistake` names it); the rest of what that
        5xx broke (its body, its headers) is its own case's (OpenAI's server_error, recognised by
        the status alone when the body is not JSON), which passes or fails on that alone."""
        exchange = judged.exchange
        if (exchange.status or 0) >= 500 and exchange.request.has_certain_defect:
            if item.check == "no_server_error_for_client_mistake":
                return self.rows.get(item.code or "")
            own = self.rows.get(judged.code or "") or self.rows.get(
                self.oracle.status_case(exchange.status) or ""
            )
            if own is not None:
                return own
        return row or self.rows.get(item.code or "")

    def _row_for(self, exchange: Exchange, code: str | None) -> CodeRow | None:
        """A recipe's findings belong to the code it provokes; others to the code answered."""
        if exchange.request.origin.startswith("recipe:") and exchange.request.defects:
            return self.rows.get(exchange.request.defects[0].codes[0])
        return self.rows.get(code or "")

    def _add(
        self,
        bucket: list[Finding],
        item: Violation,
        judged: Judged,
        test: str | None,
        row: CodeRow | None,
    ) -> None:
        bucket.append(self.finding(item, judged, test, row))
        if row is not None:
            row.violation_ids.append(len(bucket) - 1)

    def finding(
        self, item: Violation, judged: Judged, test: str | None = None, row: CodeRow | None = None
    ) -> Finding:
        """A finding as results.json keeps it (keys redacted), recorded nowhere yet."""
        request = judged.exchange.request
        code = row.code if row is not None else item.code
        return Finding(
            check=item.check,
            code=code,
            promise=code or rule_of(item.check),
            status=item.status,
            strength=item.strength,
            message=self.redact(item.message),
            reproduce=judged.reproduce,
            source=request.origin,
            defects=request.describe_defects(),
            test=test or "",
        )

    def add_finding(self, finding: Finding, severity: Severity, header_fault: str | None = None) -> None:
        """A finding built earlier (`finding`) and held until it could be judged, recorded now."""
        with self._lock:
            if header_fault:
                self.header_stats[header_fault] += 1
            bucket = self.warnings if severity is Severity.WARNING else self.violations
            bucket.append(finding)
            row = self.rows.get(finding.code or "")
            if row is not None and bucket is self.violations:
                row.violation_ids.append(len(bucket) - 1)

    def add_refund(self, entry: RefundEntry) -> None:
        """A refund watched end to end; a failed one is a violation of its promise."""
        with self._lock:
            self.refunds.append(entry)
            if entry.verdict == Verdict.FAIL:
                self.violations.append(
                    Finding(
                        check=entry.check,
                        code=None,
                        promise=entry.promise,
                        status=None,
                        strength=Strength.STATED,
                        message=self.redact(entry.reason or ""),
                        reproduce=entry.evidence[0].reproduce if entry.evidence else "",
                        source="refund",
                        defects="none",
                        test=getattr(self.current_test, "name", None) or "",
                    )
                )

    def snapshot(self) -> Recorder:
        """A copy to build results from while recording goes on (a proxy's reports every few
        seconds): the run-level checks are judged on the copy; this record goes on unchanged."""
        with self._lock:
            clone = Recorder.__new__(Recorder)
            clone.__dict__.update(self.__dict__)
            clone.rows = {
                name: replace(
                    row,
                    observed_statuses=set(row.observed_statuses),
                    violation_ids=list(row.violation_ids),
                    evidence=list(row.evidence),
                )
                for name, row in self.rows.items()
            }
            clone.undocumented = Counter(self.undocumented)
            clone.violations, clone.warnings = list(self.violations), list(self.warnings)
            clone.errors, clone.samples = list(self.errors), list(self.samples)
            clone.refunds, clone.header_stats = list(self.refunds), Counter(self.header_stats)
            clone._lock = threading.Lock()
        return clone

    def judge_sequences(self) -> None:
        """The run-level header checks, once, after the last exchange (evidence: the values)."""
        with self._lock:
            if self._sequences_judged:
                return
            self._sequences_judged = True
            contract = self.oracle.contract
            try:
                found, self.sequence_coverage = judge_sequences(self.samples, contract, contract.main_key)
            except Exception as exc:
                self.errors.append(ErrorEntry("", f"sequence checks crashed: {exc!r}"))
                return
            for item in found:
                into = self.warnings if item.severity is Severity.WARNING else self.violations
                into.append(
                    Finding(
                        check=item.check,
                        code=None,
                        promise=sequence_rule(item.check),
                        status=None,
                        strength=item.strength,
                        message=self.redact(item.message),
                        source="run",
                        defects="none",
                    )
                )

    def served_samples(self, key: str) -> int:
        """How many served (2xx) responses to `key` carried the remaining count so far."""
        with self._lock:
            return sum(
                1 for s in self.samples if s.key == key and 200 <= s.status < 300 and s.remaining is not None
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
