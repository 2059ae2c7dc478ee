"""The provider page in a real browser: Debian's Chromium, driven by playwright's python API.

Playwright's own browser download is not used (nor possible offline): the test drives the system
`/usr/bin/chromium` and is skipped, saying why, where that or playwright is missing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from errcontract.report import write_provider_report, write_site_index

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
DATA = Path(__file__).parent / "data"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "reports"
PROVIDERS = ("vicsee", "vydra")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


def sample(provider: str) -> dict[str, Any]:
    return json.loads((DATA / f"results-{provider}.json").read_text(encoding="utf-8"))


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


@pytest.mark.parametrize("provider", PROVIDERS)
def test_matrix_is_visible_and_every_documented_code_is_on_the_page(
    page: Any, tmp_path: Path, provider: str
) -> None:
    results = sample(provider)
    index = write_provider_report(results, tmp_path / provider)
    page.goto(index.as_uri())
    assert page.locator("table.matrix").is_visible()
    for entry in results["codes"]:
        assert page.locator(f'tr.code-row[data-code="{entry["code"]}"]').first.is_visible()
        assert page.locator(f'article[id="{entry["code"]}"]').is_visible()
    if not os.environ.get("CI"):
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"screenshot-{provider}.png"), full_page=False)


def test_the_page_loads_nothing_but_itself(page: Any, tmp_path: Path) -> None:
    index = write_provider_report(sample("vicsee"), tmp_path)
    page.goto(index.as_uri())
    assert page.requests_seen == [index.as_uri()]


def test_site_index_links_each_provider_page(page: Any, tmp_path: Path) -> None:
    all_results = [sample(p) for p in PROVIDERS]
    for results in all_results:
        write_provider_report(results, tmp_path / results["provider"])
    page.goto(write_site_index(all_results, tmp_path).as_uri())
    page.get_by_role("link", name=all_results[1]["title"], exact=True).click()
    page.wait_for_load_state()
    assert page.url == (tmp_path / PROVIDERS[1] / "index.html").as_uri()
    assert page.locator("table.matrix").is_visible()
