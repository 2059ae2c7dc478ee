"""Coverage beside conformance: every place that shows the percentage says how many codes were checked."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from errcontract.cli.summary import print_summary
from errcontract.contract.model import load_provider
from errcontract.core.redact import Redactor
from errcontract.core.verdicts import Verdict
from errcontract.judge.model import RunResult, Summary
from errcontract.judge.verdict import CodeResult
from errcontract.report import badge_svg, write_provider_report, write_site_index
from errcontract.report.badge import COLOUR_SCALE
from errcontract.report.coverage import coverage_of
from errcontract.report.diff import diff_results
from errcontract.report.diff_render import render_json, render_text
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun

DATA = Path(__file__).parent / "data"


def summary_of(fields: dict[str, Any]) -> Summary:
    """A summary as an older file may give it (only `fields` beyond the required counts)."""
    results = sample("vicsee")
    required = {"codes": 0, "passed": 0, "failed": 0, "not_observed": 0, "errors": 0, "violations": 0}
    results["summary"] = required | {"warnings": 0, "conformance_pct": None} | fields
    return RunResult.from_json(results).summary


def _each_result(items: Any) -> list[RunResult]:
    return [RunResult.from_json(item) for item in items]


def sample(provider: str) -> dict[str, Any]:
    return json.loads((DATA / f"results-{provider}.json").read_text(encoding="utf-8"))


def api_key_only() -> dict[str, Any]:
    """A live-style run given only an API key: 9 passed, 6 not observed, still "100%"."""
    results = sample("vydra")
    for index, entry in enumerate(results["codes"]):
        entry["verdict"] = "pass" if index < 9 else "not-observed"
        entry["reason"] = None if index < 9 else "needs --api-key-revoked"
    results["summary"] |= {
        "codes": 15,
        "passed": 9,
        "failed": 0,
        "not_observed": 6,
        "code_errors": 0,
        "conformance_pct": 100.0,
    }
    return results


def test_coverage_reads_old_and_new_summaries() -> None:
    old = coverage_of(RunResult.from_json(sample("vicsee")).summary)  # written before `checked` existed
    assert (old.checked, old.codes, old.line()) == (
        11,
        18,
        "11/18 codes checked · 10 pass · 1 fail · 7 not observed",
    )
    with_error = coverage_of(
        summary_of({"codes": 15, "passed": 9, "failed": 0, "not_observed": 5, "code_errors": 1})
    )
    assert with_error.line() == "9/15 codes checked · 9 pass · 0 fail · 1 error · 5 not observed"
    assert (
        coverage_of(RunResult.from_json(sample("vydra")).summary).errors == 1
    )  # an old file: the code left over
    assert coverage_of(summary_of({})).pct is None


def test_results_json_carries_checked_and_coverage_pct() -> None:
    fixtures = {"api_key": "vydra_live_user_u1_" + "a" * 32}
    run = ProviderRun(
        load_provider("vydra"), RunOptions(provider="vydra"), "http://127.0.0.1:9", fixtures, False
    )
    run.recorder.set_code_result(CodeResult("MISSING_AUTH", Verdict.PASS))
    run.recorder.set_code_result(CodeResult("INVALID_FORMAT", Verdict.FAIL, "wrong"))
    summary = run.results().to_json()["summary"]
    run.client.close()
    assert summary["checked"] == 2 and summary["coverage_pct"] == round(100 * 2 / summary["codes"], 1)


def test_the_page_shows_coverage_beside_the_percentage_and_each_unchecked_reason(tmp_path: Path) -> None:
    results = api_key_only()
    text = write_provider_report(RunResult.from_json(results), tmp_path).read_text(encoding="utf-8")
    assert 'id="coverage-fraction">9/15<small>codes checked' in text
    assert '<span class="coverage-line">9 pass · 0 fail · ' in text
    summary = re.sub(
        r"<svg.*?</svg>", "", text[text.index('id="summary"') :].split("</section>")[0], flags=re.S
    )
    assert summary.count("9/15") == 1  # once, large (issue 30: not again in the line below it)
    assert '<a href="#not-observed">6 not observed</a>' in text
    unchecked = text[text.index('id="not-observed"') : text.index("</details>")]
    for entry in results["codes"][9:]:
        assert f'href="#{entry["code"]}"' in unchecked
    assert unchecked.count("needs --api-key-revoked") == 6


def test_the_badge_never_says_100_percent_alone_nor_full_green_with_codes_unchecked() -> None:
    results = api_key_only()
    svg = badge_svg("conformance", 100.0, "conformant", coverage_of(RunResult.from_json(results).summary))
    texts = {t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert "100% · 9/15 checked" in texts
    assert COLOUR_SCALE[0][1] not in svg
    full = badge_svg("conformance", 100.0, "conformant", coverage_of(summary_of({"codes": 3, "passed": 3})))
    assert COLOUR_SCALE[0][1] in full


def test_the_site_index_shows_coverage_and_links_the_reasons(tmp_path: Path) -> None:
    text = write_site_index(_each_result([api_key_only(), sample("vicsee")]), tmp_path).read_text(
        encoding="utf-8"
    )
    assert "9/15<small>codes checked" in text and "11/18<small>codes checked" in text
    assert 'href="vydra/index.html#not-observed"' in text
    card = text[text.index('id="provider-vydra"') :]
    card = card[: card.index("</section>")]
    shown = re.sub(r"<svg.*?</svg>", "", card, flags=re.S)  # the badge is a picture of its own
    assert shown.count("9/15") == 1, shown  # issue 30: "4/15 codes checked" four times on one card


def test_the_terminal_summary_shows_coverage_and_why_codes_were_not_checked(capsys, tmp_path: Path) -> None:
    print_summary(_each_result([api_key_only()]), tmp_path, Redactor())
    out = capsys.readouterr().out
    assert "conformance 100% · 9/15 codes checked · 9 pass · 0 fail · 6 not observed" in out
    assert "not checked: " in out and ": needs --api-key-revoked" in out


def test_the_diff_shows_coverage_beside_conformance() -> None:
    base, new = RunResult.from_json(sample("vydra")), RunResult.from_json(api_key_only())
    changes = diff_results(base, new)
    assert "codes checked 10/15 → 9/15" in render_text(base, new, changes).splitlines()[0]
    assert json.loads(render_json(base, new, changes))["new"]["checked"] == 9
