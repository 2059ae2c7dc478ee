"""pytest-html helpers: exchanges as extras, and a Code column, checked against pytest-html itself."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from errcontract.judge.model import Evidence, RunResult
from errcontract.report.pytest_html import (
    CODE_HEADER,
    extras_for_exchanges,
    results_table_header,
    results_table_html,
    results_table_row,
)

DATA = Path(__file__).parent / "data"


def evidence() -> list[Evidence]:
    results = RunResult.from_json(json.loads((DATA / "results-vicsee.json").read_text(encoding="utf-8")))
    return list(next(e for e in results.codes if e.evidence).evidence)


def test_each_exchange_becomes_an_inline_html_extra_and_a_curl_link() -> None:
    exchanges = evidence() * 2
    entries = extras_for_exchanges(exchanges)
    assert [e["format_type"] for e in entries] == ["html", "text", "html", "text"]
    assert [e["name"] for e in entries if e["format_type"] == "text"] == ["curl 1", "curl 2"]
    assert html.escape(exchanges[0].request.splitlines()[0]) in entries[0]["content"]
    assert entries[1]["content"] == exchanges[0].reproduce


def test_exchange_text_is_escaped_not_interpreted() -> None:
    entries = extras_for_exchanges([Evidence("GET /", "<img src=x onerror=alert(1)>", "", "")])
    assert "<img" not in entries[0]["content"] and "&lt;img" in entries[0]["content"]
    assert len(entries) == 1  # no reproducer, no link


def test_code_column_follows_the_test_column() -> None:
    cells = ["<th>Result</th>", "<th>Test</th>", "<th>Duration</th>", "<th>Links</th>"]
    results_table_header(cells)
    assert cells[2] == CODE_HEADER


def test_row_shows_the_reports_code_or_nothing_when_the_plugin_set_none() -> None:
    with_code = ["<td>r</td>", "<td>t</td>", "<td>d</td>", "<td>l</td>"]
    results_table_row(SimpleNamespace(errcontract_code="INVALID_JSON"), with_code)
    without = ["<td>r</td>", "<td>t</td>", "<td>d</td>", "<td>l</td>"]
    results_table_row(SimpleNamespace(), without)
    assert with_code[2] == '<td class="col-code">INVALID_JSON</td>'
    assert without[2] == '<td class="col-code"></td>'


def test_a_skip_reads_as_its_reason_not_as_a_tuple() -> None:
    reason = "Skipped: not observed: needs --api-key-no-credits"
    report = SimpleNamespace(outcome="skipped", longrepr=("/x/code_tests.py", 140, reason))
    data = ["('/x/code_tests.py', 140, 'Skipped: ...')"]
    results_table_html(report, data)
    assert data == ["<div>Not observed: needs --api-key-no-credits</div>"]


def test_an_expected_failure_reads_as_its_reason_without_the_test_source() -> None:
    report = SimpleNamespace(
        outcome="skipped", wasxfail="reason: ambiguity-x: the stated reading", longrepr=None
    )
    data = ["def test_example(...):\n    assert ...\nE   AssertionError"]
    results_table_html(report, data)
    assert data == ["<div>Expected failure: ambiguity-x: the stated reading</div>"]


def test_other_outcomes_keep_their_log() -> None:
    data = ["E   assert 1 == 2"]
    results_table_html(SimpleNamespace(outcome="failed", longrepr="E   assert 1 == 2"), data)
    assert data == ["E   assert 1 == 2"]


CONFTEST = """
import pytest
from errcontract.judge.model import Evidence
from errcontract.report.pytest_html import extras_for_exchanges, results_table_header, results_table_row

EXCHANGES = [Evidence(**e) for e in {exchanges!r}]

def pytest_html_results_table_header(cells):
    results_table_header(cells)

def pytest_html_results_table_row(report, cells):
    results_table_row(report, cells)

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        report.errcontract_code = "MISSING_MODEL"
        report.extras = getattr(report, "extras", []) + extras_for_exchanges(EXCHANGES)
"""


def test_a_real_pytest_html_report_carries_the_code_column_and_the_exchanges(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        CONFTEST.format(exchanges=[e.to_json() for e in evidence()]), encoding="utf-8"
    )
    (tmp_path / "test_sample.py").write_text("def test_missing_model():\n    pass\n", encoding="utf-8")
    out = tmp_path / "pytest.html"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:errcontract",
        "-p",
        "no:cacheprovider",
        "-q",
        f"--html={out}",
        "--self-contained-html",
        str(tmp_path),
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    page = out.read_text(encoding="utf-8")
    blob = json.loads(html.unescape(re.search(r'data-jsonblob="([^"]*)"', page).group(1)))
    test = next(iter(blob["tests"].values()))[0]
    assert '<td class="col-code">MISSING_MODEL</td>' in test["resultsTableRow"]
    assert any(e["format_type"] == "html" and "Exchange 1" in e["content"] for e in test["extras"])
    assert CODE_HEADER in page
