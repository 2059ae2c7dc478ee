"""Findings grouped by (promise broken, code): one row per group, the first example shown, the rest folded."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from errcontract.judge.model import Finding, RunResult
from errcontract.report import write_provider_report
from errcontract.report.findings import FOLDED_LIMIT, group_findings

DATA = Path(__file__).parent / "data"


def _findings(items: list[dict[str, Any]]) -> list[Finding]:
    return [Finding.from_json(item) for item in items]


def sample(provider: str = "vicsee") -> dict[str, Any]:
    return json.loads((DATA / f"results-{provider}.json").read_text(encoding="utf-8"))


def finding(
    check: str, code: str | None, n: int, strength: str = "stated", status: int = 400
) -> dict[str, Any]:
    return {
        "check": check,
        "code": code,
        "promise": None,
        "status": status,
        "strength": strength,
        "message": f"{check} broken #{n}",
        "reproduce": f"curl -sS -i http://127.0.0.1:9/{n}",
        "source": "fuzz" if n % 2 else "recipe:invalid-json",
        "defects": "invalid-json",
        "test": "t",
    }


def drifted(count: int = 280) -> dict[str, Any]:
    """A drifted run: `count` violations of three promises, over two codes and none."""
    results = sample()
    results["violations"] = [
        finding(
            *(
                ("rate_limit_headers", "INVALID_JSON"),
                ("rate_limit_headers", None),
                ("envelope", "MISSING_MODEL"),
            )[n % 3],
            n,
        )
        for n in range(count)
    ]
    results["warnings"] = [finding("message_pattern", "INSUFFICIENT_CREDITS", 0, "exemplified", 402)]
    for entry in results["codes"]:
        entry["violations"] = [i for i, v in enumerate(results["violations"]) if v["code"] == entry["code"]]
    return results


class Rows(HTMLParser):
    """The findings table's group rows and every element id."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[dict[str, str | None]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "tbody" and values.get("class") == "finding-group":
            self.groups.append(values)


def parse(text: str) -> Rows:
    rows = Rows()
    rows.feed(text)
    return rows


def test_findings_group_by_check_and_code_stated_first_then_most_frequent() -> None:
    items = [
        finding("envelope", "A", 0),
        finding("headers", "B", 1, "exemplified"),
        finding("envelope", "A", 2),
        finding("headers", None, 3),
        finding("envelope", "A", 4),
    ]
    groups = group_findings(_findings(items), "violation")
    assert [(g.check, g.code, g.count) for g in groups] == [
        ("envelope", "A", 3),
        ("headers", None, 1),
        ("headers", "B", 1),
    ]
    first = groups[0]
    assert first.first.message == "envelope broken #0" and first.first_index == 0
    assert [i for i, _ in first.folded] == [2, 4]
    assert groups[2].strengths == ["exemplified"]
    assert len({g.anchor for g in groups}) == len(groups)


def test_a_group_folds_at_most_a_bounded_number_of_examples() -> None:
    group = group_findings(
        _findings([finding("envelope", "A", n) for n in range(FOLDED_LIMIT + 10)]), "violation"
    )[0]
    assert len(group.folded) == FOLDED_LIMIT and group.not_listed == 9


def test_the_page_has_one_row_per_group_with_its_count_strength_and_first_reproducer(tmp_path: Path) -> None:
    results = drifted()
    text = write_provider_report(RunResult.from_json(results), tmp_path).read_text(encoding="utf-8")
    rows = parse(text)
    violation_rows = [r for r in rows.groups if str(r["id"]).startswith("violation-")]
    assert len(violation_rows) == 3
    assert sorted(int(str(r["data-count"])) for r in violation_rows) == [93, 93, 94]
    assert text.count('<details class="more">') == 3
    assert "curl -sS -i http://127.0.0.1:9/0" in text
    assert "exemplified" in text  # the warning's strength
    for index in range(FOLDED_LIMIT + 1):  # deep links to single findings still land
        assert f"violation-{index}" in rows.ids


def test_a_codes_section_links_to_the_groups_it_carries(tmp_path: Path) -> None:
    text = write_provider_report(RunResult.from_json(drifted()), tmp_path).read_text(encoding="utf-8")
    section = text[text.index('<article id="MISSING_MODEL"') :]
    section = section[: section.index("</article>")]
    assert 'href="#violation-envelope-MISSING_MODEL"' in section and "× 93" in section


def test_a_matrix_cell_of_a_wrongly_answered_code_says_what_the_target_answered(tmp_path: Path) -> None:
    results = copy.deepcopy(sample())
    failing = next(e for e in results["codes"] if e["code"] == "INVALID_MODEL")
    text = write_provider_report(RunResult.from_json(results), tmp_path / "old").read_text(encoding="utf-8")
    assert "never; answered <strong>HTTP 400</strong>" in text  # an old file: the status at least
    failing["evidence"][0]["answered"] = "HTTP 400 UNKNOWN_MODEL"
    text = write_provider_report(RunResult.from_json(results), tmp_path / "new").read_text(encoding="utf-8")
    assert "never; answered <strong>HTTP 400 UNKNOWN_MODEL</strong>" in text
    assert "Seen with status" not in text
