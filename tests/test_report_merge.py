"""`errcontract report A B ... -o SITE`: the runs of several CI jobs merged into one site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from errcontract.cli.main import main

DATA = Path(__file__).parent / "data"


def artifact(root: Path, name: str, folder: str, provider: str, **recorded: Any) -> Path:
    """A downloaded CI artifact: the job's report folder with one run in it (`recorded`: what
    its results.json says otherwise, e.g. target=..., embedded_mock=False)."""
    run = root / name / folder
    run.mkdir(parents=True)
    results = json.loads((DATA / f"results-{provider}.json").read_text(encoding="utf-8"))
    (run / "results.json").write_text(json.dumps({**results, **recorded}), encoding="utf-8")
    (run / "junit.xml").write_text("<testsuites/>\n", encoding="utf-8")
    return root / name


def site_folders(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.is_dir())


def linked(site: Path) -> list[str]:
    """The run folders the site's index links to, in its order."""
    return re.findall(
        r'<h2><a href="([^"#/]+)/index.html"', (site / "index.html").read_text(encoding="utf-8")
    )


def meta(site: Path) -> str:
    found = re.search(r'<p class="meta">([^<]*)</p>', (site / "index.html").read_text(encoding="utf-8"))
    assert found
    return found.group(1)


def test_several_artifacts_merge_into_one_site_with_a_folder_each_and_one_index(tmp_path: Path) -> None:
    downloads = tmp_path / "artifacts"
    artifact(downloads, "results-vicsee", "vicsee", "vicsee")
    artifact(downloads, "results-vydra", "vydra", "vydra")
    site = tmp_path / "site"
    assert main(["report", str(downloads), "-o", str(site)]) == 0
    folders = site_folders(site)
    assert folders == ["vicsee", "vydra"]
    assert linked(site) == folders
    assert meta(site) == "2 providers"
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
    assert site_folders(tmp_path / "s") == ["vicsee", "vicsee~2"]


def test_one_provider_merged_at_two_targets_is_named_by_each_target_not_by_n(tmp_path: Path) -> None:
    """The user's case: artifacts results-vicsee/ and results-vicsee-drift/, each holding the
    run's folder vicsee/ (one target per job), at two targets: the folders say which target."""
    downloads = tmp_path / "artifacts"
    artifact(
        downloads,
        "results-vicsee",
        "vicsee",
        "vicsee",
        target="https://api.vicsee.example/",
        embedded_mock=False,
    )
    artifact(
        downloads,
        "results-vicsee-drift",
        "vicsee",
        "vicsee",
        target="http://127.0.0.1:8080",
        embedded_mock=False,
    )
    artifact(downloads, "results-vydra", "vydra", "vydra")
    site = tmp_path / "site"
    assert main(["report", str(downloads), "-o", str(site)]) == 0
    expected = ["vicsee-127.0.0.1-8080", "vicsee-api.vicsee.example", "vydra"]
    assert site_folders(site) == linked(site) == expected
    assert meta(site) == "2 providers, 3 runs"
    recorded = json.loads((site / "vicsee-127.0.0.1-8080" / "results.json").read_text(encoding="utf-8"))
    assert recorded["target"] == "http://127.0.0.1:8080"


def test_the_embedded_mock_beside_a_target_is_named_mock_not_by_its_port(tmp_path: Path) -> None:
    artifact(
        tmp_path / "a",
        "results-vicsee",
        "vicsee",
        "vicsee",
        target="https://api.vicsee.example",
        embedded_mock=False,
    )
    artifact(tmp_path / "a", "results-vicsee-mock", "vicsee", "vicsee")  # embedded_mock: true
    assert main(["report", str(tmp_path / "a"), "-o", str(tmp_path / "s")]) == 0
    assert site_folders(tmp_path / "s") == ["vicsee-api.vicsee.example", "vicsee-mock"]


def test_merging_again_into_a_site_lists_exactly_the_runs_merged(tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = artifact(tmp_path / "a", "job", "vicsee", "vicsee")
    second = artifact(tmp_path / "b", "job", "vicsee", "vicsee")
    assert main(["report", str(first), str(second), "-o", str(site)]) == 0
    assert linked(site) == ["vicsee", "vicsee~2"]
    assert main(["report", str(first), "-o", str(site)]) == 0
    assert linked(site) == ["vicsee"]
    assert meta(site) == "1 provider"
    assert "earlier run" not in (site / "index.html").read_text(encoding="utf-8")


def test_merging_without_a_site_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    artifact(tmp_path, "job", "vicsee", "vicsee")
    assert main(["report", str(tmp_path / "job")]) == 2
    assert "-o SITE" in capsys.readouterr().err
