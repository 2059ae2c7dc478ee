"""`errcontract report RESULTS.json [-o DIR]`: rebuild the provider page from a results file."""

from __future__ import annotations

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


def test_report_writes_into_the_folder_given_with_o(tmp_path: Path) -> None:
    assert main(["report", str(DATA / "results-vydra.json"), "-o", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["badge.svg", "index.html"]


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
