"""The result model: results.json as frozen typed values, one class per kind of entry.

The recorder builds `Finding`s and `Evidence`, `results.build_results` a `RunResult`; the reports,
the diff, the history and the terminal summary read its attributes. `RunResult.to_json()` is the
file's object (keys in the documented order); `RunResult.from_json()` refuses what
`results.schema.json` rejects and upgrades an older `schema_version` in one place (`upgrade`), so
no reader keeps "older file" fallbacks.

Version history: 1 left several keys optional (`summary.code_errors`, `checked`, `coverage_pct`,
`rules_broken`, `statuses`, `drift`, `refunds`, an evidence's `answered`); 2 writes them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from errcontract.core.errors import UsageError
from errcontract.core.verdicts import RunVerdict, Strength, Verdict
from errcontract.judge.results_schema import SCHEMA_VERSION, first_problem

__all__ = [
    "SCHEMA_VERSION",
    "Ambiguity",
    "CodeEntry",
    "ContractRef",
    "DocExample",
    "Documentation",
    "EndpointVerdict",
    "ErrorEntry",
    "Evidence",
    "Finding",
    "PreflightEntry",
    "RefundEntry",
    "RunResult",
    "SequenceRule",
    "StatusEntry",
    "Summary",
    "Tool",
    "TrafficEntry",
    "Undocumented",
    "VerdictSource",
    "upgrade",
]

Json = dict[str, Any]  # one JSON object, as json.load gives it (the parse boundary)


@dataclass(frozen=True)
class Evidence:
    """One exchange as kept: request and response excerpts (redacted), reproducer, profiles."""

    request: str
    response: str
    reproduce: str
    profiles: str
    answered: str | None = None  # "HTTP 402 PAYMENT_REQUIRED": what the target answered

    def to_json(self) -> Json:
        out: Json = {
            "request": self.request,
            "response": self.response,
            "reproduce": self.reproduce,
            "profiles": self.profiles,
        }
        if self.answered is not None:
            out["answered"] = self.answered
        return out

    @classmethod
    def from_json(cls, data: Json) -> Evidence:
        answered = data.get("answered")
        return cls(
            str(data.get("request", "")),
            str(data.get("response", "")),
            str(data.get("reproduce", "")),
            str(data.get("profiles", "")),
            None if answered is None else str(answered),
        )


@dataclass(frozen=True)
class Finding:
    """One departure from a documented fact (a violation, or a warning when only exemplified)."""

    check: str
    code: str | None
    promise: str | None
    status: int | None
    strength: Strength
    message: str
    reproduce: str = ""
    source: str = ""
    defects: str = ""
    test: str = ""

    def to_json(self) -> Json:
        return {
            "check": self.check,
            "code": self.code,
            "promise": self.promise,
            "status": self.status,
            "strength": self.strength,
            "message": self.message,
            "reproduce": self.reproduce,
            "source": self.source,
            "defects": self.defects,
            "test": self.test,
        }

    @classmethod
    def from_json(cls, data: Json) -> Finding:
        return cls(
            check=data["check"],
            code=data["code"],
            promise=data["promise"],
            status=data["status"],
            strength=Strength(data["strength"]),
            message=data["message"],
            reproduce=data["reproduce"],
            source=data["source"],
            defects=data["defects"],
            test=data["test"],
        )


@dataclass(frozen=True)
class EndpointVerdict:
    verdict: Verdict
    reason: str | None

    def to_json(self) -> Json:
        return {"verdict": self.verdict, "reason": self.reason}


@dataclass(frozen=True)
class VerdictSource:
    """Where a code's verdict came from: a run, or recorded traffic (the file:entry that decided it)."""

    kind: str  # run | traffic
    where: str | None = None

    def to_json(self) -> Json:
        return {"kind": self.kind} if self.where is None else {"kind": self.kind, "where": self.where}


