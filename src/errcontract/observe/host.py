"""One target of recorded traffic (a host and its API prefix): its entries judged as a run's.

Each entry becomes the Exchange a run would have recorded and is judged by every check a run
uses, except those that rest on knowing the request's one defect where the recording shows none
(`code_justified` would call every 4xx of a valid-looking request unjustified: a correct 4xx is
never a departure) and `open_endpoint_needs_no_key` (a recorder's dropped credential looks like
none sent). Codes start *not observed (not in the traffic)*; a code seen passes or fails as in a
run. A documented header missing from a response is held until the header is seen on some entry
of the host: recorders drop headers (VCR setups drop rate-limit and id headers), so a header
absent from the whole recording is *not judged (absent from the whole recording)*, one warning,
and one present on some entries and missing on others is judged on each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from errcontract.contract.model import Contract
from errcontract.core.redact import KeyVariable, Redactor
from errcontract.core.verdicts import Severity, Strength, Verdict
from errcontract.judge.checks import CHECKS, Oracle, Violation
from errcontract.judge.judged import Judged, judge
from errcontract.judge.model import Finding
from errcontract.judge.recorder import Recorder
from errcontract.judge.verdict import CodeResult
from errcontract.traffic.entry import Recorded
from errcontract.traffic.exchange import UNKNOWN_KEY, exchange_of
from errcontract.traffic.route import Target
from errcontract.traffic.scrub import RECORDED_KEY

NOT_IN_TRAFFIC = "not observed (not in the traffic)"
NEEDS_THE_DEFECT = frozenset({"code_justified", "defect_rejected", "access_control"})
NEVER_ON_TRAFFIC = frozenset({"open_endpoint_needs_no_key"})
HELD_MAX = 10_000  # findings held per header until it is seen (beyond: counted)
ABSENT = "headers_recorded"
ABSENT_RULE = "not judged (absent from the whole recording)"


def traffic_redactor() -> Redactor:
    """Scrubbed credentials (`RECORDED_KEY`) are masked in prose and `$ERRCONTRACT_API_KEY` in
    reproducers."""
    variable = KeyVariable("ERRCONTRACT_API_KEY")
    return Redactor([RECORDED_KEY], {RECORDED_KEY: variable})


def checks_for(judged_defects: bool) -> list[str]:
    """The checks a recorded exchange gets: those resting on the request's defect only where the
    recording shows one."""
    skipped = NEVER_ON_TRAFFIC | (frozenset() if judged_defects else NEEDS_THE_DEFECT)
    return [name for name in CHECKS if name not in skipped]


@dataclass
class _Held:
    findings: list[tuple[Finding, Severity]] = field(default_factory=list)
    more: int = 0


class HostJudge:
    """The Recorder of one target, fed recorded entries in the recording's order."""

    def __init__(self, contract: Contract, target: Target) -> None:
        self.contract = contract
        self.target = target
        self.oracle = Oracle(contract)
        self.redact = traffic_redactor()
        self.recorder = Recorder(self.oracle, self.redact)
        for code in contract.codes:
            self.recorder.set_code_result(CodeResult(code, Verdict.NOT_OBSERVED, NOT_IN_TRAFFIC))
        self.entries = 0
        self.answered = 0
        self.first_seen: dict[str, str] = {}  # code -> the entry it was first seen in
        self.seen_headers: set[str] = set()
        self.held: dict[str, _Held] = {}
        self.times: list[float] = []
        self.statuses: set[int] = set()
        self._headers_for: set[int] | None = None
        self._header_names: list[str] = []
        self.files: Counter[str] = Counter()

    @property
    def documented_headers(self) -> list[str]:
        """The headers the docs give for the responses recorded: the rate-limit headers, and
        those of each status met (a 429's Retry-After only where a 429 was recorded)."""
        if self._headers_for != self.statuses:
            rules = self.contract.headers
            names = list(rules.rate_limit_fields)
            for status in sorted(self.statuses):
                names += [n for n in rules.for_status(status) if n not in names]
            self._headers_for, self._header_names = set(self.statuses), names
        return self._header_names

    def add(self, entry: Recorded, key: str | None, seq: int) -> Judged:
        exchange = exchange_of(entry, self.target, self.contract, key or UNKNOWN_KEY, seq)
        self.entries += 1
        self.files[entry.where.rpartition(":")[0]] += 1
        if entry.started_at:
            self.times.append(entry.started_at)
        names = checks_for(bool(exchange.request.defects))
        judged = judge(exchange, self.oracle, self.target.url, self.redact, names)
        if exchange.status is not None:
            self.answered += 1
            self.statuses.add(exchange.status)
            self._saw_headers(exchange.headers)
        judged = self._hold_missing_headers(judged)
        self.recorder.record(judged)
        if judged.code in self.contract.codes and exchange.status is not None:
            self.first_seen.setdefault(judged.code, entry.where)
        return judged

    def _saw_headers(self, headers: dict[str, str]) -> None:
        for name in self.documented_headers:
            if name.lower() in headers and name.lower() not in self.seen_headers:
                self.seen_headers.add(name.lower())
                self._release(name.lower())

    def _hold_missing_headers(self, judged: Judged) -> Judged:
        """Findings of a header never seen on this host so far are held, not recorded."""
        outcome = judged.outcome
        keep_v = [v for v in outcome.violations if not self._holds(v, judged)]
        keep_w = [v for v in outcome.warnings if not self._holds(v, judged)]
        if len(keep_v) == len(outcome.violations) and len(keep_w) == len(outcome.warnings):
            return judged
        outcome.violations[:] = keep_v
        outcome.warnings[:] = keep_w
        return judged

    def _holds(self, item: Violation, judged: Judged) -> bool:
        name = (item.header or "").lower()
        if item.header_fault != "missing" or not name or name in self.seen_headers:
            return False
        held = self.held.setdefault(name, _Held())
        if len(held.findings) < HELD_MAX:
            row = self.recorder.rows.get(item.code or "")
            held.findings.append((self.recorder.finding(item, judged, None, row), item.severity))
        else:
            held.more += 1
        return True

    def _release(self, name: str) -> None:
        """The header was seen after all: the responses that lacked it are judged on it now."""
        held = self.held.pop(name, None)
        for finding, severity in held.findings if held else ():
            self.recorder.add_finding(finding, severity, "missing")

    def absent_headers(self) -> list[str]:
        """The documented headers no response of this host carried."""
        return [n for n in self.documented_headers if n.lower() not in self.seen_headers]

    def results_recorder(self) -> Recorder:
        """A snapshot of the record to build results from, with one warning naming the headers
        absent from the whole recording (not judged); recording may go on (a proxy's flush)."""
        recorder = self.recorder.snapshot()
        absent = self.absent_headers()
        if absent and self.answered:
            recorder.warnings.append(self._absent_warning(absent))
        return recorder

    def _absent_warning(self, absent: list[str]) -> Finding:
        held = sum(h.more + len(h.findings) for h in self.held.values())
        text = (
            f"{', '.join(absent)}: {ABSENT_RULE}; recorders drop headers (VCR setups drop rate-limit "
            "and request-id headers), so no response is judged on them"
        )
        if held:
            text += f" ({held} responses would otherwise have been faulted for missing them)"
        return Finding(
            check=ABSENT,
            code=None,
            promise=ABSENT_RULE,
            status=None,
            strength=Strength.STATED,
            message=self.redact(text),
            source=f"traffic {self.target.url}",
            defects="none",
        )
