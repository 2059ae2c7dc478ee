"""The documentation site: `mkdocs build --strict` from mkdocs.yml (once per session), its generated
pages (a page per shipped provider from its contract, the CLI reference from the parser, the
results.json schema), the generators on provider folders they have never seen, and the catalogue in
a real browser (Debian's Chromium through playwright, as tests/test_browser.py) with no broken link
and no missing asset. Screenshots are written only where ERRCONTRACT_SCREENSHOTS names a folder."""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
import yaml

from errcontract.cli.main import build_parser
from tests.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / "docs" / "hooks"
SHIPPED = sorted(p.parent.name for p in (ROOT / "contracts").glob("*/contract.yaml"))

sys.path.insert(0, str(HOOKS))
import docgen_catalogue  # noqa: E402
import docgen_cli  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    site = tmp_path_factory.mktemp("site")
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml")]
    result = subprocess.run(
        [*command, "-d", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )
    return site, result


@pytest.fixture(scope="module")
def site(built: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    folder, result = built
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return folder


def test_mkdocs_build_strict_passes_with_no_warning(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = built
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr[-3000:]


@pytest.mark.parametrize("provider", SHIPPED)
def test_each_shipped_provider_has_a_page_generated_from_its_contract(site: Path, provider: str) -> None:
    contract = yaml.safe_load((ROOT / "contracts" / provider / "contract.yaml").read_text(encoding="utf-8"))
    page = (site / "providers" / provider / "index.html").read_text(encoding="utf-8")
    for code in contract["codes"]:
        assert f'id="code-{docgen_catalogue.anchor(code)}"' in page, code
    for status in contract["statuses"]:
        assert f"<strong>{status}</strong>" in page, status
    for ambiguity in contract.get("ambiguities", []):
        assert f'id="ambiguity-{ambiguity["id"]}"' in page, ambiguity["id"]
    for label in contract.get("sources", {}):
        assert contract["sources"][label]["url"] in page, label
    assert 'id="checked-against"' in page
    for check in contract.get("checked_against", []):
        assert check["test"] in page
    catalogue = (site / "providers" / "index.html").read_text(encoding="utf-8")
    assert f'href="{provider}/"' in catalogue


def test_a_codes_facts_carry_their_strength_and_source(site: Path) -> None:
    """VicSee's INSUFFICIENT_CREDITS: its message pattern is exemplified, its message stated, and
    its source is cited with a link to the page the contract names."""
    page = (site / "providers" / "vicsee" / "index.html").read_text(encoding="utf-8")
    section = page.split('id="code-insufficient_credits"', 1)[1].split("<h3", 1)[0]
    assert "message pattern" in section and "<em>exemplified</em>" in section
    assert "<strong>stated</strong>" in section
    assert 'href="https://vicsee.com/docs/errors"' in section


def test_the_cli_reference_holds_every_subcommand_and_option_of_the_parser(site: Path) -> None:
    page = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    commands = docgen_cli.subcommands(build_parser())
    assert {"run", "lint", "report", "diff", "mock"} <= set(commands)
    for name, parser in commands.items():
        assert f'id="{name}"' in page, name
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for flag in action.option_strings:
                assert f"<code>{flag}</code>" in page, f"{name} {flag}"


def test_the_results_schema_page_shows_every_member_and_publishes_the_schema(site: Path) -> None:
    schema_file = ROOT / "src" / "errcontract" / "judge" / "results.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    page = (site / "reference" / "results-schema" / "index.html").read_text(encoding="utf-8")
    for member in schema["properties"]:
        assert f"<code>{member}</code>" in page, member
    for name, definition in schema["$defs"].items():
        assert f'id="def-{docgen_catalogue.anchor(name)}"' in page, name
        for member in definition.get("properties", {}):
            assert member in page, f"{name}.{member}"
    assert (site / "reference" / "results.schema.json").read_bytes() == schema_file.read_bytes()


# ---- the generators on folders they have never seen ---------------------------------------------


def _folder(root: Path, name: str, text: str) -> Path:
    (root / name).mkdir(parents=True)
    (root / name / "contract.yaml").write_text(text, encoding="utf-8")
    return root / name


def test_the_catalogue_renders_any_provider_folder(tmp_path: Path) -> None:
    """A minimal contract, one with sections no page knows (shown as data), and one whose YAML is
    broken: each gets its page, and folders without a contract.yaml are not providers."""
    _folder(tmp_path, "tiny", "provider: tiny\ntitle: Tiny\ncodes: {E1: {status: 400, message: bad}}\n")
    _folder(
        tmp_path,
        "problem-details",
        "provider: problem-details\nfamily: problem-json\nauth: [bearer, basic]\n"
        "codes: {not_found: {status: [404], match: {/status: 404}, provoke: observe-only}}\n"
        "headers: {required: {fields: {request-id: {format: 'req_*'}}}}\n",
    )
    _folder(tmp_path, "broken", "provider: [unclosed\n")
    (tmp_path / "notes").mkdir()
    found = docgen_catalogue.providers(tmp_path)
    assert [p.name for p in found] == ["broken", "problem-details", "tiny"]
    pages = {p.name: docgen_catalogue.provider_page(p) for p in found}
    assert "could not be read" in pages["broken"]
    assert "family" in pages["problem-details"] and "problem-json" in pages["problem-details"]
    assert "<code>/status</code> = <code>404</code>" in pages["problem-details"]
    assert "<code>req\\_\\*</code>" not in pages["problem-details"]  # code is not Markdown-escaped
    assert "<code>req_*</code>" in pages["problem-details"]
    assert "E1" in pages["tiny"] and "Not checked against a real server" in pages["tiny"]
    index = docgen_catalogue.catalogue_index(found)
    assert all(f"({name}.md)" in index for name in pages)


def test_text_from_a_contract_is_never_read_as_html_or_markdown() -> None:
    shown = docgen_catalogue.text("Resets at: <ISO timestamp> | x-ratelimit-* _x_")
    assert "<ISO" not in shown and "&lt;ISO timestamp&gt;" in shown
    assert "\\|" in shown and "\\*" in shown and "\\_x\\_" in shown


# ---- the catalogue in a real browser -------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(
            f"no browser: {CHROMIUM} is missing (apt-get install chromium, or set ERRCONTRACT_CHROMIUM)"
        )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened with every request watched: a failure, an error status or any request that
    leaves the site's server is recorded (and a request off the machine is never sent)."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base, self.problems = base, []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.route("**/*", self._only_the_site)
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))

    def _only_the_site(self, route: Any) -> None:
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.problems.append(f"outside the site: {route.request.url}")
            route.abort()

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path, wait_until="networkidle")
        return self.page