@dataclass(frozen=True)
class CodeEntry:
    """One documented code with its final verdict and what the run met of it."""

    code: str
    status: tuple[int, ...]
    message: str
    solution: str
    source: str
    verdict: Verdict
    reason: str | None
    observed: int
    observed_statuses: tuple[int, ...]
    violations: tuple[int, ...]  # indices into RunResult.violations
    evidence: tuple[Evidence, ...]
    endpoints: Mapping[str, EndpointVerdict]
    came_from: VerdictSource | None = None  # results.json's "from" (set by traffic judging)

    def to_json(self) -> Json:
        out: Json = {
            "code": self.code,
            "status": list(self.status),
            "message": self.message,
            "solution": self.solution,
            "source": self.source,
            "verdict": self.verdict,
            "reason": self.reason,
            "observed": self.observed,
            "observed_statuses": list(self.observed_statuses),
            "violations": list(self.violations),
            "evidence": [e.to_json() for e in self.evidence],
            "endpoints": {name: cell.to_json() for name, cell in self.endpoints.items()},
        }
        if self.came_from is not None:
            out["from"] = self.came_from.to_json()
        return out

    @classmethod
    def from_json(cls, data: Json) -> CodeEntry:
        return cls(
            code=data["code"],
            status=tuple(data["status"]),
            message=data["message"],
            solution=data["solution"],
            source=data["source"],
            verdict=Verdict(data["verdict"]),
            reason=data["reason"],
            observed=data["observed"],
            observed_statuses=tuple(data["observed_statuses"]),
            violations=tuple(data["violations"]),
            evidence=tuple(Evidence.from_json(e) for e in data["evidence"]),
            endpoints={
                name: EndpointVerdict(Verdict(cell["verdict"]), cell.get("reason"))
                for name, cell in data["endpoints"].items()
            },
            came_from=_source(data.get("from")),
        )

    @property
    def answered_instead(self) -> str | None:
        """What the target answered to a code it never sent ("HTTP 402 PAYMENT_REQUIRED"), from the
        code's first exchange; None when the code was seen or nothing was recorded."""
        if self.observed or self.verdict not in (Verdict.FAIL, Verdict.ERROR):
            return None
        return next((e.answered for e in self.evidence if e.answered), None)


@dataclass(frozen=True)
class RefundEntry:
    """The refund check watched end to end (contracts with a `refunds` section)."""

    check: str
    promise: str
    verdict: Verdict
    reason: str | None
    balances: tuple[object, ...] = ()  # before creating, after creating, after cancelling
    charged: object = None
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> Json:
        return {
            "check": self.check,
            "promise": self.promise,
            "verdict": self.verdict,
            "reason": self.reason,
            "balances": list(self.balances),
            "charged": self.charged,
            "evidence": [e.to_json() for e in self.evidence],
        }

    @classmethod
    def from_json(cls, data: Json) -> RefundEntry:
        return cls(
            check=data["check"],
            promise=data.get("promise", ""),
            verdict=Verdict(data["verdict"]),
            reason=data["reason"],
            balances=tuple(data.get("balances", ())),
            charged=data.get("charged"),
            evidence=tuple(Evidence.from_json(e) for e in data.get("evidence", ())),
        )


@dataclass(frozen=True)
class ErrorEntry:
    """Something that could not be judged (a crashed check, no answer)."""

    test: str
    message: str

    def to_json(self) -> Json:
        return {"test": self.test, "message": self.message}


@dataclass(frozen=True)
class Summary:
    codes: int
    passed: int
    failed: int
    not_observed: int
    code_errors: int
    checked: int
    coverage_pct: float | None
    rules_broken: tuple[str, ...]
    errors: int
    violations: int
    warnings: int
    conformance_pct: float | None

    def to_json(self) -> Json:
        return {
            "codes": self.codes,
            "passed": self.passed,
            "failed": self.failed,
            "not_observed": self.not_observed,
            "code_errors": self.code_errors,
            "checked": self.checked,
            "coverage_pct": self.coverage_pct,
            "rules_broken": list(self.rules_broken),
            "errors": self.errors,
            "violations": self.violations,
            "warnings": self.warnings,
            "conformance_pct": self.conformance_pct,
        }

    @classmethod
    def from_json(cls, data: Json) -> Summary:
        return cls(**{**data, "rules_broken": tuple(data["rules_broken"])})


@dataclass(frozen=True)
class SequenceRule:
    """A run-level rate-limit rule: judged on how many samples, or not judged for want of them."""

    judged: bool
    samples: int
    text: str

    def to_json(self) -> Json:
        return {"judged": self.judged, "samples": self.samples, "text": self.text}


@dataclass(frozen=True)
class StatusEntry:
    status: int
    description: str
    codes: tuple[str, ...]

    def to_json(self) -> Json:
        return {"status": self.status, "description": self.description, "codes": list(self.codes)}


