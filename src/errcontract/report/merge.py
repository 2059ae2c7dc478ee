"""`errcontract report A B ... -o SITE`: several runs (CI jobs, one per provider or target) merged
into one site: each run's report set in a folder of its own, and the index over them all.

An input is a results.json or a folder searched for them (a downloaded artifact, a report
folder). A run keeps the name of the folder its results.json was in (`vicsee`,
`vicsee-api.example.com`); a name seen twice gets `~2`, `~3`. Folders already in SITE from
earlier merges stay, and the index marks them as from an earlier run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from errcontract.core.errors import UsageError
from errcontract.report.publish import replace_report_set, side_by_side
from errcontract.report.report_set import RESULTS_NAME
from errcontract.report.results import load_results
from errcontract.report.site import write_site_index

MERGE_HINT = "choose another with -o"


def results_files(inputs: Sequence[Path]) -> list[Path]:
    """Every results.json the inputs name or hold (hidden folders skipped), in a stable order."""
    found: list[Path] = []
    for given in inputs:
        if given.is_file():
            found.append(given)
        elif given.is_dir():
            found += sorted(
                p for p in given.rglob(RESULTS_NAME) if not any(part.startswith(".") for part in p.parts)
            )
        else:
            raise UsageError(f"{given}: no such file or folder")
    if not found:
        raise UsageError(f"no {RESULTS_NAME} in {', '.join(map(str, inputs))}")
    return found


def folder_names(paths: Sequence[Path]) -> list[str]:
    """Each run's folder in the site: its results' folder name, `~N` added when taken."""
    names: list[str] = []
    for path in paths:
        base = path.resolve().parent.name or "run"
        taken = sum(1 for n in names if n == base or n.startswith(base + "~"))
        names.append(base if not taken else f"{base}~{taken + 1}")
    return names


def merge_site(inputs: Sequence[Path], site: Path, history: Sequence[Path] = ()) -> Path:
    """Write each run's report set into site/<folder>/ (with its history, as `report` draws
    it) and site/index.html over all of them."""
    paths = results_files(inputs)
    runs: dict[str, dict[str, Any]] = {}
    for path, name in zip(paths, folder_names(paths), strict=True):
        results = load_results(path)
        replace_report_set(results, path, site / name, history, MERGE_HINT)
        runs[name] = results
    shown = side_by_side(runs, site)
    return write_site_index(list(shown.values()), site, current=list(runs), folders=list(shown))
