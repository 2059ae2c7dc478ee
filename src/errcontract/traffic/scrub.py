"""Credentials out of recorded traffic, before anything judges or keeps an entry.

Recorded traffic carries what a report must never show: `Authorization` and `x-api-key` values,
cookies, keys in query strings (`?key=`, `?api_key=`), keys in bodies (`"api_key": ...`), and keys
a server echoes back. Each is replaced by `RECORDED_KEY` as the entry is read, so no later step
(a finding, evidence, a reproducer, a log line, a HAR written by the proxy) ever holds one; the
reproducers write `RECORDED_KEY` as `$ERRCONTRACT_API_KEY`. Key-shaped strings (`sk-…`, `gsk_…`,
`AIza…`) are replaced wherever they appear, and every credential found is replaced in every later
entry too (a key echoed in another response).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from errcontract.traffic.entry import Headers, Recorded

RECORDED_KEY = "errcontract-recorded-key"
MIN_SECRET = 8  # shorter values (a cassette's "DUMMY") are replaced where found, not searched for
AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
KEY_HEADER = re.compile(
    r"^(x-)?(api-?key|goog-api-key|auth-token|access-token|subscription-key|secret|session-token)$"
    r"|^ocp-apim-subscription-key$|(^|-)(api-key|apikey|secret|password)$",
    re.I,
)
COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
QUERY_KEY = re.compile(  # query parameters that carry credentials (Google's ?key=, signed URLs)
    r"^(api[_-]?key|apikey|key|access[_-]?token|token|secret|client[_-]?secret|password|sig|signature|"
    r"code|auth|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)$",
    re.I,
)
BODY_KEY = re.compile(  # JSON fields that carry credentials (not `key`, `code` or `token`: data there)
    r"^(api[_-]?key|apikey|x-api-key|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|"
    r"secret[_-]?key|password|passwd)$",
    re.I,
)
KEY_SHAPE = re.compile(
    rb"(?<![A-Za-z0-9_\-])(?:sk-(?:ant-|proj-|or-)?[A-Za-z0-9_\-]{16,}|gsk_[A-Za-z0-9]{20,}|"
    rb"xai-[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_\-]{35}|gh[po]_[A-Za-z0-9]{30,}|"
    rb"r8_[A-Za-z0-9]{20,}|pplx-[A-Za-z0-9]{20,}|nvapi-[A-Za-z0-9_\-]{20,}|[a-z]+_live_[A-Za-z0-9_]{16,})"
)
PLACEHOLDER = RECORDED_KEY.encode()
# The literal starts of KEY_SHAPE's shapes: a text with none of them is not searched (fast path).
# Plain substring tests: `bytes in` runs at memory speed, an alternation regex byte by byte.
MARKERS = (
    b"sk-",
    b"gsk_",
    b"xai-",
    b"hf_",
    b"AIza",
    b"ghp_",
    b"gho_",
    b"r8_",
    b"pplx-",
    b"nvapi-",
    b"_live_",
)
BODY_KEY_NAMED = re.compile(  # a quick look before a JSON body is parsed for BODY_KEY fields
    rb'"(api[_-]?key|apikey|x-api-key|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|'
    rb'secret[_-]?key|password|passwd)"\s*:',
    re.I,
)


def _has_marker(data: bytes) -> bool:
    """Whether the text holds the start of some key shape (else KEY_SHAPE cannot match)."""
    return any(marker in data for marker in MARKERS)


def _may_name_a_key(body: bytes) -> bool:
    """A quick look for BODY_KEY's names (each ends in key, token, secret or a password word)."""
    low = body.lower()
    return b'key"' in low or b'token"' in low or b"secret" in low or b"passw" in low


