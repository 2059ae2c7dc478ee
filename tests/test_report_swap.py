"""Swapping a report set in: all entries or none, with or without the kernel's atomic exchange;
published modes whatever the umask; staging folders of killed runs swept by the next run."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from errcontract.judge.model import RunResult
from errcontract.report import swap
from errcontract.report.publish import ReportSet
from tests.live_runs import DATA, hidden_siblings, snapshot

HINT = "choose another"


def folder_with(root: Path, **entries: str) -> Path:
    """name=text: a file; name="/": an (empty-ish) folder holding `marker` with its name."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in entries.items():
        if text == "/":
            (root / name).mkdir()
            (root / name / "marker").write_text(f"{root.name} {name}\n")
        else:
            (root / name).write_text(text)
    return root


@pytest.fixture(params=["renameat2", "three-renames"])
def exchange_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "three-renames":  # as on a kernel or libc without RENAME_EXCHANGE
        monkeypatch.setattr(swap, "_renameat2", lambda: None)
    yield request.param


def test_every_entry_is_swapped_in_and_the_staging_folder_holds_the_old_ones(
    tmp_path: Path, exchange_kind: str
) -> None:
    target = folder_with(tmp_path / "reports", a="/", **{"index.html": "old index\n"})
    staging = folder_with(tmp_path / "staging", a="/", b="/", **{"index.html": "new index\n"})
    swap.swap_in(staging, target, ["a", "b", "index.html"], HINT)
    assert snapshot(target) == {
        "a": None,
        "a/marker": b"staging a\n",
        "b": None,
        "b/marker": b"staging b\n",
        "index.html": b"new index\n",
    }
    assert snapshot(staging) == {"a": None, "a/marker": b"reports a\n", "index.html": b"old index\n"}


def test_an_entry_that_cannot_be_replaced_swaps_back_those_already_swapped(
    tmp_path: Path, exchange_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = folder_with(tmp_path / "reports", a="/", b="/", **{"index.html": "old index\n"})
    staging = folder_with(tmp_path / "staging", a="/", b="/", **{"index.html": "new index\n"})
    before = snapshot(target)
    exchange = swap.exchange

    def refusing(a: Path, b: Path) -> None:
        if b.name == "index.html" and (target / "a" / "marker").read_text() == "staging a\n":
            raise PermissionError(1, "Operation not permitted", str(b))
        exchange(a, b)

    monkeypatch.setattr(swap, "exchange", refusing)
    with pytest.raises(swap.WriteFault, match=r"cannot replace .*index\.html \(Operation not permitted\)"):
        swap.swap_in(staging, target, ["a", "b", "index.html"], HINT)
    assert snapshot(target) == before


def test_the_report_folder_is_created_with_published_modes_whatever_the_umask(tmp_path: Path) -> None:
    results = RunResult.from_json(json.loads((DATA / "results-vicsee.json").read_text(encoding="utf-8")))
    previous = os.umask(0o077)
    try:
        with ReportSet(tmp_path / "new" / "reports", ["vicsee"]) as reports:
            reports.write_provider(results, secrets=[])
            reports.publish([results], secrets=[])
    finally:
        os.umask(previous)
    report_dir = tmp_path / "new" / "reports"
    for path in [report_dir, *report_dir.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path
    assert hidden_siblings(report_dir) == []


def test_a_report_folder_the_run_created_is_removed_when_nothing_is_published(tmp_path: Path) -> None:
    """A run stopped before its verdict (a preflight stop) writes nothing, not even the folder;
    one that already existed is kept, and so is one something else wrote into meanwhile."""
    with ReportSet(tmp_path / "new" / "reports", ["vicsee"]):
        pass
    assert not (tmp_path / "new" / "reports").exists()
    (tmp_path / "kept").mkdir()
    with ReportSet(tmp_path / "kept", ["vicsee"]):
        pass
    assert (tmp_path / "kept").is_dir()
    with ReportSet(tmp_path / "written", ["vicsee"]):
        (tmp_path / "written" / "other.txt").write_text("not ours", encoding="utf-8")
    assert (tmp_path / "written" / "other.txt").is_file()


def test_staging_folders_of_killed_runs_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    report_dir = tmp_path / "reports"
    report_dir.mkdir()
    dead = tmp_path / ".reports.staging-999999999-abc"  # beyond pid_max: no such process
    live = tmp_path / ".reports.staging-1-abc"  # pid 1 is always running
    for folder in (dead, live):
        (folder / "vicsee").mkdir(parents=True)
    with ReportSet(report_dir, ["vicsee"]):
        assert not dead.exists() and live.exists()
    assert hidden_siblings(report_dir) == [live.name]


def test_a_set_that_is_not_published_leaves_nothing(tmp_path: Path) -> None:
    report_dir = folder_with(tmp_path / "reports", vicsee="/")
    before = snapshot(report_dir)
    with ReportSet(report_dir, ["vicsee", "vydra"]) as reports:
        (reports.provider_dir("vicsee") / "results.json").write_text("{}")
    assert snapshot(report_dir) == before and hidden_siblings(report_dir) == []
