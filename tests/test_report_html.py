"""The provider page (index.html + badge.svg) built from the sample results in tests/data."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markupsafe
import pytest

from errcontract.judge.model import RunResult
from errcontract.report import html as report_html
from errcontract.report import write_provider_report
from tests.helpers import recorded_providers

DATA = Path(__file__).parent / "data"
PROVIDERS = recorded_providers()  # those with a recorded run in tests/data


def sample(provider: str) -> dict[str, Any]:
    return json.loads((DATA / f"results-{provider}.json").read_text(encoding="utf-8"))


class LinkCollector(HTMLParser):
    """Every src/href attribute value and every element id of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: list[str] = []
        self.matrix_codes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.links += [v for k, v in attrs if k in ("src", "href") and v is not None]
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "tr" and values.get("data-code"):
            self.matrix_codes.append(str(values["data-code"]))


def parse(page: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector


@pytest.fixture(params=PROVIDERS)
def built(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    results = sample(request.param)
    return results, write_provider_report(RunResult.from_json(results), tmp_path / request.param)


def test_writes_index_html_and_badge_svg(built: tuple[dict[str, Any], Path]) -> None:
    _, page = built
    assert page.name == "index.html"
    assert (page.parent / "badge.svg").read_text(encoding="utf-8").startswith("<svg")


def test_every_documented_code_has_a_section_and_a_matrix_row(built: tuple[dict[str, Any], Path]) -> None:
    results, page = built
    parsed = parse(page)
    for entry in results["codes"]:
        assert parsed.ids.count(entry["code"]) == 1, entry["code"]
        assert entry["code"] in parsed.matrix_codes, entry["code"]


def test_matrix_has_a_group_for_each_status_with_codes_and_none_for_success(
    built: tuple[dict[str, Any], Path],
) -> None:
    results, page = built
    text = page.read_text(encoding="utf-8")
    assert '<span class="status">200</span>' not in text
    for group in (g for g in results["statuses"] if g["codes"]):
        description = markupsafe.escape(group["description"])
        assert f'<span class="status">{group["status"]}</span>{description}' in text


def test_page_has_summary_matrix_codes_findings_and_documentation_sections(
    built: tuple[dict[str, Any], Path],
) -> None:
    ids = parse(built[1]).ids
    for section in ("summary", "matrix", "undocumented", "codes", "violations", "warnings", "documentation"):
        assert section in ids


def test_summary_shows_verdict_pct_target_contract_hash_and_tool_version(
    built: tuple[dict[str, Any], Path],
) -> None:
    results, page = built
    text = page.read_text(encoding="utf-8")
    assert results["verdict"] in text
    assert f"{results['summary']['conformance_pct']:g}%" in text
    assert results["target"] in text
    assert results["contract"]["sha256"] in text
    assert f"errcontract {results['tool']['version']}" in text


def test_page_fetches_nothing_from_the_network(built: tuple[dict[str, Any], Path]) -> None:
    page = built[1]
    for link in parse(page).links:
        assert "://" not in link and not link.startswith("//"), link
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "@import" not in text and "url(http" not in text


def test_page_has_print_css_and_symbols_for_each_outcome(built: tuple[dict[str, Any], Path]) -> None:
    text = built[1].read_text(encoding="utf-8")
    assert "@media print" in text
    for symbol, label in (("✓", "pass"), ("✗", "fail"), ("–", "not observed"), ("!", "error")):
        assert f'aria-hidden="true">{symbol}</span>{label}' in text


def test_undocumented_codes_are_listed_apart_from_the_matrix(tmp_path: Path) -> None:
    results = sample("vicsee")
    parsed = parse(write_provider_report(RunResult.from_json(results), tmp_path))
    undocumented = results["undocumented"][0]["code"]
    assert undocumented not in parsed.matrix_codes
    assert f"<td><code>{undocumented}</code></td>" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_what_the_run_left_out_is_listed_on_the_page_with_why(tmp_path: Path) -> None:
    results = sample("vicsee")
    results["left_out"] = [
        {"kind": "fixture", "name": "model", "reason": "GET /models answered HTTP 401"},
        {"kind": "recipe", "name": "no-result on download", "reason": "needs --no-result-task-id"},
    ]
    parsed = parse(write_provider_report(RunResult.from_json(results), tmp_path))
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "left-out" in parsed.ids and "Left out of this run" in page
    assert "<code>no-result on download</code>: needs --no-result-task-id" in page


def test_each_code_section_shows_its_reason_evidence_and_reproducer(tmp_path: Path) -> None:
    results = sample("vicsee")
    text = write_provider_report(RunResult.from_json(results), tmp_path).read_text(encoding="utf-8")
    failing = next(e for e in results["codes"] if e["verdict"] == "fail")
    unseen = next(e for e in results["codes"] if e["verdict"] == "not-observed")
    assert unseen["reason"] in text
    assert "UNKNOWN_MODEL" in failing["evidence"][0]["response"]
    assert "curl -sS -X POST" in text and "Bearer sk-a…3f2c" in text


def test_ambiguities_show_the_reading_taken(built: tuple[dict[str, Any], Path]) -> None:
    results, page = built
    parsed = parse(page)
    for ambiguity in results["documentation"]["ambiguities"]:
        assert f"ambiguity-{ambiguity['id']}" in parsed.ids


def test_text_from_the_results_is_escaped_not_interpreted(tmp_path: Path) -> None:
    results = sample("vicsee")
    results["codes"][0]["message"] = "<script>alert(1)</script>"
    text = write_provider_report(RunResult.from_json(results), tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


SECRET = "sk-live-abcDEF&<123>7890zz"


def test_secrets_are_scrubbed_from_every_written_file(tmp_path: Path) -> None:
    results = sample("vicsee")
    leaky = copy.deepcopy(results)
    leaky["violations"][0]["message"] = f"server echoed key {SECRET}"
    leaky["codes"][0]["evidence"][0]["request"] += f"\nX-Debug: {SECRET}"
    leaky["target"] = f"http://127.0.0.1:1/?key={SECRET}"
    write_provider_report(RunResult.from_json(leaky), tmp_path, secrets=[SECRET])
    for written in tmp_path.iterdir():
        text = written.read_text(encoding="utf-8")
        assert SECRET not in text and "sk-live-abcDEF&amp;&lt;123&gt;7890zz" not in text
    assert "sk-l…90zz" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_a_failed_render_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(results: dict[str, Any], *args: Any) -> str:
        raise RuntimeError("template bug")

    monkeypatch.setattr(report_html, "render_provider_page", broken)
    with pytest.raises(RuntimeError):
        write_provider_report(RunResult.from_json(sample("vicsee")), tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    page = write_provider_report(RunResult.from_json(sample("vydra")), tmp_path)
    assert page.stat().st_mode & 0o044 == 0o044
