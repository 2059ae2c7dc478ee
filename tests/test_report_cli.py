"""`errcontract report RESULTS.json [-o DIR]`: rebuild the provider page from a results file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from errcontract.cli.main import main
from tests.live_runs import snapshot

DATA = Path(__file__).parent / "data"


def test_report_writes_page_and_badge_beside_the_results_by_default(tmp_path: Path) -> None:
    results = tmp_path / "vicsee" / "results.json"
    results.parent.mkdir()
    shutil.copy(DATA / "results-vicsee.json", results)
    assert main(["report", str(results)]) == 0
    assert "MISSING_AUTH_HEADER" in (results.parent / "index.html").read_text(encoding="utf-8")
    assert (results.parent / "badge.svg").is_file()


def hrefs(page: Path) -> list[str]:
    return re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8"))


def test_report_writes_into_the_folder_given_with_o_a_set_without_dead_links(tmp_path: Path) -> None:
    assert main(["report", str(DATA / "results-vydra.json"), "-o", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["badge.svg", "index.html", "results.json"]
    assert all((out / href).is_file() for href in hrefs(out / "index.html"))
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["provider"] == "vydra"


def test_report_o_copies_what_the_run_left_beside_its_results_and_links_it_all(tmp_path: Path) -> None:
    run = tmp_path / "run" / "vicsee"
    run.mkdir(parents=True)
    shutil.copy(DATA / "results-vicsee.json", run / "results.json")
    (run / "pytest.html").write_text("<html>pytest</html>", encoding="utf-8")
    (run / "junit.xml").write_text("<testsuites/>", encoding="utf-8")
    assert main(["report", str(run / "results.json"), "-o", str(tmp_path / "site" / "vicsee")]) == 0
    out = tmp_path / "site" / "vicsee"
    names = {"badge.svg", "index.html", "junit.xml", "pytest.html", "results.json"}
    assert {p.name for p in out.iterdir()} == names
    links = hrefs(out / "index.html")
    assert names - {"index.html"} <= set(links)
    assert all((out / href).is_file() for href in links)


@pytest.mark.parametrize(
    "content",
    [None, "not json at all", '{"schema_version": 99}'],
    ids=["missing", "not-json", "not-a-results-file"],
)
def test_bad_results_file_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None
) -> None:
    bad = tmp_path / "in" / "results.json"
    bad.parent.mkdir()
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert main(["report", str(bad), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("errcontract: error: ") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_report_o_into_a_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me\n")
    assert main(["report", str(DATA / "results-vicsee.json"), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(target) in err and "not a folder" in err and "-o" in err
    assert target.read_text() == "keep me\n"


def test_report_o_replaces_page_and_badge_together_or_neither(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], immutable: Callable[[Path], None]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("earlier page\n")
    (out / "badge.svg").write_text("earlier badge\n")
    immutable(out / "index.html")
    assert main(["report", str(DATA / "results-vicsee.json"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out / "index.html") in err and "immutable" in err
    assert snapshot(out) == {"index.html": b"earlier page\n", "badge.svg": b"earlier badge\n"}


@pytest.mark.parametrize("command", ["diff", "report"])
def test_stdout_that_cannot_be_written_is_one_line_exit_2(tmp_path: Path, command: str) -> None:
    results = DATA / "results-vicsee.json"
    args = [str(results), str(results)] if command == "diff" else [str(results), "-o", str(tmp_path)]
    with open("/dev/full", "w") as full:  # every write: ENOSPC
        done = subprocess.run(
            [sys.executable, "-m", "errcontract", command, *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "No space left on device" in done.stderr, done.stderr