@dataclass(frozen=True)
class Undocumented:
    code: str
    status: int | None
    count: int

    def to_json(self) -> Json:
        return {"code": self.code, "status": self.status, "count": self.count}


@dataclass(frozen=True)
class DocExample:
    """A documented example judged against each envelope profile (profile -> does it validate)."""

    name: str
    status: int
    code: str | None
    ambiguity: str | None
    source: str
    profiles: Mapping[str, bool] = field(default_factory=dict)

    def to_json(self) -> Json:
        row: Json = {
            "name": self.name,
            "status": self.status,
            "code": self.code,
            "ambiguity": self.ambiguity,
            "source": self.source,
        }
        return row | dict(self.profiles)

    @classmethod
    def from_json(cls, data: Json) -> DocExample:
        fixed = {"name", "status", "code", "ambiguity", "source"}
        profiles = {k: v for k, v in data.items() if k not in fixed and isinstance(v, bool)}
        return cls(
            data["name"], data["status"], data["code"], data.get("ambiguity"), data["source"], profiles
        )


@dataclass(frozen=True)
class Ambiguity:
    id: str
    summary: str
    readings: tuple[str, ...]
    decision: str
    source: str

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "summary": self.summary,
            "readings": list(self.readings),
            "decision": self.decision,
            "source": self.source,
        }


@dataclass(frozen=True)
class Documentation:
    examples: tuple[DocExample, ...]
    ambiguities: tuple[Ambiguity, ...]

    @property
    def profiles(self) -> list[str]:
        """The envelope profiles the examples were judged against ("stated", "exemplified", ...)."""
        found: list[str] = []
        for example in self.examples:
            found += [p for p in example.profiles if p not in found]
        return found

    def to_json(self) -> Json:
        return {
            "examples": [e.to_json() for e in self.examples],
            "ambiguities": [a.to_json() for a in self.ambiguities],
        }


@dataclass(frozen=True)
class Tool:
    name: str
    version: str


@dataclass(frozen=True)
class ContractRef:
    version: str
    sha256: str


@dataclass(frozen=True)
class PreflightEntry:
    """What the checks before the suites found: the base URL used and inconclusive signs."""

    base: str
    notes: tuple[str, ...]

    def to_json(self) -> Json:
        return {"base": self.base, "notes": list(self.notes)}


