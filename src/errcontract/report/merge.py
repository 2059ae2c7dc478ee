"""`errcontract report A B ... -o SITE`: several runs (CI jobs, one per provider or target) merged
into one site: each run's report set in a folder of its own, and the index over them all.

An input is a results.json or a folder searched for them (a downloaded artifact, a report
folder). Each run is published where `errcontract run` would have put it had one run checked them
all, read from its results.json (never from the folder names, which CI artifacts all share): the
provider's name (`vicsee`), or, for a provider merged at several targets, `<provider>-<target
slug>` (`vicsee-api.example.com`; `vicsee-mock` for its embedded mock). Only the same check merged
twice (one provider, one target) gets `~2`, `~3`. Recorded traffic (`errcontract judge`, `proxy`)
of a run's provider and target joins that run's folder: the run's verdicts, the traffic's where
the run observed nothing, a fail in either a fail (`report/combine.py`). The index lists exactly
the runs merged: a folder already in SITE that this merge did not write is left alone and not
listed.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from errcontract.core.errors import UsageError
from errcontract.core.slug import slug
from errcontract.judge.model import RunResult
from errcontract.report.combine import combine_all
from errcontract.report.publish import replace_report_set
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


def target_name(results: RunResult) -> str:
    """The run's target as a folder name: `mock` for the embedded mock (its port is a new one
    each run), else the slug of the URL results.json records."""
    return "mock" if results.embedded_mock else slug(results.target)


def folder_names(runs: Sequence[RunResult]) -> list[str]:
    """Each run's folder in the site: its provider's name, or `<provider>-<target>` when the
    provider was merged at several targets; `~N` added only when the same check comes again."""
    targets: dict[str, set[str]] = {}
    for results in runs:
        targets.setdefault(results.provider, set()).add(target_name(results))
    names: list[str] = []
    seen: Counter[str] = Counter()
    for results in runs:
        provider = results.provider
        base = provider if len(targets[provider]) == 1 else f"{provider}-{target_name(results)}"
        seen[base] += 1
        names.append(base if seen[base] == 1 else f"{base}~{seen[base]}")
    return names


def _written(results: RunResult, folder: Path) -> Path:
    """A merged result's results.json (alone: the run's junit.xml tells the run's verdicts only)."""
    folder.mkdir(parents=True)
    path = folder / RESULTS_NAME
    path.write_text(json.dumps(results.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def merge_site(inputs: Sequence[Path], site: Path, history: Sequence[Path] = ()) -> Path:
    """Write each run's report set into site/<folder>/ (with its history, as `report` draws
    it) and site/index.html over exactly these runs; recorded traffic of a run's provider and
    target is merged into that run (`combine`)."""
    paths = results_files(inputs)
    loaded = [load_results(path) for path in paths]
    path_of = {id(results): path for results, path in zip(loaded, paths, strict=True)}
    merged = combine_all(loaded)
    runs: dict[str, RunResult] = {}
    with tempfile.TemporaryDirectory(prefix="errcontract-merge-") as scratch:
        for n, (results, name) in enumerate(zip(merged, folder_names(merged), strict=True)):
            path = path_of.get(id(results)) or _written(results, Path(scratch) / str(n))
            replace_report_set(results, path, site / name, history, MERGE_HINT)
            runs[name] = results
    folders = sorted(runs)
    return write_site_index([runs[name] for name in folders], site, folders=folders)
