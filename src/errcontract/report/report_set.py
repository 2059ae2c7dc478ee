"""`errcontract report`: a complete, linked set of a provider's files in one folder.

The page links pytest.html, junit.xml, results.json and badge.svg; writing the page elsewhere
(`-o DIR`) copies what the run left beside its results (results.json always; pytest.html and
junit.xml when they exist), and the page links only what the folder holds. With earlier results
(`--history`), history.json joins the set and the page draws it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from errcontract.judge.model import RunResult
from errcontract.report.files import write_atomic
from errcontract.report.history import (
    HISTORY_NAME,
    HistoryRun,
    digest,
    earlier_runs,
    history_document,
    merged,
)
from errcontract.report.html import BADGE_NAME, write_provider_report

RESULTS_NAME = "results.json"
SIBLINGS = ("pytest.html", "junit.xml")  # what the run wrote beside results.json, copied as is
LINKED = ("pytest.html", "junit.xml", RESULTS_NAME, BADGE_NAME, HISTORY_NAME)


def copy_run_files(results_path: Path, out_dir: Path, into: Path) -> None:
    """results.json and its siblings into `into` (the set for out_dir), unless out_dir holds them."""
    source = results_path.resolve().parent
    if out_dir.resolve() == source and results_path.name == RESULTS_NAME:
        return
    into.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(results_path, into / RESULTS_NAME)
    for name in SIBLINGS:
        if (source / name).is_file() and out_dir.resolve() != source:
            shutil.copyfile(source / name, into / name)


def history_of(results: RunResult, out_dir: Path, history_paths: Sequence[Path]) -> list[HistoryRun]:
    """This run and every earlier run of its provider: those given, and those the folder kept."""
    kept = out_dir / HISTORY_NAME
    paths = [*history_paths, *([kept] if kept.is_file() else [])]
    return merged([*earlier_runs(paths, results.provider), digest(results)])


def write_report_set(
    results: RunResult,
    results_path: Path,
    out_dir: Path,
    history_paths: Sequence[Path] = (),
    into: Path | None = None,
) -> Path:
    """Write the page, the badge, the copies and (with history) history.json for out_dir, into
    `into` (a staging folder swapped in later) or out_dir itself; return the page written."""
    target = into or out_dir
    runs = history_of(results, out_dir, history_paths)
    copy_run_files(results_path, out_dir, target)
    if len(runs) > 1 or history_paths:
        document = history_document(results.provider, runs)
        write_atomic(target / HISTORY_NAME, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    links = [
        name
        for name in LINKED
        if name == BADGE_NAME or (target / name).is_file() or (out_dir / name).is_file()
    ]
    return write_provider_report(results, target, links=links, history=runs)
