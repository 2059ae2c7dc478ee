"""History: earlier results drawn per provider (conformance and coverage over time, each code's
verdict run by run) and kept in history.json, so a published site keeps it."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from errcontract.cli.main import main
from errcontract.judge.model import RunResult
from errcontract.report.history import HISTORY_NAME, digest, earlier_runs, merged, verdict_changes
from errcontract.report.history_svg import timeline_svg, trend_svg

DATA = Path(__file__).parent / "data"
SVG = "{http://www.w3.org/2000/svg}"


def sample(provider: str = "vydra") -> dict[str, Any]:
    return json.loads((DATA / f"results-{provider}.json").read_text(encoding="utf-8"))


def run_on(day: int, key_not_found: str = "pass", pct: float = 100.0) -> dict[str, Any]:
    """The sample Vydra run dated 2026-11-<day>, KEY_NOT_FOUND with the verdict given."""
    results = copy.deepcopy(sample())
    results["started_at"] = f"2026-11-{day:02d}T05:17:00Z"
    next(c for c in results["codes"] if c["code"] == "KEY_NOT_FOUND")["verdict"] = key_not_found
    results["summary"]["conformance_pct"] = pct
    results["verdict"] = "conformant" if key_not_found == "pass" else "violations"
    return results


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A folder of earlier results, as a downloaded site: three runs, other files, another provider."""
    site = tmp_path / "site"
    for day, verdict, pct in ((10, "pass", 100.0), (11, "fail", 90.9), (12, "fail", 90.9)):
        folder = site / f"run-{day}" / "vydra"
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(json.dumps(run_on(day, verdict, pct)), encoding="utf-8")
    (site / "run-12" / "vicsee").mkdir()
    (site / "run-12" / "vicsee" / "results.json").write_text(json.dumps(sample("vicsee")), encoding="utf-8")
    (site / "notes.json").write_text("not json at all", encoding="utf-8")
    return site


def test_earlier_runs_keep_the_providers_own_results_oldest_first(published: Path) -> None:
    runs = merged([*earlier_runs([published], "vydra"), digest(RunResult.from_json(run_on(13)))])
    assert [str(r.started_at)[:10] for r in runs] == ["2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"]
    assert runs[0].verdicts["KEY_NOT_FOUND"] == "pass" and runs[0].checked == 10


def test_verdict_changes_say_when_each_code_changed() -> None:
    runs = [
        digest(RunResult.from_json(run_on(10))),
        digest(RunResult.from_json(run_on(11, "fail"))),
        digest(RunResult.from_json(run_on(12, "fail"))),
        digest(RunResult.from_json(run_on(13))),
    ]
    changes = [(c.started_at[:10], c.code, c.before, c.after) for c in verdict_changes(runs)]
    assert changes == [
        ("2026-11-11", "KEY_NOT_FOUND", "pass", "fail"),
        ("2026-11-13", "KEY_NOT_FOUND", "fail", "pass"),
    ]


def test_the_charts_are_standalone_svg_with_a_point_per_run_and_a_row_per_code() -> None:
    runs = [digest(RunResult.from_json(run_on(day, "fail" if day % 2 else "pass"))) for day in range(1, 8)]
    trend = ET.fromstring(trend_svg(runs))
    assert len(trend.findall(f".//{SVG}circle")) == 7  # conformance points
    assert trend.find(f"{SVG}polyline") is not None
    timeline = ET.fromstring(timeline_svg(runs))
    cells = [g for g in timeline.iter(f"{SVG}g") if g.get("class") == "cell"]
    assert len(cells) == 7 * len(runs[0].verdicts)
    changed = [g for g in cells if g.get("data-changed")]
    assert {g.get("data-code") for g in changed} == {"KEY_NOT_FOUND"} and len(changed) == 6


def test_runs_sharing_a_day_are_labelled_with_their_times() -> None:
    """Issue 30: several runs on one day read as the same date under the chart."""
    runs = []
    for when in ("09:05:00", "14:05:07", "14:05:41"):
        results = run_on(3)
        results["started_at"] = f"2026-11-03T{when}Z"
        runs.append(digest(RunResult.from_json(results)))
    runs.append(digest(RunResult.from_json(run_on(5))))
    expected = {"2026-11-03 09:05", "2026-11-03 14:05:07", "2026-11-03 14:05:41", "2026-11-05"}
    trend = {t.text for t in ET.fromstring(trend_svg(runs)).iter(f"{SVG}text")}
    assert expected <= trend and "2026-11-03" not in trend, trend
    timeline = {t.text for t in ET.fromstring(timeline_svg(runs)).iter(f"{SVG}text")}
    dates = {t for t in timeline if t and t.startswith("2026-")}  # where narrow cells leave room
    assert dates and dates <= expected, timeline


def test_report_with_history_draws_it_and_keeps_it_in_history_json(published: Path, tmp_path: Path) -> None:
    current = tmp_path / "new" / "results.json"
    current.parent.mkdir()
    current.write_text(json.dumps(run_on(13)), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", str(current), "-o", str(out), "--history", str(published)]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="history"' in page and 'id="history-trend"' in page and 'id="history-timeline"' in page
    assert "fail → <strong>pass</strong>: <code>KEY_NOT_FOUND</code>" in page
    assert 'href="history.json"' in page
    kept = json.loads((out / HISTORY_NAME).read_text(encoding="utf-8"))
    assert kept["provider"] == "vydra" and len(kept["runs"]) == 4


def test_a_published_history_json_carries_the_history_to_the_next_run(
    published: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for day, out, history in ((13, first, published), (14, second, first / HISTORY_NAME)):
        current = tmp_path / f"run-{day}.json"
        current.write_text(json.dumps(run_on(day)), encoding="utf-8")
        assert main(["report", str(current), "-o", str(out), "--history", str(history)]) == 0
    kept = json.loads((second / HISTORY_NAME).read_text(encoding="utf-8"))
    assert [r["started_at"][:10] for r in kept["runs"]][-2:] == ["2026-11-13", "2026-11-14"]
    assert len(kept["runs"]) == 5


def test_without_earlier_runs_there_is_no_history_section(tmp_path: Path) -> None:
    assert main(["report", str(DATA / "results-vydra.json"), "-o", str(tmp_path)]) == 0
    assert 'id="history"' not in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert not (tmp_path / HISTORY_NAME).exists()


def test_a_missing_history_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "report",
            str(DATA / "results-vydra.json"),
            "-o",
            str(tmp_path),
            "--history",
            str(tmp_path / "nowhere"),
        ]
    )
    assert code == 2 and "--history" in capsys.readouterr().err
