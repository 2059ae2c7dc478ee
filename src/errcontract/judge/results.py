"""results.json: the stable record of a run that the reports, the badge and `diff` all read.

The format is documented in docs/results.md and its schema, results.schema.json. Keys are already
redacted by the Recorder.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from errcontract import __version__
from errcontract.contract.lint.examples import judge_example
from errcontract.contract.model import Contract
from errcontract.core.verdicts import RunVerdict, Verdict
from errcontract.judge.checks import Oracle
from errcontract.judge.model import (
    Ambiguity,
    CodeEntry,
    ContractRef,
    DocExample,
    Documentation,
    EndpointVerdict,
    RunResult,
    SequenceRule,
    StatusEntry,
    Summary,
    Tool,
    Undocumented,
)
from errcontract.judge.recorder import Recorder
from errcontract.judge.verdict import FinalVerdict, run_verdict, verdict_counts


@dataclass
class RunMeta:
    target: str
    embedded_mock: bool
    started_at: float
    duration_s: float
    requests: int
    answered: int
    not_sent: dict[str, int]
    drift: str | None = None  # the named drift the embedded mock served (a deliberately broken target)


def contract_hash(contract: Contract) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in contract.root.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def documentation(oracle: Oracle) -> Documentation:
    """The docs' own consistency: each example against each envelope profile (as the lint judges it)."""
    contract = oracle.contract
    examples = []
    for example in contract.examples:
        judged = judge_example(contract, example)
        profiles = {profile: bool(judged.ok(profile)) for profile in oracle.profiles}
        examples.append(
            DocExample(judged.name, judged.status, judged.code, judged.ambiguity, example.source, profiles)
        )
    ambiguities = tuple(
        Ambiguity(a.id, a.summary, tuple(a.readings), a.decision, a.source) for a in contract.ambiguities
    )
    return Documentation(tuple(examples), ambiguities)


def _code_entries(recorder: Recorder, verdicts: dict[str, FinalVerdict]) -> tuple[CodeEntry, ...]:
    entries = []
    for name, code in recorder.oracle.contract.codes.items():
        row = recorder.rows[name]
        cells = row.own.cells if row.own is not None else ()
        entries.append(
            CodeEntry(
                code=name,
                status=tuple(code.statuses),
                message=code.message,
                solution=code.solution,
                source=code.source,
                verdict=verdicts[name].verdict,
                reason=verdicts[name].reason,
                observed=row.observed,
                observed_statuses=tuple(sorted(row.observed_statuses)),
                violations=tuple(row.violation_ids),
                evidence=tuple(row.evidence),
                endpoints={e: EndpointVerdict(v, r) for e, v, r in cells},
            )
        )
    return tuple(entries)


def _broken_rules(recorder: Recorder) -> list[str]:
    """Rules broken by violations that no documented code carries (a success for a defective
    request, a 5xx for a client mistake): each counts as one failed promise."""
    codes = recorder.oracle.contract.codes
    return sorted({v.check for v in recorder.violations if v.code not in codes})


def _summary(verdicts: dict[str, FinalVerdict], count: dict[Verdict, int], recorder: Recorder) -> Summary:
    rules = _broken_rules(recorder)
    judged = count[Verdict.PASS] + count[Verdict.FAIL] + len(rules)
    checked = count[Verdict.PASS] + count[Verdict.FAIL]  # codes with a verdict; coverage beside conformance
    return Summary(
        codes=len(verdicts),
        passed=count[Verdict.PASS],
        failed=count[Verdict.FAIL],
        not_observed=count[Verdict.NOT_OBSERVED],
        code_errors=count[Verdict.ERROR],
        checked=checked,
        coverage_pct=round(100 * checked / len(verdicts), 1) if verdicts else None,
        rules_broken=tuple(rules),
        errors=len(recorder.errors),  # every "could not judge" event, once
        violations=len(recorder.violations),
        warnings=len(recorder.warnings),
        conformance_pct=round(100 * count[Verdict.PASS] / judged, 1) if judged else None,
    )


def _run_verdict(count: dict[Verdict, int], recorder: Recorder, meta: RunMeta, strict: bool) -> RunVerdict:
    """The run's word from the codes' verdicts and the recorder's findings (not from the summary)."""
    failing = bool(recorder.violations) or count[Verdict.FAIL] > 0
    warnings, errors = bool(recorder.warnings), bool(recorder.errors)
    return run_verdict(meta.requests, meta.answered, failing, warnings, errors, strict)


def build_results(recorder: Recorder, meta: RunMeta, strict: bool = False) -> RunResult:
    recorder.judge_sequences()
    contract = recorder.oracle.contract
    verdicts = {name: recorder.verdict(name) for name in contract.codes}
    count = verdict_counts(list(verdicts.values()))
    return RunResult(
        tool=Tool("errcontract", __version__),
        provider=contract.provider,
        title=contract.title,
        # "sha256:<hex>", not the bare hex: a bare 64-hex string is what secret scanners flag by
        # entropy alone, and a published report must pass them (issue 15).
        contract=ContractRef(contract.version, f"sha256:{contract_hash(contract)}"),
        target=recorder.redact(meta.target),
        embedded_mock=meta.embedded_mock,
        drift=meta.drift,
        started_at=datetime.fromtimestamp(meta.started_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        duration_s=round(meta.duration_s, 2),
        verdict=_run_verdict(count, recorder, meta, strict),
        strict=strict,
        requests=meta.requests,
        not_sent=meta.not_sent,
        summary=_summary(verdicts, count, recorder),
        statuses=tuple(
            StatusEntry(s, info.description, tuple(contract.codes_by_status[s]))
            for s, info in sorted(contract.statuses.items())
        ),
        codes=_code_entries(recorder, verdicts),
        undocumented=tuple(Undocumented(c, s, n) for (c, s), n in sorted(recorder.undocumented.items())),
        violations=tuple(recorder.violations),
        warnings=tuple(recorder.warnings),
        errors=tuple(recorder.errors),
        headers=dict(recorder.header_stats),
        sequence_rules={
            name: SequenceRule(c.judged, c.samples, c.text)
            for name, c in sorted(recorder.sequence_coverage.items())
        },
        refunds=tuple(recorder.refunds),
        documentation=documentation(recorder.oracle),
    )


def write_json_atomic(path: Path, data: Any) -> None:
    """Write beside the target then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    os.replace(tmp, path)
