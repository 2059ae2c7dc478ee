"""Request descriptions and recorded exchanges: what checks, reports and reproducers work from.

A `RequestSpec` says what to send and which defects it carries (so a check can tell which codes
the request justifies); an `Exchange` is one request and its response as recorded by the client.
Neither sends anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from errcontract.core.pointer import NO_JSON
from errcontract.core.pointer import get as pointer_get

__all__ = ["NO_JSON", "Defect", "Exchange", "RequestSpec", "Upload", "pointer_get"]


@dataclass(frozen=True)
class Defect:
    """One thing wrong with a request, and the documented codes it can justify.

    `certain` is False for variations the docs do not forbid (an extra field, a long prompt):
    such a request may legitimately succeed, so it may also be billed. `assumed` marks no mistake
    but a part the docs do not give (a guessed body, a value read from the target): a code
    refusing it is justified, and a code test so answered was not observed (requests/assumptions.py).
    """

    name: str
    defect_class: str | None
    codes: tuple[str, ...]
    certain: bool = True
    assumed: bool = False


@dataclass(frozen=True)
class Upload:
    field: str
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class RequestSpec:
    method: str
    path: str  # below the target root, base path included: /api/v1/tasks/abc
    endpoint: str | None
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    json_body: Any = NO_JSON
    content: bytes | None = None
    upload: Upload | None = None
    defects: tuple[Defect, ...] = ()
    key_fixture: str | None = None  # which fixture key is in Authorization, if any
    origin: str = "probe"  # recipe:<name> | fuzz | schemathesis | probe
    may_bill: bool = False
    expects_rate_limit: bool = False  # the request asks for a 429 (a rate-limited key)

    @property
    def has_certain_defect(self) -> bool:
        return any(d.certain for d in self.defects)

    def justified_codes(self) -> frozenset[str]:
        return frozenset(c for d in self.defects for c in d.codes)

    def body_bytes(self) -> bytes | None:
        if self.content is not None:
            return self.content
        if self.json_body is not NO_JSON:
            return json.dumps(self.json_body, ensure_ascii=False).encode()
        return None

    def describe_defects(self) -> str:
        return ", ".join(d.name for d in self.defects) or "none"


@dataclass
class Exchange:
    """One request and what came back (or why nothing did). Keys are never stored here."""

    request: RequestSpec
    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    truncated: bool = False
    elapsed_s: float = 0.0
    transport_error: str | None = None
    redacted_headers: dict[str, str] = field(default_factory=dict)  # request headers, keys masked
    sent_at: float = 0.0  # wall-clock time the request left (header semantics across a run)
    seq: int = 0  # the run's send order
    _json: Any = field(default=NO_JSON, repr=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The parsed body, or NO_JSON when it is not JSON."""
        if self._json is NO_JSON and self.body:
            try:
                self._json = json.loads(self.body)
            except (ValueError, UnicodeDecodeError):
                self._json = NO_JSON
        return self._json

    @property
    def identified(self) -> bool:
        """Did the target know whose request this was? (a fixture key was sent and not refused)"""
        return self.request.key_fixture is not None and self.status != 401