@dataclass(frozen=True)
class LeftOut:
    """Part of the contract the run could not cover, and why: a fixture the target did not tell,
    an endpoint left out of the generated requests, a recipe that could not be built."""

    kind: str  # fixture | endpoint | recipe
    name: str
    reason: str

    def to_json(self) -> Json:
        return {"kind": self.kind, "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class TrafficEntry:
    """Recorded traffic judged (errcontract judge): the files, the host's API prefix, what was not judged."""

    files: tuple[str, ...]
    entries: int
    judged: int
    prefix: str
    prefix_found_by: str
    not_judged: Mapping[str, int]
    other_hosts: Mapping[str, int]
    headers_absent: tuple[str, ...]

    def to_json(self) -> Json:
        return {
            "files": list(self.files),
            "entries": self.entries,
            "judged": self.judged,
            "prefix": self.prefix,
            "prefix_found_by": self.prefix_found_by,
            "not_judged": dict(self.not_judged),
            "other_hosts": dict(self.other_hosts),
            "headers_absent": list(self.headers_absent),
        }

    @classmethod
    def from_json(cls, data: Json) -> TrafficEntry:
        return cls(
            tuple(data["files"]),
            data["entries"],
            data["judged"],
            data["prefix"],
            data.get("prefix_found_by", ""),
            data.get("not_judged", {}),
            data.get("other_hosts", {}),
            tuple(data.get("headers_absent", ())),
        )


@dataclass(frozen=True)
class RunResult:
    """One provider run: results.json as a value."""

    tool: Tool
    provider: str
    title: str
    contract: ContractRef
    target: str
    embedded_mock: bool
    drift: str | None
    started_at: str
    duration_s: float
    verdict: RunVerdict
    strict: bool
    requests: int
    not_sent: Mapping[str, int]
    summary: Summary
    statuses: tuple[StatusEntry, ...]
    codes: tuple[CodeEntry, ...]
    undocumented: tuple[Undocumented, ...]
    violations: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    errors: tuple[ErrorEntry, ...]
    headers: Mapping[str, int]
    sequence_rules: Mapping[str, SequenceRule]
    refunds: tuple[RefundEntry, ...]
    documentation: Documentation
    preflight: PreflightEntry | None = None
    traffic: TrafficEntry | None = None  # set when the results judge recorded traffic
    left_out: tuple[LeftOut, ...] = ()  # what the run could not cover, each with why
    schema_version: int = SCHEMA_VERSION

    def code(self, name: str) -> CodeEntry | None:
        return next((c for c in self.codes if c.code == name), None)

    @property
    def codes_by_name(self) -> dict[str, CodeEntry]:
        return {entry.code: entry for entry in self.codes}

    def to_json(self) -> Json:
        out: Json = {
            "schema_version": self.schema_version,
            "tool": {"name": self.tool.name, "version": self.tool.version},
            "provider": self.provider,
            "title": self.title,
            "contract": {"version": self.contract.version, "sha256": self.contract.sha256},
            "target": self.target,
            "embedded_mock": self.embedded_mock,
            "drift": self.drift,
            "started_at": self.started_at,
            "duration_s": self.duration_s,
            "verdict": self.verdict,
            "strict": self.strict,
            "requests": self.requests,
            "not_sent": dict(self.not_sent),
            "summary": self.summary.to_json(),
            "statuses": [s.to_json() for s in self.statuses],
            "codes": [c.to_json() for c in self.codes],
            "undocumented": [u.to_json() for u in self.undocumented],
            "violations": [f.to_json() for f in self.violations],
            "warnings": [f.to_json() for f in self.warnings],
            "errors": [e.to_json() for e in self.errors],
            "headers": dict(self.headers),
            "sequence_rules": {name: rule.to_json() for name, rule in self.sequence_rules.items()},
            "refunds": [r.to_json() for r in self.refunds],
            "documentation": self.documentation.to_json(),
            "left_out": [gap.to_json() for gap in self.left_out],
        }
        if self.traffic is not None:
            out["traffic"] = self.traffic.to_json()
        if self.preflight is not None:
            out["preflight"] = self.preflight.to_json()
        return out

    @classmethod
    def from_json(cls, data: object) -> RunResult:
        """The results in a parsed results.json; UsageError naming the first problem if the schema
        rejects it. An older schema version is upgraded first (`upgrade`)."""
        problem = first_problem(data)
        if problem is not None:
            raise UsageError(f"not an errcontract results file: {problem}")
        return cls._build(upgrade(cast(Json, data)))

    @classmethod
    def _build(cls, d: Json) -> RunResult:
        docs = d["documentation"]
        return cls(
            schema_version=SCHEMA_VERSION,
            tool=Tool(d["tool"]["name"], d["tool"]["version"]),
            provider=d["provider"],
            title=d["title"],
            contract=ContractRef(d["contract"]["version"], d["contract"]["sha256"]),
            target=d["target"],
            embedded_mock=d["embedded_mock"],
            drift=d["drift"],
            started_at=d["started_at"],
            duration_s=d["duration_s"],
            verdict=RunVerdict(d["verdict"]),
            strict=d["strict"],
            requests=d["requests"],
            not_sent=d["not_sent"],
            summary=Summary.from_json(d["summary"]),
            statuses=tuple(
                StatusEntry(s["status"], s["description"], tuple(s["codes"])) for s in d["statuses"]
            ),
            codes=tuple(CodeEntry.from_json(c) for c in d["codes"]),
            undocumented=tuple(Undocumented(u["code"], u["status"], u["count"]) for u in d["undocumented"]),
            violations=tuple(Finding.from_json(f) for f in d["violations"]),
            warnings=tuple(Finding.from_json(f) for f in d["warnings"]),
            errors=tuple(ErrorEntry(e["test"], e["message"]) for e in d["errors"]),
            headers=d["headers"],
            sequence_rules={
                name: SequenceRule(r["judged"], r["samples"], r["text"])
                for name, r in d["sequence_rules"].items()
            },
            refunds=tuple(RefundEntry.from_json(r) for r in d["refunds"]),
            documentation=Documentation(
                tuple(DocExample.from_json(e) for e in docs["examples"]),
                tuple(
                    Ambiguity(a["id"], a["summary"], tuple(a["readings"]), a["decision"], a["source"])
                    for a in docs["ambiguities"]
                ),
            ),
            preflight=_preflight(d.get("preflight")),
            traffic=None if d.get("traffic") is None else TrafficEntry.from_json(d["traffic"]),
            left_out=tuple(LeftOut(g["kind"], g["name"], g["reason"]) for g in d.get("left_out", [])),
        )


def _source(data: Json | None) -> VerdictSource | None:
    return None if data is None else VerdictSource(data["kind"], data.get("where"))


def _preflight(data: Json | None) -> PreflightEntry | None:
    return None if data is None else PreflightEntry(data["base"], tuple(data["notes"]))


# -- older versions, upgraded in one place ---------------------------------------------------------
def upgrade(data: Json) -> Json:
    """A valid results object of any supported version, as the current version writes it.

    Version 1 files may lack what later runs always wrote: it is filled from what they do have
    (for a version 2 file this changes nothing)."""
    out = dict(data)
    out["schema_version"] = SCHEMA_VERSION
    out["drift"] = data.get("drift")
    out["refunds"] = data.get("refunds", [])
    out["sequence_rules"] = data.get("sequence_rules", {})
    out["summary"] = _summary_from_1(data["summary"])
    out["codes"] = [_code_from_1(c) for c in data["codes"]]
    out["statuses"] = data.get("statuses") or _statuses_from_codes(out["codes"])
    out["violations"] = [_finding_from_1(f) for f in data["violations"]]
    out["warnings"] = [_finding_from_1(f) for f in data["warnings"]]
    return out


def _summary_from_1(summary: Json) -> Json:
    codes, passed, failed = summary["codes"], summary["passed"], summary["failed"]
    checked = summary.get("checked", passed + failed)
    # Files older than `code_errors`: the codes left over are the ones that could not be judged.
    leftover = max(0, codes - passed - failed - summary["not_observed"])
    return {
        "codes": codes,
        "passed": passed,
        "failed": failed,
        "not_observed": summary["not_observed"],
        "code_errors": summary.get("code_errors", leftover),
        "checked": checked,
        "coverage_pct": summary.get("coverage_pct", round(100 * checked / codes, 1) if codes else None),
        "rules_broken": summary.get("rules_broken", []),
        "errors": summary["errors"],
        "violations": summary["violations"],
        "warnings": summary["warnings"],
        "conformance_pct": summary["conformance_pct"],
    }


def _code_from_1(entry: Json) -> Json:
    return {
        "code": entry["code"],
        "status": entry["status"],
        "message": entry.get("message", ""),
        "solution": entry.get("solution", ""),
        "source": entry.get("source", ""),
        "verdict": entry["verdict"],
        "reason": entry.get("reason"),
        "observed": entry.get("observed", 0),
        "observed_statuses": entry.get("observed_statuses", []),
        "violations": entry.get("violations", []),
        "evidence": [_evidence_from_1(e) for e in entry.get("evidence", [])],
        "endpoints": entry.get("endpoints", {}),
    } | ({"from": entry["from"]} if "from" in entry else {})


def _evidence_from_1(evidence: Json) -> Json:
    """Files older than `answered`: the response's status line stands for it."""
    if "answered" in evidence:
        return evidence
    first_line = str(evidence.get("response") or "").split("\n", 1)[0]
    return {**evidence, "answered": first_line if first_line.startswith("HTTP ") else None}


def _finding_from_1(finding: Json) -> Json:
    return {
        "check": finding["check"],
        "code": finding["code"],
        "promise": finding.get("promise"),
        "status": finding["status"],
        "strength": finding.get("strength", Strength.STATED),
        "message": finding["message"],
        "reproduce": finding.get("reproduce", ""),
        "source": finding.get("source", ""),
        "defects": finding.get("defects", ""),
        "test": finding.get("test", ""),
    }


def _statuses_from_codes(codes: Sequence[Json]) -> list[Json]:
    """Status groups rebuilt from each code's documented statuses (files without `statuses`)."""
    by_status: dict[int, list[str]] = {}
    for entry in codes:
        for status in entry["status"] or [0]:
            by_status.setdefault(status, []).append(entry["code"])
    return [{"status": s, "description": "", "codes": names} for s, names in by_status.items()]