@dataclass
class Scrubber:
    """Scrubs entry after entry, remembering every credential found (to replace it everywhere)."""

    found: set[str] = field(default_factory=set)
    needles: list[bytes] = field(default_factory=list)  # each credential, raw and URL-quoted
    labels: dict[str, str] = field(default_factory=dict)  # credential -> "key 1", "key 2", ...

    def key_of(self, entry: Recorded) -> str | None:
        """Which credential the request carried, as a label (None: the recorder dropped it)."""
        for name, value in entry.request_headers:
            low = name.lower()
            if low in AUTH_HEADERS or KEY_HEADER.search(low):
                text = value.strip()
                token = text.partition(" ")[2].strip() if low in AUTH_HEADERS else text
                if len(token) < MIN_SECRET or RECORDED_KEY in token:
                    return None
                return self.labels.setdefault(token, f"key {len(self.labels) + 1}")
        return None

    def __call__(self, entry: Recorded) -> Recorded:
        request_headers = self._request_headers(entry.request_headers)
        response_headers = tuple(self._cookie(k, v) for k, v in entry.response_headers)
        url = self._url(entry.url)
        request_body = self._body(entry.request_body) if entry.request_body is not None else None
        response_body = self._body(entry.response_body)
        return Recorded(  # built directly: dataclasses.replace costs as much as the scrub itself
            entry.where,
            entry.method,
            self._text(url),
            self._headers(request_headers),
            self._bytes(request_body) if request_body is not None else None,
            entry.status,
            self._headers(response_headers),
            self._bytes(response_body),
            entry.started_at,
            entry.truncated,
            entry.aborted,
        )

    @property
    def secrets(self) -> list[str]:
        return sorted(self.found)

    # -- the places credentials sit ------------------------------------------------------------
    def _keep(self, secret: str) -> None:
        if len(secret) >= MIN_SECRET and secret != RECORDED_KEY and secret not in self.found:
            self.found.add(secret)
            self.needles += list(dict.fromkeys([secret.encode(), quote(secret, safe="").encode()]))

    def _request_headers(self, headers: Headers) -> Headers:
        out = []
        for name, value in headers:
            low = name.lower()
            if low in AUTH_HEADERS:
                scheme, _, token = value.strip().partition(" ")
                self._keep(token.strip() or scheme)
                value = f"{scheme} {RECORDED_KEY}" if token.strip() else RECORDED_KEY
            elif KEY_HEADER.search(low):
                self._keep(value.strip())
                value = RECORDED_KEY
            else:
                name, value = self._cookie(name, value)
            out.append((name, value))
        return tuple(out)

    def _cookie(self, name: str, value: str) -> tuple[str, str]:
        if name.lower() not in COOKIE_HEADERS:
            return name, value
        parts: list[str] = []
        for piece in value.split(";"):
            key, sep, secret = piece.partition("=")
            is_attribute = name.lower() == "set-cookie" and parts  # Path=/, Expires=...: not secret
            if sep and not is_attribute:
                self._keep(secret.strip())
                piece = f"{key}={RECORDED_KEY}"
            parts.append(piece)
        return name, ";".join(parts)

    def _url(self, url: str) -> str:
        if "?" not in url and "@" not in url:  # no query, no user:password: nothing to take out
            return url
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:  # user:password@host
            userinfo, _, host = netloc.rpartition("@")
            self._keep(userinfo.partition(":")[2] or userinfo)
            netloc = host
        if not parts.query:
            return urlunsplit(parts._replace(netloc=netloc))
        pairs = []
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if QUERY_KEY.match(key) and value:
                self._keep(value)
                value = RECORDED_KEY
            pairs.append((key, value))
        return urlunsplit(parts._replace(netloc=netloc, query=urlencode(pairs, quote_via=quote)))

    def _body(self, body: bytes) -> bytes:
        """A JSON body with its key fields replaced (other bodies: the text scrub below)."""
        stripped = body.lstrip()[:1]
        if stripped not in (b"{", b"[") or not _may_name_a_key(body) or not BODY_KEY_NAMED.search(body):
            return body
        try:
            value = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return body
        if not self._json_has_key_field(value):
            return body
        return json.dumps(self._json(value), ensure_ascii=False).encode()

    def _json_has_key_field(self, value: Any) -> bool:
        if isinstance(value, dict):
            return any(
                (BODY_KEY.match(str(k)) and isinstance(v, str) and v) or self._json_has_key_field(v)
                for k, v in value.items()
            )
        if isinstance(value, list):
            return any(self._json_has_key_field(v) for v in value)
        return False

    def _json(self, value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if BODY_KEY.match(str(key)) and isinstance(item, str) and item:
                    self._keep(item)
                    item = RECORDED_KEY
                out[key] = self._json(item)
            return out
        if isinstance(value, list):
            return [self._json(v) for v in value]
        return value

    # -- every text: known credentials and key shapes -------------------------------------------
    def _bytes(self, data: bytes) -> bytes:
        if _has_marker(data) and KEY_SHAPE.search(data):
            for match in KEY_SHAPE.finditer(data):
                self._keep(match.group(0).decode("ascii", "replace"))
            data = KEY_SHAPE.sub(PLACEHOLDER, data)
        for needle in self.needles:
            if needle in data:
                data = data.replace(needle, PLACEHOLDER)
        return data

    def _text(self, text: str) -> str:
        return self._bytes(text.encode("utf-8", "surrogatepass")).decode("utf-8", "surrogatepass")

    def _headers(self, headers: Headers) -> Headers:
        """Header values with key shapes and known credentials replaced (all of them looked at
        once: most entries have none)."""
        joined = "\n".join(v for _, v in headers).encode("utf-8", "surrogatepass")
        if self._bytes(joined) == joined:
            return headers
        return tuple((k, self._text(v)) for k, v in headers)
