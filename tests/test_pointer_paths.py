"""The one JSON-pointer helper (RFC 6901) and the one path-template helper."""

from __future__ import annotations

import pytest

from errcontract.core import paths, pointer
from errcontract.core.pointer import NO_JSON

DOCUMENT = {"error": {"code": "X", "a/b": 1, "m~n": 2}, "list": [10, 20], "": "empty key"}


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("", DOCUMENT),
        ("/error/code", "X"),
        ("/error/a~1b", 1),
        ("/error/m~0n", 2),
        ("/list/1", 20),
        ("/", "empty key"),
    ],
)
def test_get_follows_rfc_6901_with_its_escapes(where: str, value: object) -> None:
    assert pointer.get(DOCUMENT, where) == value


@pytest.mark.parametrize("where", ["/missing", "/error/code/deeper", "/list/2", "/list/x", "/error/a/b"])
def test_get_gives_no_json_for_a_missing_step(where: str) -> None:
    assert pointer.get(DOCUMENT, where) is NO_JSON


def test_a_pointer_without_its_leading_slash_is_refused() -> None:
    with pytest.raises(ValueError, match="not a JSON pointer"):
        pointer.get(DOCUMENT, "error/code")


def test_set_creates_objects_on_the_way_and_pop_removes() -> None:
    document: dict[str, object] = {}
    pointer.set(document, "/error/a~1b", "v")
    assert document == {"error": {"a/b": "v"}}
    pointer.pop(document, "/error/a~1b")
    pointer.pop(document, "/nothing/here")
    assert document == {"error": {}}


def test_escape_and_join_round_trip_through_tokens() -> None:
    keys = ["a/b", "m~n", "plain"]
    assert pointer.join(keys) == "/a~1b/m~0n/plain"
    assert pointer.tokens(pointer.join(keys)) == keys


def test_path_params_in_order() -> None:
    assert paths.params("/models/{slug}/runs/{id}") == ("slug", "id")
    assert paths.params("/health") == ()


def test_template_regex_matches_one_segment_per_parameter() -> None:
    regex = paths.template_regex("/tasks/{id}", prefix="/api/v1")
    match = regex.fullmatch("/api/v1/tasks/abc-1")
    assert match is not None and match.groupdict() == {"id": "abc-1"}
    assert regex.fullmatch("/api/v1/tasks/a/b") is None
    assert paths.template_regex("/a.b/{x}").fullmatch("/aXb/1") is None  # the template is literal


def test_expand_percent_encodes_each_value_as_one_segment() -> None:
    assert (
        paths.expand("/tasks/{id}/files/{name}", {"id": "a/b", "name": "x y"}) == "/tasks/a%2Fb/files/x%20y"
    )
    assert paths.expand("/tasks/{id}", {}) == "/tasks/x"
