"""`errcontract report RESULTS.json [-o DIR]`: rebuild the provider page from a results file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from errcontract.cli import main

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


@pytest.mark.parametrize("content", [None, "not json at all", '{"schema_version": 99}'],
                         ids=["missing", "not-json", "not-a-results-file"])
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
