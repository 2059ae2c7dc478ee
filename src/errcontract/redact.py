"""Keys never leave the run: every text that is kept or printed goes through a Redactor."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

MIN_SECRET_LENGTH = 6


def mask(secret: str) -> str:
    """A key shown as its prefix and last 4 characters: `sk-a…3f2c`."""
    if len(secret) < 12:
        return "…" * 3
    return f"{secret[:4]}…{secret[-4:]}"


class Redactor:
    """Replaces each known secret (and its URL-quoted form) by its mask."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        found = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        pairs = {(s, mask(s)) for s in found} | {(quote(s, safe=""), mask(s)) for s in found}
        self._pairs = sorted(pairs, key=lambda p: -len(p[0]))

    def __call__(self, text: str) -> str:
        for secret, masked in self._pairs:
            if secret in text:
                text = text.replace(secret, masked)
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
