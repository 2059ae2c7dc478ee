"""One recorded exchange as every reader yields it, whatever the file's format.

A reader yields a `Recorded` for each entry it could read (a response, or a request that got
none, with why) and a `Skipped` for each it could not (a cassette entry of an unknown shape, a
line that is not JSON), so every entry is judged or counted with its reason.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from errcontract.client.body import BoundedBody

MAX_BODY = 4 * 1024 * 1024  # what is judged of one body (a longer one is judged on its start)
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Recorded:
    """A request and what came back, as recorded (bodies decoded; `status` None: no answer)."""

    where: str  # "calls.har:12": the file's name and the entry's number (from 1)
    method: str
    url: str
    request_headers: Headers
    request_body: bytes | None
    status: int | None
    response_headers: Headers
    response_body: bytes
    started_at: float | None = None  # when the request left (epoch seconds), if recorded
    truncated: bool = False  # the response body was longer than MAX_BODY
    aborted: str | None = None  # why there is no response (status None)

    def header(self, name: str, response: bool = True) -> str | None:
        wanted = name.lower()
        pairs = self.response_headers if response else self.request_headers
        return next((v for k, v in pairs if k.lower() == wanted), None)


@dataclass(frozen=True)
class Skipped:
    """An entry that could not be read as an exchange, and why (counted, never judged)."""

    where: str
    reason: str


Entry = Recorded | Skipped


class BadRecording(Exception):
    """The file cannot be read at all (not the format it claims, truncated, unreadable): one line."""


def header_pairs(raw: object) -> Headers:
    """Headers as (name, value) pairs from a HAR list of {name, value} or a {name: value(s)} map."""
    if type(raw) is not list and isinstance(raw, Mapping):
        return tuple((str(k), str(v)) for k, values in raw.items() for v in _as_list(values) if v is not None)
    if isinstance(raw, Iterable) and not isinstance(raw, str | bytes):
        return tuple(
            (str(h["name"]), str(h.get("value", "")))
            for h in raw
            if (type(h) is dict or isinstance(h, Mapping)) and "name" in h  # dict: no ABC check
        )
    return ()


def _as_list(values: object) -> list[object]:
    return list(values) if isinstance(values, list | tuple) else [values]


def decoded_body(raw: bytes, content_encoding: str | None) -> tuple[bytes, bool]:
    """The body a client would have read (gzip/deflate undone where it is still encoded), at most
    MAX_BODY bytes, and whether it was longer."""
    if not content_encoding:  # nothing to undo: the bytes as recorded, cut at MAX_BODY
        return raw[:MAX_BODY], len(raw) > MAX_BODY
    body = BoundedBody(content_encoding, MAX_BODY)
    whole = body.add(raw)
    return body.value(), not whole


def text_bytes(text: object, encoding: object = None) -> bytes:
    """A recorded text as bytes: base64 decoded where the recorder says so (HAR `encoding`)."""
    if text is None:
        return b""
    if isinstance(text, bytes):
        return text
    if str(encoding or "").lower() == "base64":
        try:
            return base64.b64decode(str(text), validate=False)
        except (binascii.Error, ValueError):
            return str(text).encode("utf-8", "replace")
    return str(text).encode("utf-8", "surrogatepass")


def iso_time(value: object) -> float | None:
    """An ISO 8601 time (HAR startedDateTime) or epoch seconds, as epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def http_date(value: str | None) -> float | None:
    """A response's Date header as epoch seconds (the time a cassette keeps, when nothing else)."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
