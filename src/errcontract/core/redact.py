"""Keys never leave the run: every text that is kept or printed goes through a Redactor.

In prose (messages, evidence, the terminal) a key is shown as its mask, `sk-a…3f2c`. In a shell
reproducer it is written as the variable the reader sets (`$ERRCONTRACT_API_KEY`), so the command
runs as printed: `shell_parts` splits a text into literal pieces and those variables.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

MIN_SECRET_LENGTH = 6


def mask(secret: str) -> str:
    """A key shown as its prefix and last 4 characters: `sk-a…3f2c`."""
    if len(secret) < 12:
        return "…" * 3
    return f"{secret[:4]}…{secret[-4:]}"


def sent_forms(secret: str) -> tuple[str, ...]:
    """Every form a key travels in: as is, URL-quoted (a query string), and base64 as HTTP Basic
    sends it (`user:password`, or `key:` for a key without a colon)."""
    pair = secret if ":" in secret else f"{secret}:"
    encoded = {base64.b64encode(p.encode()).decode() for p in (secret, pair)}
    return (secret, quote(secret, safe=""), *sorted(encoded))


@dataclass(frozen=True)
class KeyVariable:
    """How a key is written in a shell reproducer: the variable the reader sets, and what to set
    it to when the run made the key up (a well-formed key no account has)."""

    name: str
    note: str | None = None


class Redactor:
    """Replaces each known secret (and its URL-quoted form) by its mask; keys the run made up
    (`made_up`: patterns of the contract's key shape) are masked too."""

    def __init__(
        self,
        secrets: Iterable[str] = (),
        variables: Mapping[str, KeyVariable] | None = None,
        made_up: Sequence[tuple[re.Pattern[str], KeyVariable]] = (),
    ) -> None:
        found = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        pairs = {(form, mask(s)) for s in found for form in sent_forms(s)}
        self._pairs = sorted(pairs, key=lambda p: -len(p[0]))
        self._variables = {s: v for s, v in (variables or {}).items() if s in found}
        self._made_up = tuple(made_up)

    def __call__(self, text: str) -> str:
        for secret, masked in self._pairs:
            if secret in text:
                text = text.replace(secret, masked)
        for pattern, _ in self._made_up:
            text = pattern.sub(lambda m: mask(m.group(0)), text)
        return text

    def bytes(self, data: bytes) -> bytes:
        for secret, masked in self._pairs:
            raw = secret.encode()
            if raw in data:
                data = data.replace(raw, masked.encode())
        return data

    @property
    def secrets(self) -> list[str]:
        return [s for s, _ in self._pairs]

    def shell_parts(self, text: str) -> list[str | KeyVariable]:
        """`text` as literal pieces (secrets without a variable masked) and key variables."""
        pieces: list[str | KeyVariable] = [text]
        for secret in sorted(self._variables, key=len, reverse=True):
            pieces = _split(pieces, re.compile(re.escape(secret)), self._variables[secret])
        for pattern, variable in self._made_up:
            pieces = _split(pieces, pattern, variable)
        return [self(piece) if isinstance(piece, str) else piece for piece in pieces if piece != ""]


def _split(
    pieces: list[str | KeyVariable], pattern: re.Pattern[str], variable: KeyVariable
) -> list[str | KeyVariable]:
    """Each literal piece cut at the pattern's matches, each match replaced by the variable."""
    out: list[str | KeyVariable] = []
    for piece in pieces:
        if not isinstance(piece, str):
            out.append(piece)
            continue
        start = 0
        for match in pattern.finditer(piece):
            out += [piece[start : match.start()], variable]
            start = match.end()
        out.append(piece[start:])
    return out
