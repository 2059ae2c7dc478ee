"""The shields-style conformance badge."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from errcontract.report.badge import COLOUR_SCALE, NO_VALUE_COLOUR, badge_colour, badge_svg, format_pct

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_badge_is_valid_svg_reading_label_and_percentage() -> None:
    svg = badge_svg("conformance", 94.0, "conformant")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert set(texts(svg)) == {"conformance", "94%"}


def test_badge_without_a_percentage_reads_n_a_in_grey() -> None:
    svg = badge_svg("conformance", None, "unreachable")
    assert "n/a" in texts(svg)
    assert f'fill="{NO_VALUE_COLOUR}"' in svg


@pytest.mark.parametrize(
    ("pct", "expected"),
    [(100.0, "100%"), (94.0, "94%"), (92.34, "92.3%"), (99.96, "99.9%"), (0.0, "0%"), (None, "n/a")],
)
def test_percentages_are_rounded_down_to_one_decimal(pct: float | None, expected: str) -> None:
    assert format_pct(pct) == expected


def test_colour_goes_from_red_to_bright_green_with_the_value() -> None:
    assert badge_colour(100.0, "conformant") == COLOUR_SCALE[0][1]
    assert badge_colour(10.0, "violations") == COLOUR_SCALE[-1][1]
    assert badge_colour(60.0, "violations") != badge_colour(95.0, "violations")


def test_a_run_with_violations_never_gets_the_full_green() -> None:
    assert badge_colour(100.0, "violations") != COLOUR_SCALE[0][1]


@pytest.mark.parametrize("complete", [True, False])
@pytest.mark.parametrize("pct", [100.0, 99.0, 92.0])
def test_a_run_with_violations_never_shares_a_clean_runs_colour(pct: float, complete: bool) -> None:
    """Issue 30: a clean run leaving codes unchecked and a run with violations were both green."""
    clean = {badge_colour(100.0, "conformant", c) for c in (True, False)}
    assert badge_colour(pct, "violations", complete) not in clean


def test_label_text_is_xml_escaped() -> None:
    svg = badge_svg("a<b&c", 50.0, "violations")
    assert "a<b&c" in texts(svg)


def test_two_different_badges_do_not_share_element_ids() -> None:
    def ids(pct: float) -> set[str]:
        root = ET.fromstring(badge_svg("conformance", pct, "conformant"))
        return {str(el.get("id")) for el in root.iter() if el.get("id")}

    assert ids(90.0) and not ids(90.0) & ids(100.0)
