"""Value strategies for generated requests: odd strings, bad JSON, bad header values, odd ids.

Each strategy draws the raw material of one kind of mistake; `strategies.py` turns it into a
labelled defect on a documented request. Nothing here knows a provider.

Header values are kept to what h11 (httpx's HTTP/1.1 engine) will send: visible ASCII with inner
spaces or tabs, never CR, LF, NUL or surrounding whitespace (h11 refuses those before they reach
the wire, so they would test the client, not the target).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal
from urllib.parse import unquote

from hypothesis import strategies as st

from errcontract.client.keys import unknown_key

# RFC 9110 field-value: field-vchar (VCHAR / obs-text) with inner SP / HTAB; what h11 checks.
H11_FIELD_VALUE = re.compile(r"[\x21-\x7e\x80-\xff]+(?:[ \t]+[\x21-\x7e\x80-\xff]+)*")
KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
OTHER_SCHEMES = ("Token", "Basic", "Digest", "ApiKey", "Key", "Bearer:")
TRAVERSALS = ("../", "..\\", "./", "%2e%2e/", "..;/")
NOT_JSON_OBJECTS = ("{", "}", "{,}", "{'model': 1}", '{"a" 1}', '{"a": 1,}', "{a: 1}", "[", "nul")


def h11_accepts(value: str) -> bool:
    """Would httpx/h11 put this value in a header as it is (latin-1, no control characters)?"""
    return value.isascii() and H11_FIELD_VALUE.fullmatch(value) is not None


# -- strings -----------------------------------------------------------------------------------
PRINTABLE: tuple[Literal["L", "M", "N", "P", "S"], ...] = (
    "L",
    "M",
    "N",
    "P",
    "S",
)  # the categories str.isprintable() accepts (and ' ')


def any_chars(min_codepoint: int = 0) -> st.SearchStrategy[str]:
    return st.characters(min_codepoint=min_codepoint, exclude_categories=["Cs"])


def printable_chars(min_codepoint: int = 0) -> st.SearchStrategy[str]:
    return st.characters(min_codepoint=min_codepoint, categories=PRINTABLE)


def with_non_ascii(around: st.SearchStrategy[str], printable: bool = False) -> st.SearchStrategy[str]:
    """Strings with at least one non-ASCII character (built so, not filtered: a filter that
    rejects most draws costs Hypothesis the whole example)."""
    non_ascii = (printable_chars if printable else any_chars)(0x80)
    return st.tuples(around, non_ascii, around).map("".join)


def printable_strings(max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=printable_chars(), max_size=max_size)


def non_ascii_strings() -> st.SearchStrategy[str]:
    return with_non_ascii(st.text(max_size=20))


def control_strings() -> st.SearchStrategy[str]:
    controls = st.characters(categories=["Cc"])
    return st.text(alphabet=controls, min_size=1, max_size=20)


def huge_strings(
    max_size: int = 100_000, min_size: int = 4096, chars: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[str]:
    """Long strings built by repetition: cheap to draw, well under the usual 1 MB body limits."""
    chars = any_chars() if chars is None else chars
    return st.builds(lambda c, n: c * n, chars, st.integers(min_size, max_size))


def empty_strings() -> st.SearchStrategy[str]:
    return st.sampled_from(["", " ", "\t", "\u200b"])


ODD_STRINGS = {
    "empty string": empty_strings,
    "huge string": huge_strings,
    "non-ASCII string": non_ascii_strings,
    "control characters": control_strings,
}


# -- JSON --------------------------------------------------------------------------------------
def json_scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**63), 2**63),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    )


def json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        json_scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=8,
    )


def is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def malformed_json_texts(valid_text: str) -> st.SearchStrategy[str]:
    """Text that is not a JSON object: a cut-off valid body, classic syntax errors, noise."""
    cut = st.integers(0, max(0, len(valid_text) - 1)).map(lambda n: valid_text[:n])
    noise = st.text(max_size=40).filter(lambda t: not is_json_object(t))
    return st.one_of(cut, st.sampled_from(NOT_JSON_OBJECTS), noise)


def json_arrays(valid_body: Any) -> st.SearchStrategy[list[Any]]:
    return st.one_of(st.just([valid_body]), st.lists(json_values(), max_size=4))


def wrong_json_values(type_name: str, with_null: bool = True) -> st.SearchStrategy[Any]:
    """JSON values that are not of the documented type, drawn from the other types (not
    filtered, which would waste most draws); null only `with_null`. An integral float is not
    an integer here (1.0 is a number the docs' integer need not accept)."""
    values = json_values()
    by_type: dict[str, st.SearchStrategy[Any]] = {
        "boolean": st.booleans(),
        "integer": st.integers(-(2**63), 2**63),
        "number": st.floats(allow_nan=False, allow_infinity=False),
        "string": st.text(max_size=20),
        "array": st.lists(values, max_size=4),
        "object": st.dictionaries(st.text(max_size=10), values, max_size=4),
    }
    if with_null:
        by_type["null"] = st.none()
    same = {"number": ("number", "integer")}.get(type_name, (type_name,))
    return st.one_of([strategy for name, strategy in by_type.items() if name not in same])


# -- Authorization -----------------------------------------------------------------------------
def keys_like(key_pattern: str) -> st.SearchStrategy[str]:
    """Well-formed keys no account has: drawn from the contract's key pattern (never from a real
    key, so nothing of it is revealed), with Hypothesis's randomness (the seed replays them)."""
    return st.randoms(use_true_random=False).map(lambda rng: unknown_key(key_pattern, rng))


def wrong_prefix_keys(key_pattern: str) -> st.SearchStrategy[str]:
    tail = st.text(alphabet=KEY_CHARS + "-_.", min_size=1, max_size=48)
    return tail.filter(lambda k: re.match(key_pattern, k) is None)


def very_long_keys(prefix: str) -> st.SearchStrategy[str]:
    """Keys of 1-8 kB: long enough to hit header limits, short of servers' 16 kB head limits."""
    return st.builds(lambda c, n: prefix + c * n, st.sampled_from(KEY_CHARS), st.integers(1024, 8000))


def inner_whitespace() -> st.SearchStrategy[str]:
    """Whitespace other than the one space the scheme is followed by."""
    return st.one_of(st.just("\t"), st.text(alphabet=" \t", min_size=2, max_size=3))


# -- path ids and query values -----------------------------------------------------------------
def decoded_id(raw_segment: str) -> str:
    return unquote(raw_segment)


def one_line(segment: str) -> bool:
    """No newline once decoded. Left out for now: the embedded mock's routing does not match a
    path with a newline and answers starlette's text/plain 404 (reported to the mock's owner)."""
    return "\n" not in decoded_id(segment)


ID_EXCLUDED = "/\\\n"  # never in an id: a separator, or a newline (see one_line)


def ascii_unknown_ids() -> st.SearchStrategy[str]:
    """ASCII ids no resource has: punctuation, controls, very long; never empty, '.' or '..'."""
    chars = st.characters(max_codepoint=0x7F, exclude_characters=ID_EXCLUDED)
    long_ids = st.builds(lambda c, n: c * n, st.sampled_from("a0-_~"), st.integers(256, 2000))
    return st.one_of(st.text(alphabet=chars, min_size=1, max_size=30), long_ids).filter(
        lambda s: s.strip(".") != ""
    )


def non_ascii_unknown_ids() -> st.SearchStrategy[str]:
    """Ids no resource has with at least one non-ASCII character."""
    chars = st.characters(exclude_characters=ID_EXCLUDED, exclude_categories=["Cs"])
    return with_non_ascii(st.text(alphabet=chars, max_size=15))


def traversal_ids() -> st.SearchStrategy[str]:
    """Ids that look like a path: a server that resolves them may land on another route."""
    return st.builds(
        lambda steps, tail: "".join(steps) + tail,
        st.lists(st.sampled_from(TRAVERSALS), min_size=1, max_size=4),
        st.sampled_from(["", "etc/passwd", "models", "health", "x"]),
    )


def percent_encoded_segments() -> st.SearchStrategy[str]:
    """Raw path segments with percent escapes (sent as they are, decoded by the server)."""
    escape = st.sampled_from(["%00", "%2F", "%2f", "%5C", "%C0%AE", "%FF", "%25", "%20", "%09", "%E2%80%AE"])
    word = st.text(alphabet=KEY_CHARS, max_size=6)
    return (
        st.lists(st.one_of(escape, word), min_size=1, max_size=5)
        .map("".join)
        .filter(lambda s: "%" in s and decoded_id(s).strip(".") != "" and one_line(s))
    )


def odd_query_values() -> st.SearchStrategy[str]:
    numbers = st.integers(-(10**12), 10**12).map(str)
    decimals = st.floats(allow_nan=False).map(repr)
    return st.one_of(numbers, decimals, st.text(max_size=30), huge_strings(4096, 1024))
