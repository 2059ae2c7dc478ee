"""Made-up keys and how the run's keys are shown.

A key "no account has" (to provoke VicSee's INVALID_API_KEY or Vydra's KEY_NOT_FOUND) is drawn
at random from the contract's key pattern, never from a real key: nothing of the real key (not
its characters, not their classes) reaches it. Made-up keys are shown like every key: masked in
prose, and as a variable in reproducers (`$ERRCONTRACT_UNKNOWN_API_KEY`, any well-formed key no
account has), so published reports carry no key-shaped string a secret scanner would flag.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable, Mapping

from errcontract.core.redact import KeyVariable, Redactor

ALNUM = string.ascii_letters + string.digits
OPEN_TAIL = (string.ascii_lowercase + string.digits, 32)  # after an open pattern such as `^sk-`
REPEAT = (12, 32)  # length drawn for `+` and `*`
ATOM = re.compile(r"\\[dw]|\\.|\[[^\]]+\]|[^\\\[\](){}|.*+?^$]")
QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d+))?\}|[+*?]")
UNKNOWN = KeyVariable("ERRCONTRACT_UNKNOWN_API_KEY", "a well-formed key no account has")
MADE_UP_TAIL = r"[A-Za-z0-9_\-]{8,}"
KEY_START = r"(?<![A-Za-z0-9_\-])"  # `sk-…` is a key, `task-error-statuses` is not


def variable_for(fixture: str) -> KeyVariable:
    """The environment variable a fixture key is read from: api_key -> ERRCONTRACT_API_KEY."""
    return KeyVariable(f"ERRCONTRACT_{fixture.upper()}")


def _class_chars(atom: str) -> str:
    """The characters an atom stands for: a literal, `\\d`, `\\w` or a `[...]` class with ranges."""
    if atom == r"\d":
        return string.digits
    if atom == r"\w":
        return ALNUM + "_"
    if atom.startswith("\\"):
        return atom[1]
    if not atom.startswith("["):
        return atom
    body, chars = atom[1:-1], list[str]()
    for match in re.finditer(r"(.)-(.)|\\(.)|(.)", body):
        low, high, escaped, single = match.groups()
        chars += [chr(c) for c in range(ord(low), ord(high) + 1)] if low else [escaped or single]
    return "".join(chars)


def unknown_key(pattern: str, rng: random.Random | None = None) -> str:
    """A random key matching `pattern` (a simple regex: literals, classes, quantifiers, anchors).
    Patterns beyond that, and open ones (`^sk-`), get a random lower-case alphanumeric tail."""
    rng = rng or random.SystemRandom()
    body = pattern.removeprefix("^")
    closed = body.endswith("$") and not body.endswith("\\$")
    body = body.removesuffix("$") if closed else body
    out, position = list[str](), 0
    while position < len(body):
        atom = ATOM.match(body, position)
        if atom is None:
            return "".join(out) + _tail(rng)
        chars, position = _class_chars(atom.group(0)), atom.end()
        count = 1
        quantifier = QUANTIFIER.match(body, position)
        if quantifier:
            count, position = _count(quantifier, rng), quantifier.end()
        out += [rng.choice(chars) for _ in range(count)]
    return "".join(out) if closed else "".join(out) + _tail(rng)


def _count(quantifier: re.Match[str], rng: random.Random) -> int:
    text = quantifier.group(0)
    if text == "?":
        return rng.randint(0, 1)
    if text in "+*":
        return rng.randint(*REPEAT)
    low = int(quantifier.group(1))
    return rng.randint(low, int(quantifier.group(2))) if quantifier.group(2) else low


def _tail(rng: random.Random) -> str:
    chars, size = OPEN_TAIL
    return "".join(rng.choice(chars) for _ in range(size))


def made_up_pattern(literal_prefix: str) -> re.Pattern[str] | None:
    """Where a key of the contract's shape sits in a text (keys the run made up, to mask them)."""
    if len(literal_prefix) < 2:
        return None
    return re.compile(KEY_START + re.escape(literal_prefix) + MADE_UP_TAIL)


def run_redactor(secret_names: Iterable[str], fixtures: Mapping[str, str], literal_prefix: str) -> Redactor:
    """The Redactor of one provider run: every fixture key and every made-up key (`name:unknown`),
    each with the variable a reproducer writes it as; other keys of the contract's shape masked."""
    variables: dict[str, KeyVariable] = {}
    for name in secret_names:
        if fixtures.get(name):
            variables[fixtures[name]] = variable_for(name)
        if fixtures.get(f"{name}:unknown"):
            variables[fixtures[f"{name}:unknown"]] = UNKNOWN
    pattern = made_up_pattern(literal_prefix)
    return Redactor(variables, variables, [(pattern, UNKNOWN)] if pattern else [])
