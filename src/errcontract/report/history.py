"""A provider's history: one small digest per run, read from earlier results, kept in history.json.

`errcontract report RESULTS.json --history PATH` reads earlier runs from PATH (a folder searched
for results files and history.json files, such as a downloaded copy of the published site, or
such files themselves), keeps those of the same provider, adds this run, and writes
`history.json` beside the page: publishing that file keeps the history on the site, and the next
run's report reads it back. The page draws it (see `history_svg`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from itertools import pairwise
from pathlib import Path
from typing import Any

from errcontract.core.errors import UsageError
from errcontract.judge.model import RunResult
from errcontract.report.coverage import coverage_of
from errcontract.report.results import results_problem

HISTORY_NAME = "history.json"
HISTORY_SCHEMA = 1
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class HistoryRun:
    """What the history keeps of one run (history.json's `runs` entries, in this key order)."""

    started_at: str | None
    target: str | None
    verdict: str | None
    conformance_pct: float | None
    coverage_pct: float | None
    checked: int | None
    codes: int | None
    passed: int | None
    failed: int | None
    not_observed: int | None
    code_errors: int | None
    violations: int | None
    warnings: int | None
    contract: str | None
    verdicts: Mapping[str, str]

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"verdicts": dict(self.verdicts)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HistoryRun:
        """A run as a history.json wrote it (any key it lacks: None)."""
        known = {f.name: data.get(f.name) for f in fields(cls) if f.name != "verdicts"}
        return cls(**known, verdicts=dict(data["verdicts"]))


def digest(results: RunResult) -> HistoryRun:
    """What the history keeps of one run: when, its verdict, conformance, coverage, each code's verdict."""
    summary = results.summary
    coverage = coverage_of(summary)
    return HistoryRun(
        started_at=results.started_at,
        target=results.target,
        verdict=results.verdict,
        conformance_pct=summary.conformance_pct,
        coverage_pct=coverage.pct,
        checked=coverage.checked,
        codes=coverage.codes,
        passed=coverage.passed,
        failed=coverage.failed,
        not_observed=coverage.not_observed,
        code_errors=coverage.errors,
        violations=summary.violations,
        warnings=summary.warnings,
        contract=results.contract.version,
        verdicts={c.code: c.verdict for c in results.codes},
    )


def _run_key(run: HistoryRun) -> tuple[str, str]:
    return str(run.started_at), str(run.target)


def _digests_in(data: Any, provider: str) -> list[HistoryRun]:
    """The runs of `provider` a parsed file holds: a results file is one, a history file many."""
    if not isinstance(data, dict) or data.get("provider") != provider:
        return []
    if results_problem(data) is None:
        return [digest(RunResult.from_json(data))]
    runs = data.get("runs")
    if data.get("history_schema_version") == HISTORY_SCHEMA and isinstance(runs, list):
        return [
            HistoryRun.from_json(r)
            for r in runs
            if isinstance(r, dict) and isinstance(r.get("verdicts"), dict)
        ]
    return []


def _json_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from sorted(p for p in path.rglob("*.json") if p.is_file())
    elif path.is_file():
        yield path
    else:
        raise UsageError(f"--history {path}: no such file or folder")


def earlier_runs(paths: Iterable[Path], provider: str) -> list[HistoryRun]:
    """Every run of `provider` found under `paths` (other files and other providers are skipped)."""
    found = []
    for path in paths:
        for file in _json_files(Path(path)):
            if file.stat().st_size > MAX_FILE_BYTES:
                continue
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                continue  # not ours: a history folder may hold anything
            found += _digests_in(data, provider)
    return found


def merged(runs: Iterable[HistoryRun]) -> list[HistoryRun]:
    """One digest per run (the last one read wins), oldest first."""
    by_key = {_run_key(run): run for run in runs}
    return sorted(by_key.values(), key=lambda run: str(run.started_at))


def history_document(provider: str, runs: list[HistoryRun]) -> dict[str, Any]:
    return {
        "history_schema_version": HISTORY_SCHEMA,
        "provider": provider,
        "runs": [r.to_json() for r in runs],
    }


@dataclass(frozen=True)
class VerdictChange:
    """A code whose verdict differs from the run before."""

    started_at: str
    code: str
    before: str
    after: str


def verdict_changes(runs: list[HistoryRun]) -> list[VerdictChange]:
    """When each code changed verdict, run after run (a code new in a run counts from "missing")."""
    changes = []
    for previous, current in pairwise(runs):
        before, after = previous.verdicts, current.verdicts
        for code in sorted(before.keys() | after.keys()):
            old, new = before.get(code, "missing"), after.get(code, "missing")
            if old != new:
                changes.append(VerdictChange(str(current.started_at), code, old, new))
    return changes
