"""The provider page in a real browser: Debian's Chromium, driven by playwright's python API.

Playwright's own browser download is not used (nor possible offline): the test drives the system
`/usr/bin/chromium` (or ERRCONTRACT_CHROMIUM) and is skipped, saying why in pytest's summary
(tests/conftest.py), where that or playwright is missing. Screenshots
are written only where ERRCONTRACT_SCREENSHOTS names a folder (tests write nothing elsewhere).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from errcontract.judge.model import RunResult
from errcontract.report import write_provider_report, write_site_index
from errcontract.report.findings import group_findings
from errcontract.report.results import load_results
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import recorded_providers
from tests.live_runs import errcontract_command

DATA = Path(__file__).parent / "data"
PROVIDERS = recorded_providers()  # those with a recorded run in tests/data
WORST_DRIFT = "lowercase-codes"  # the tallest page of all drifts before findings were grouped
MAX_PAGE_HEIGHT = 15_000

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(
        f"no browser: {CHROMIUM} is missing (apt-get install chromium, or set ERRCONTRACT_CHROMIUM)",
        allow_module_level=True,
    )

# Every word in a table cell (outside code blocks) fits its cell's width: a column narrower
# than a word it holds (the old FOUND BY column, a letter per line) fails. Widths come from the
# cell's own font, measured on a canvas (no layout per word).
NARROW_COLUMNS_JS = """() => {
  const context = document.createElement('canvas').getContext('2d');
  const narrow = [];
  for (const cell of document.querySelectorAll('table td, table th')) {
    const style = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('pre')) continue;
      context.font = getComputedStyle(node.parentElement).font;
      for (const word of node.data.split(/\\s+/)) {
        const width = context.measureText(word).width;
        if (word && width > room + 1) narrow.push(`${word}: ${Math.round(width)} px in ${Math.round(room)}`);
      }
    }
  }
  return narrow;
}"""


def _each_result(items: Any) -> list[RunResult]:
    return [RunResult.from_json(item) for item in items]


def sample(provider: str) -> dict[str, Any]:
    return json.loads((DATA / f"results-{provider}.json").read_text(encoding="utf-8"))


def screenshot(target: Any, name: str) -> None:
    folder = os.environ.get("ERRCONTRACT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.fixture(scope="module")
def browser() -> Any:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.requests_seen = []
    opened.on("request", lambda request: opened.requests_seen.append(request.url))
    yield opened
    context.close()


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report folder of a real run against the worst drift of VicSee's embedded mock."""
    report_dir = tmp_path_factory.mktemp("drifted")
    command = [
        *errcontract_command(),
        "run",
        "--provider",
        "vicsee",
        "--drift",
        WORST_DRIFT,
        "--report-dir",
        str(report_dir),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    return report_dir / "vicsee"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_matrix_is_visible_and_every_documented_code_is_on_the_page(
    page: Any, tmp_path: Path, provider: str
) -> None:
    results = sample(provider)
    index = write_provider_report(RunResult.from_json(results), tmp_path / provider)
    page.goto(index.as_uri())
    assert page.locator("table.matrix").is_visible()
    for entry in results["codes"]:
        assert page.locator(f'tr.code-row[data-code="{entry["code"]}"]').first.is_visible()
        assert page.locator(f'article[id="{entry["code"]}"]').is_visible()


def test_a_drifted_runs_page_shows_coverage_and_grouped_findings_in_a_page_that_ends(
    page: Any, drifted: Path
) -> None:
    results = json.loads((drifted / "results.json").read_text(encoding="utf-8"))
    page.goto((drifted / "index.html").as_uri())
    summary = results["summary"]
    fraction = f"{summary['checked']}/{summary['codes']}"
    assert page.locator("#coverage-fraction").inner_text().startswith(fraction)
    assert f"{summary['not_observed']} not observed" in page.locator("#coverage").inner_text()
    groups = group_findings(load_results(drifted / "results.json").violations, "violation")
    assert len(results["violations"]) > 100 and len(groups) < len(results["violations"]) / 4
    assert page.locator("#violations tbody.finding-group").count() == len(groups)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < MAX_PAGE_HEIGHT, f"page is {height} px tall"
    screenshot(page, "summary")
    screenshot(page.locator("#matrix"), "matrix")
    screenshot(page.locator("#violations tbody.finding-group").first, "grouped-finding")


def test_no_table_column_is_narrower_than_its_longest_word(page: Any, drifted: Path) -> None:
    page.goto((drifted / "index.html").as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate(NARROW_COLUMNS_JS) == []
    overflowing = page.evaluate("""() => Array.from(document.querySelectorAll('table'))
        .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).map(t => t.className)""")
    assert overflowing == []


def test_a_history_chart_is_drawn_when_earlier_results_are_given(
    page: Any, drifted: Path, tmp_path: Path
) -> None:
    current = json.loads((drifted / "results.json").read_text(encoding="utf-8"))
    earlier = tmp_path / "site"
    for day, verdict in ((1, "pass"), (2, "pass"), (3, "fail")):
        run = json.loads(json.dumps(current))
        run["started_at"] = f"2026-01-0{day}T05:17:00Z"
        for entry in run["codes"]:
            entry["verdict"] = verdict if entry["verdict"] == "fail" else entry["verdict"]
        (earlier / f"day-{day}").mkdir(parents=True)
        (earlier / f"day-{day}" / "results.json").write_text(json.dumps(run), encoding="utf-8")
    out = tmp_path / "report"
    done = subprocess.run(
        [
            *errcontract_command(),
            "report",
            str(drifted / "results.json"),
            "-o",
            str(out),
            "--history",
            str(earlier),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page.goto((out / "index.html").as_uri())
    trend = page.locator("#history-trend svg")
    assert trend.is_visible() and trend.locator("circle.point").count() == 4
    timeline = page.locator("#history-timeline svg")
    assert timeline.is_visible() and timeline.locator("g.cell[data-changed]").count() > 0
    screenshot(page.locator("#history"), "history")


def test_the_page_loads_nothing_but_itself(page: Any, tmp_path: Path) -> None:
    index = write_provider_report(RunResult.from_json(sample("vicsee")), tmp_path)
    page.goto(index.as_uri())
    assert page.requests_seen == [index.as_uri()]


def test_site_index_links_each_provider_page(page: Any, tmp_path: Path) -> None:
    all_results = [sample(p) for p in PROVIDERS]
    for results in all_results:
        write_provider_report(RunResult.from_json(results), tmp_path / results["provider"])
    page.goto(write_site_index(_each_result(all_results), tmp_path).as_uri())
    page.get_by_role("link", name=all_results[1]["title"], exact=True).click()
    page.wait_for_load_state()
    assert page.url == (tmp_path / PROVIDERS[1] / "index.html").as_uri()
    assert page.locator("table.matrix").is_visible()
