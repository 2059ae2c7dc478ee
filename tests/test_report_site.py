"""DIR/index.html: the providers side by side."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from errcontract.judge.model import RunResult
from errcontract.report import write_site_index
from errcontract.report.publish import ReportSet
from errcontract.report.site import PROVIDER_FILES

DATA = Path(__file__).parent / "data"


def _each_result(items: Any) -> list[RunResult]:
    return [RunResult.from_json(item) for item in items]


def samples() -> list[dict[str, Any]]:
    return [json.loads((DATA / f"results-{p}.json").read_text(encoding="utf-8")) for p in ("vicsee", "vydra")]


def test_site_index_links_every_file_of_every_provider(tmp_path: Path) -> None:
    text = write_site_index(_each_result(samples()), tmp_path).read_text(encoding="utf-8")
    for provider in ("vicsee", "vydra"):
        for name in PROVIDER_FILES:
            assert f'href="{provider}/{name}"' in text


def test_site_index_shows_each_provider_verdict_pct_and_counts(tmp_path: Path) -> None:
    results = samples()
    text = write_site_index(_each_result(results), tmp_path).read_text(encoding="utf-8")
    for r in results:
        assert f'id="provider-{r["provider"]}"' in text
        assert f"{r['summary']['conformance_pct']:g}%" in text
        assert f"<td>{r['summary']['not_observed']}</td>" in text
    assert "violations" in text and "conformant" in text


def test_site_index_keeps_the_order_given(tmp_path: Path) -> None:
    text = write_site_index(_each_result(list(reversed(samples()))), tmp_path).read_text(encoding="utf-8")
    assert text.index('id="provider-vydra"') < text.index('id="provider-vicsee"')


def test_an_unreachable_provider_reads_n_a(tmp_path: Path) -> None:
    unreachable = samples()[0] | {"verdict": "unreachable"}
    unreachable["summary"] = unreachable["summary"] | {"conformance_pct": None}
    text = write_site_index(_each_result([unreachable]), tmp_path).read_text(encoding="utf-8")
    assert "unreachable" in text and "n/a" in text


def test_index_shows_providers_from_earlier_runs_in_the_same_folder(tmp_path):
    data = Path(__file__).parent / "data"
    (tmp_path / "vydra").mkdir()
    shutil.copy(data / "results-vydra.json", tmp_path / "vydra" / "results.json")
    vicsee = json.loads((data / "results-vicsee.json").read_text(encoding="utf-8"))
    with ReportSet(tmp_path, ["vicsee"]) as reports:
        reports.write_provider(RunResult.from_json(vicsee), secrets=[])
        reports.publish([RunResult.from_json(vicsee)], secrets=[])
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="vicsee/index.html"' in index and 'href="vydra/index.html"' in index


def test_each_card_says_when_its_run_started_and_older_ones_say_they_are_older(tmp_path: Path) -> None:
    vicsee, vydra = samples()
    vicsee["started_at"], vydra["started_at"] = "2026-11-30T16:02:11Z", "2026-11-23T10:00:00Z"
    text = write_site_index(_each_result([vicsee, vydra]), tmp_path, current=["vicsee"]).read_text(
        encoding="utf-8"
    )
    vicsee_card, vydra_card = text.split('id="provider-vydra"')
    assert "2026-11-30 16:02:11 UTC" in vicsee_card and "earlier run" not in vicsee_card
    assert "2026-11-23 10:00:00 UTC" in vydra_card
    assert "From an earlier run (started 2026-11-23 10:00:00 UTC)" in vydra_card


def test_without_a_current_run_no_card_is_marked_older(tmp_path: Path) -> None:
    text = write_site_index(_each_result(samples()), tmp_path).read_text(encoding="utf-8")
    assert "earlier run" not in text and "Run started" in text
