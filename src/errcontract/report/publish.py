"""One run's report set: staged whole, swapped in when the run completes, dropped otherwise.

The set is each provider folder of the run (results.json, junit.xml, pytest.html, index.html,
badge.svg) and the site index DIR/index.html. `errcontract run` and the pytest plugin publish
through the same `ReportSet`: the folder is checked before the first request, the files are
written into the staging folder, and `publish` swaps them in; a run that is interrupted or fails
leaves the previous reports exactly as they were (see `swap`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from errcontract.core.errors import UsageError
from errcontract.core.redact import Redactor
from errcontract.judge.model import RunResult
from errcontract.report import swap
from errcontract.report.history import HISTORY_NAME
from errcontract.report.html import BADGE_NAME, PAGE_NAME, write_provider_report
from errcontract.report.report_set import RESULTS_NAME, SIBLINGS, write_report_set
from errcontract.report.results import load_results
from errcontract.report.site import write_site_index

SITE_INDEX = "index.html"
RUN_HINT = "choose another with --report-dir"
T = TypeVar("T")


class ReportSet:
    """The reports of one run, staged beside `report_dir` until `publish` swaps them in."""

    def __init__(self, report_dir: Path, folders: Sequence[str], hint: str = RUN_HINT) -> None:
        """`folders`: one per check of the run (a provider's name, or a target's slug)."""
        self.report_dir = Path(os.path.abspath(report_dir))
        self.hint = hint
        self.published = False
        self.created = not os.path.lexists(self.report_dir)  # made by this run: gone if it publishes nothing
        entries = {**{folder: True for folder in folders}, SITE_INDEX: False}
        self.staging = swap.prepare(self.report_dir, entries, hint)

    def provider_dir(self, provider: str) -> Path:
        """The staged folder of one provider (its results.json, junit.xml, pytest.html go here).
        The folder it replaces may hold the history `errcontract report --history` keeps: it is
        carried over, so that history goes on growing run after run."""
        folder = self.staging / provider
        if not folder.is_dir():
            self._writing(lambda: folder.mkdir(exist_ok=True))
            kept = self.report_dir / provider / HISTORY_NAME
            if kept.is_file():
                self._writing(lambda: shutil.copy2(kept, folder / HISTORY_NAME))
        return folder

    def write_provider(self, results: RunResult, secrets: Sequence[str], folder: str | None = None) -> None:
        """The provider's page and badge, beside its results.json (in `folder`, default the provider's)."""
        into = self.provider_dir(folder or results.provider)
        self._writing(lambda: write_provider_report(results, into, secrets=secrets))

    def adopt(self, provider: str, source: Path, name: str) -> None:
        """A copy of a file another plugin wrote (the session's junit.xml or pytest.html)."""
        folder = self.provider_dir(provider)
        self._writing(lambda: shutil.copyfile(source, folder / name))

    def publish(
        self, results: list[RunResult], secrets: Sequence[str], folders: Sequence[str] | None = None
    ) -> None:
        """Scrub keys, add the site index, and swap the whole set in (all of it or none);
        `folders` beside `results` (default: each provider's name)."""
        names = list(folders) if folders is not None else [r.provider for r in results]
        for name in names:
            folder = self.staging / name
            for path in self._writing(partial(scrub_files, folder, secrets)):
                where = self.report_dir / path.relative_to(self.staging)
                print(f"errcontract: warning: a key had reached {where}; it is masked now", file=sys.stderr)
        shown = side_by_side(dict(zip(names, results, strict=True)), self.report_dir)
        self._writing(
            lambda: write_site_index(
                list(shown.values()), self.staging, secrets=secrets, current=names, folders=list(shown)
            )
        )
        self._writing(lambda: swap.normalize_modes(self.staging))
        swap.swap_in(self.staging, self.report_dir, [*names, SITE_INDEX], self.hint)
        self.published = True

    def discard(self) -> None:
        """Remove the staging folder (after `publish` it holds the previous set), and the report
        folder this run created if it published nothing there (a preflight stop writes nothing)."""
        swap.discard(self.staging)
        if self.created and not self.published:
            with contextlib.suppress(OSError):  # not empty (something else wrote there): kept
                self.report_dir.rmdir()

    def _writing(self, write: Callable[[], T]) -> T:
        try:
            return write()
        except OSError as exc:
            raise swap.fault(self.report_dir, exc, self.hint, "write reports into") from None

    def __enter__(self) -> ReportSet:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.discard()


def side_by_side(results: dict[str, RunResult], report_dir: Path) -> dict[str, RunResult]:
    """This run's results by folder, plus any other folder's results already in DIR (one run per
    provider and target, one DIR: the index still shows them all side by side), by folder name."""
    shown = dict(results)
    for path in sorted(report_dir.glob("*/results.json")):
        name = path.parent.name
        if name not in shown and not name.startswith("."):
            try:
                shown[name] = load_results(path)
            except UsageError:
                continue  # not a results file: not ours to show
    return {name: shown[name] for name in sorted(shown)}


def scrub_files(folder: Path, secrets: Sequence[str]) -> list[Path]:
    """Last line of defence: no file of the set keeps a key, whichever plugin wrote it; the
    files that had one are returned."""
    redact, scrubbed = Redactor(list(secrets)), []
    for path in sorted(folder.rglob("*")) if folder.is_dir() and secrets else []:
        data = path.read_bytes() if path.is_file() else b""
        clean = redact.bytes(data)
        if clean != data:
            path.write_bytes(clean)
            scrubbed.append(path)
    return scrubbed


REPORT_SET_NAMES = (PAGE_NAME, BADGE_NAME, RESULTS_NAME, *SIBLINGS, HISTORY_NAME)


def replace_report_set(
    results: RunResult, results_path: Path, out_dir: Path, history: Sequence[Path], hint: str
) -> Path:
    """`errcontract report`: the complete linked set of out_dir (page, badge, copies, history)
    replaced together, or none of it."""
    folder = Path(os.path.abspath(out_dir))
    staging = swap.prepare(folder, dict.fromkeys(REPORT_SET_NAMES, False), hint)
    try:
        try:
            write_report_set(results, results_path, folder, history, into=staging)
            swap.normalize_modes(staging)
        except OSError as exc:
            raise swap.fault(folder, exc, hint, "write into") from None
        written = [name for name in REPORT_SET_NAMES if (staging / name).exists()]
        swap.swap_in(staging, folder, written, hint)
    finally:
        swap.discard(staging)
    return folder / PAGE_NAME
