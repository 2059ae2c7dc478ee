"""`errcontract report A B ... -o SITE`: the runs of several CI jobs merged into one site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from errcontract.cli.main import main

DATA = Path(__file__).parent / "data"


def artifact(root: Path, name: str, folder: str, provider: str) -> Path:
    """A downloaded CI artifact: the job's report folder with one run in it."""
    run = root / name / folder
    run.mkdir(parents=True)
    shutil.copy(DATA / f"results-{provider}.json", run / "results.json")
    (run / "junit.xml").write_text("<testsuites/>\n", encoding="utf-8")
    return root / name


def test_several_artifacts_merge_into_one_site_with_a_folder_each_and_one_index(tmp_path: Path) -> None:
    downloads = tmp_path / "artifacts"
    artifact(downloads, "results-vicsee", "vicsee", "vicsee")
    artifact(downloads, "results-vydra", "vydra", "vydra")
    artifact(downloads, "results-vicsee-staging", "vicsee-staging.example.com", "vicsee")
    site = tmp_path / "site"
    assert main(["report", str(downloads), "-o", str(site)]) == 0
    folders = sorted(p.name for p in site.iterdir() if p.is_dir())
    assert folders == ["vicsee", "vicsee-staging.example.com", "vydra"]
    index = (site / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="([^"#/]+)/index.html"', index))
    assert linked == set(folders)
    for folder in folders:
        assert {"index.html", "badge.svg", "results.json", "junit.xml"} <= {
            p.name for p in (site / folder).iterdir()
        }


def test_the_same_folder_name_from_two_runs_is_kept_twice(tmp_path: Path) -> None:
    first = artifact(tmp_path / "a", "job", "vicsee", "vicsee")
    second = artifact(tmp_path / "b", "job", "vicsee", "vicsee")
    assert (
        main(["report", str(first / "vicsee" / "results.json"), str(second), "-o", str(tmp_path / "s")]) == 0
    )
    assert sorted(p.name for p in (tmp_path / "s").iterdir() if p.is_dir()) == ["vicsee", "vicsee~2"]


def test_merging_without_a_site_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    artifact(tmp_path, "job", "vicsee", "vicsee")
    assert main(["report", str(tmp_path / "job")]) == 2
    assert "-o SITE" in capsys.readouterr().err