def _internal_links(page: Any, base: str) -> set[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return {h for h in hrefs if h.startswith(base)}


def _broken_links(page: Any, base: str) -> list[str]:
    """Every link of the page to the site that does not resolve: a page that is not served, or
    an anchor that names no element of its page."""
    broken = []
    for link in sorted(_internal_links(page, base)):
        address, fragment = urldefrag(link)
        response = page.request.get(address)
        if not response.ok:
            broken.append(f"{link}: {response.status}")
        elif fragment and f'id="{fragment}"' not in response.text():
            broken.append(f"{link}: no element with id {fragment}")
    return broken


def test_the_catalogue_in_a_browser_has_no_broken_link_or_missing_asset(browser: Any, served: str) -> None:
    visit = Visit(browser, served)
    page = visit.open("providers/")
    assert page.title().startswith("Provider catalogue")
    assert page.locator(".md-header").is_visible()  # the theme's stylesheet and layout loaded
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    rows = page.locator("article table tbody tr")
    assert rows.count() == len(SHIPPED)
    assert _broken_links(page, served) == []
    assert visit.problems == [], visit.problems
    folder = os.environ.get("ERRCONTRACT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / "docs-catalogue.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("provider", SHIPPED)
def test_each_provider_page_opens_from_the_catalogue_with_its_codes_visible(
    browser: Any, served: str, provider: str
) -> None:
    visit = Visit(browser, served)
    page = visit.open("providers/")
    page.locator(f"article a[href='{provider}/']").first.click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == f"/providers/{provider}/"
    assert page.locator("#codes").is_visible()
    assert page.locator("h3[id^='code-']").count() >= 1
    assert _broken_links(page, served) == []
    assert visit.problems == [], visit.problems
    page.close()


# ---- the README, the short front door -------------------------------------------------------------

QUICK_START = (
    "python3 -m venv .venv && . .venv/bin/activate && python -m pip install -e . && errcontract run",
    "python3 -m venv .venv && . .venv/bin/activate && "
    'python -m pip install -q -e ".[test]" && python -m pytest',
)


def test_the_readme_is_a_short_front_door_with_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 150, "detail belongs on the documentation site"
    lines = readme.splitlines()
    for command in QUICK_START:
        assert command in lines
        assert command in (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8").splitlines()
    assert QUICK_START[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for link in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", readme):
        assert (ROOT / link).is_file(), link


def test_the_link_check_finds_a_missing_page_and_a_missing_anchor(
    browser: Any, served: str, site: Path
) -> None:
    """The check above has power: a page (outside the catalogue) linking to a page that is not
    served and to an anchor its target lacks is reported twice."""
    probe = site / "link-check-probe.html"
    probe.write_text('<a href="providers/no-such-provider/">x</a> <a href="providers/#no-such-anchor">y</a>')
    visit = Visit(browser, served)
    page = visit.open("link-check-probe.html")
    broken = _broken_links(page, served)
    assert [b.split(": ", 1)[1] for b in broken] == ["no element with id no-such-anchor", "404"], broken
    page.close()
