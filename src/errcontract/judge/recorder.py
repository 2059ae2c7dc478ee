"""The observer and its record: every exchange of a run judged once, gathered per code.

Whatever test sent a request (a recipe, a generated request, Schemathesis), its response is
judged here by every check, so a code first met by accident is judged too.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from errcontract.client.curl import curl_command
from errcontract.client.redact import Redactor
from errcontract.core.exchange import Exchange
from errcontract.judge.checks import CheckOutcome, Oracle, Violation, rule_of, run_checks
from errcontract.judge.checks.sequence import Sample, run_sequence_checks, sample_of, sequence_rule

MAX_EVIDENCE = 3
BODY_EXCERPT = 1200


@dataclass
class CodeRow:
    code: str
    verdict: str | None = None  # set by the code's own test: pass | fail | not-observed | error
    reason: str | None = None
    observed: int = 0
    observed_statuses: set[int] = field(default_factory=set)
    violation_ids: list[int] = field(default_factory=list)
    evidence: list[dict[str, str]] = field(default_factory=list)
    cells: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # endpoint -> verdict, reason


@dataclass
class Judged:
    exchange: Exchange
    outcome: CheckOutcome
    profiles: dict[str, bool]
    base_url: str
    redact: Redactor

    @cached_property
    def reproduce(self) -> str:
        """The curl reproducer, keys redacted (built when first needed: most exchanges pass)."""
        return curl_command(self.exchange.request, self.base_url, self.redact)


class Recorder:
    """Judges exchanges (once each) and keeps what the results need."""

    def __init__(self, oracle: Oracle, redact: Redactor, base_url: str) -> None:
        self.oracle = oracle
        self.redact = redact
        self.base_url = base_url
        self.rows = {name: CodeRow(name) for name in oracle.contract.codes}
        self.undocumented: Counter[tuple[str, int]] = Counter()
        self.violations: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.errors: list[dict[str, str]] = []
        self.header_stats = Counter[str]()
        self.current_test = threading.local()
        self._judged: dict[int, Judged] = {}
        self.last_judged: Judged | None = None  # the evidence of a crash in provoking a code
        self.samples: list[Sample] = []  # rate-limit headers per response, for the run-level checks
        self.refunds: list[dict[str, Any]] = []  # refund rows with the balances seen
        self._sequences_judged = False
        self._lock = threading.Lock()

    # -- judging ------------------------------------------------------------------------------
    def judge(self, exchange: Exchange) -> Judged:
        """Run every check on the exchange (once) and record it."""
        with self._lock:
            if id(exchange) in self._judged:
                return self._judged[id(exchange)]
        outcome = run_checks(exchange, self.oracle)
        judged = Judged(exchange, outcome, self.oracle.profile_results(exchange), self.base_url, self.redact)
        with self._lock:
            self._judged[id(exchange)] = judged
            self.last_judged = judged
            self._record(judged)
        return judged

    def _record(self, judged: Judged) -> None:
        exchange = judged.exchange
        test = getattr(self.current_test, "name", None)
        if exchange.status is None:
            self.errors.append({"test": test or "", "message": exchange.transport_error or "no answer"})
            return
        code = self.oracle.code_of(exchange)
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
            row.evidence.append(self.evidence(judged))
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
            if row["verdict"] == "fail":
                self.violations.append(
                    {
                        "check": row["check"],
                        "code": None,
                        "promise": row["promise"],
                        "status": None,
                        "strength": "stated",
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
                self.violations.append(
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
            if item.check in ("rate_limit_headers", "status_headers"):
                self.header_stats["missing" if "missing" in item.message else "malformed"] += 1

    def evidence(self, judged: Judged) -> dict[str, str]:
        ex = judged.exchange
        head = "\n".join(f"{k}: {v}" for k, v in ex.redacted_headers.items())
        body = (ex.request.body_bytes() or b"")[:BODY_EXCERPT].decode("utf-8", "replace")
        if ex.request.upload:
            body = f"(multipart: {ex.request.upload.filename}, {ex.request.upload.size} bytes)"
        response_head = "\n".join(f"{k}: {v}" for k, v in ex.headers.items())
        response_body = ex.body[:BODY_EXCERPT].decode("utf-8", "replace")
        return {
            "request": self.redact(f"{ex.request.method} {ex.url}\n{head}\n\n{body}".rstrip()),
            "response": self.redact(f"HTTP {ex.status}\n{response_head}\n\n{response_body}".rstrip()),
            "reproduce": judged.reproduce,
            "profiles": ", ".join(f"{p}: {'yes' if ok else 'no'}" for p, ok in judged.profiles.items()),
            "answered": self._answered(ex),
        }

    def _answered(self, exchange: Exchange) -> str:
        """What the target answered, in a few words: `HTTP 402 PAYMENT_REQUIRED`."""
        if exchange.status is None:
            return "no answer"
        return self.redact(f"HTTP {exchange.status} {self.oracle.code_of(exchange) or '(no code)'}")

    def add_finding(self, check: str, code: str, message: str, exchange: Exchange) -> None:
        """A violation seen across several exchanges by a test rather than by one check."""
        judged = self.judge(exchange)
        item = Violation(check, message, exchange.status, code)
        with self._lock:
            self._add(
                self.violations, item, judged, getattr(self.current_test, "name", None), self.rows[code]
            )

    # -- per-code results from the code tests -------------------------------------------------
    def set_code_result(self, code: str, verdict: str, reason: str | None = None) -> None:
        with self._lock:
            row = self.rows[code]
            row.verdict, row.reason = verdict, reason

    def set_cells(self, code: str, cells: dict[str, tuple[str, str | None]]) -> None:
        """The code's verdict on each endpoint its recipe was tried on (the endpoint x code matrix)."""
        with self._lock:
            self.rows[code].cells = dict(cells)

    def final_verdict(self, row: CodeRow) -> tuple[str, str | None]:
        """Combine the code's own test with what the observer saw anywhere in the run."""
        if row.violation_ids:
            first = self.violations[row.violation_ids[0]]["message"]
            return "fail", row.reason if row.verdict == "fail" else first
        if row.verdict in ("pass", "fail", "error"):
            return row.verdict, row.reason
        documented = set(self.oracle.contract.codes[row.code].statuses)
        if row.observed and row.observed_statuses <= documented:
            return "pass", "observed during the run at a documented status (not provoked by its own recipe)"
        return "not-observed", row.reason or "not met during the run"
