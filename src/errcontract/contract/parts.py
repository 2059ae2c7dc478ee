"""The parts of a contract as frozen values, each built from its (meta-schema-checked) YAML.

`model.Contract` assembles them; nothing outside `contract/` sees the YAML itself. Each `*_from`
function takes the raw mapping the meta-schema (`contracts/contract.schema.json`) has vouched for.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from errcontract.core.verdicts import Strength

# The key the `key: malformed` recipe sends: too odd for any key format the docs give (the lint
# refuses the recipe where the contract's key_pattern would take it).
MALFORMED_KEY = "errcontract-malformed-key!"


@dataclass(frozen=True)
class Auth:
    """How a key is sent: in a header (`header`), after a `scheme` word (`Bearer KEY`) or bare
    (`x-api-key: KEY`; scheme ""), or in a query parameter (`query`: `?key=KEY`). The scheme
    `Basic` is HTTP Basic (RFC 7617): the key is `user:password` (a key without a colon is the
    user, with an empty password) and is sent base64-encoded."""

    header: str
    scheme: str
    key_pattern: str = ""  # a regex every real key matches ("" matches any)
    source: str = ""
    query: str = ""  # the query parameter the key is sent in ("": a header)

    @property
    def where(self) -> str:
        """Where the key travels, in words: `header x-api-key`, `query parameter key`."""
        return f"query parameter {self.query}" if self.query else f"header {self.header}"

    @property
    def basic(self) -> bool:
        return not self.query and self.scheme.lower() == "basic"

    def value(self, key: str, scheme: str | None = None) -> str:
        """The header value (or query value) carrying `key`, with the documented scheme or `scheme`."""
        word = self.scheme if scheme is None else scheme
        if self.query:
            return key
        sent = basic_credentials(key) if word.lower() == "basic" else key
        return f"{word} {sent}" if word else sent

    def place(self, headers: dict[str, str], query: dict[str, str], key: str | None) -> None:
        """Put `key` where the docs say, in place of any credential there (None: none at all)."""
        if self.query:
            query.pop(self.query, None)
            if key is not None:
                query[self.query] = key
            return
        for name in [h for h in headers if h.lower() == self.header.lower()]:
            del headers[name]
        if key is not None:
            headers[self.header] = self.value(key)

    def sent(self, headers: dict[str, str], query: dict[str, str]) -> str | None:
        """The credential a request carries, as sent (None: none at all)."""
        if self.query:
            return query.get(self.query)
        return next((v for k, v in headers.items() if k.lower() == self.header.lower()), None)

    def read(self, raw: str) -> tuple[bool, str]:
        """A credential as sent -> (its scheme is the documented one, the key it carries)."""
        raw = raw.strip()
        if self.query or not self.scheme:
            return True, raw
        word, _, rest = raw.partition(" ")
        if word.lower() != self.scheme.lower():
            return False, rest.strip()
        rest = rest.strip()
        return True, (decode_basic(rest) if self.basic else rest)


def basic_credentials(key: str) -> str:
    """RFC 7617: base64 of `user:password` (a key with no colon is the user, password empty)."""
    pair = key if ":" in key else f"{key}:"
    return base64.b64encode(pair.encode()).decode()


def decode_basic(token: str) -> str:
    """The `user:password` a Basic token carries ("" when it is not base64 of text); `user:` is
    given back as `user`, the form a key without a colon is sent in."""
    try:
        pair = base64.b64decode(token, validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return ""
    return pair.removesuffix(":")


@dataclass(frozen=True)
class RequestHeader:
    """A header every request carries, with the value the docs give (`anthropic-version`)."""

    name: str
    value: str
    source: str


@dataclass(frozen=True)
class Envelope:
    code_pointer: str
    message_pointer: str
    schema: str  # the error schema's file name in the contract folder
    profiles: dict[str, str]  # profile name -> pointer into the error schema ("#/...")
    source: str = ""


@dataclass(frozen=True)
class Status:
    description: str
    source: str


# The fixture every contract names for the run's own key (`--api-key`, ERRCONTRACT_API_KEY): the
# key keyed requests are sent with unless a recipe names another (`use_key`).
MAIN_KEY = "api_key"


@dataclass(frozen=True)
class FixtureState:
    """How a run confirms a fixture still holds: `endpoint` answers, for it as the path id, one of
    `values` at `pointer` (VicSee's pending task: status pending or processing)."""

    endpoint: str
    pointer: str
    values: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Fixture:
    name: str
    description: str
    secret: bool = False
    holds: FixtureState | None = None


@dataclass(frozen=True)
class Billing:
    charged_pointers: tuple[str, ...]
    unit: str = "credits"
    source: str = ""


@dataclass(frozen=True)
class Discover:
    """A fixture a live target tells: ask `endpoint`, read the first of `keys` in its list."""

    fixture: str
    endpoint: str
    keys: tuple[str, ...] = ("id", "slug", "name")


@dataclass(frozen=True)
class PointerAt:
    """A value read from one endpoint's answer at a JSON pointer."""

    endpoint: str
    pointer: str


@dataclass(frozen=True)
class Refunds:
    create: str
    cancel: str
    id_pointer: str
    charged_pointer: str
    balance: PointerAt
    status: PointerAt
    cancelled: tuple[str, ...]  # the job states at `status` that show the cancel took
    source: str


@dataclass(frozen=True)
class DocumentedValues:
    name: str
    values: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class DefectClass:
    name: str
    codes: tuple[str, ...]
    locations: tuple[str, ...] = ()


@dataclass(frozen=True)
class HeaderField:
    name: str
    format: str
    required: bool = True  # False: judged for format only where present
    role: str | None = None  # limit, remaining, reset, retry_after
    strength: Strength = Strength.STATED
    pattern: str | None = None  # a regex the value matches (searched)
    pattern_strength: Strength | None = None  # None: the header's own strength
    source: str = ""
    minimum: int | None = None  # a number below it breaks the field (OpenAI's Retry-After: 1)


@dataclass(frozen=True)
class RateWindow:
    kind: str  # fixed | sliding
    seconds: int
    source: str = ""
    strength: str = "stated"  # exemplified: the kind is what an example shows (rules on it warn)
    sole: bool = False  # the docs name no other limit: a 429 leaves no room in this window


@dataclass(frozen=True)
class RateLimitHeaders:
    required_on: str  # all | identified | served | none
    fields: dict[str, HeaderField]
    window: RateWindow | None = None
    source: str = ""
    # Where the docs say every response carries them but a response to no known user has no
    # limit to show (VicSee): their absence there has this strength (None: not required there).
    anonymous: Strength | None = None
    endpoints: tuple[str, ...] = ()  # required only on these endpoints' responses (empty: all)


@dataclass(frozen=True)
class HeaderRules:
    rate_limit: RateLimitHeaders | None = None
    on_status: dict[int, dict[str, HeaderField]] = field(default_factory=dict)
    every_response: dict[str, HeaderField] = field(default_factory=dict)  # whatever the status

    @property
    def rate_limit_fields(self) -> dict[str, HeaderField]:
        return self.rate_limit.fields if self.rate_limit else {}

    def for_status(self, status: int | None) -> dict[str, HeaderField]:
        return self.on_status.get(status, {}) if status is not None else {}


@dataclass(frozen=True)
class Example:
    name: str
    status: int
    code: str | None
    body: Any
    source: str
    placeholder: bool = False
    ambiguity: str | None = None


@dataclass(frozen=True)
class Ambiguity:
    id: str
    summary: str
    readings: tuple[str, ...]
    decision: str
    source: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "summary": self.summary,
            "readings": list(self.readings),
            "decision": self.decision,
            "source": self.source,
        }


def auth_from(raw: dict[str, Any]) -> Auth:
    return Auth(
        raw.get("header", ""),
        raw.get("scheme", ""),
        raw.get("key_pattern", ""),
        raw.get("source", ""),
        raw.get("query", ""),
    )


def request_headers_from(raw: dict[str, Any]) -> tuple[RequestHeader, ...]:
    return tuple(RequestHeader(n, str(h["value"]), h["source"]) for n, h in raw.items())


def envelope_from(raw: dict[str, Any]) -> Envelope:
    return Envelope(
        raw["code_pointer"], raw["message_pointer"], raw["schema"], dict(raw["profiles"]), raw["source"]
    )


def statuses_from(raw: dict[str, Any]) -> dict[int, Status]:
    return {int(k): Status(v["description"], v["source"]) for k, v in raw.items()}


def fixtures_from(raw: dict[str, Any]) -> dict[str, Fixture]:
    return {n: Fixture(n, f["description"], bool(f.get("secret", False)), _holds(f)) for n, f in raw.items()}


def _holds(raw: dict[str, Any]) -> FixtureState | None:
    holds = raw.get("holds")
    if holds is None:
        return None
    return FixtureState(holds["endpoint"], holds["pointer"], tuple(holds["in"]), holds["source"])


def billing_from(raw: dict[str, Any] | None) -> Billing | None:
    if raw is None:
        return None
    return Billing(tuple(raw["charged_pointers"]), raw.get("unit", "credits"), raw["source"])


def discover_from(raw: dict[str, Any]) -> dict[str, Discover]:
    return {
        name: Discover(name, rule["endpoint"], tuple(rule.get("keys", Discover.keys)))
        for name, rule in raw.items()
    }


def refunds_from(raw: dict[str, Any] | None) -> Refunds | None:
    if raw is None:
        return None
    status = raw["status"]
    return Refunds(
        create=raw["create"],
        cancel=raw["cancel"],
        id_pointer=raw["id_pointer"],
        charged_pointer=raw["charged_pointer"],
        balance=PointerAt(raw["balance"]["endpoint"], raw["balance"]["pointer"]),
        status=PointerAt(status["endpoint"], status["pointer"]),
        cancelled=tuple(status["cancelled"]),
        source=raw["source"],
    )


def documented_values_from(raw: dict[str, Any]) -> dict[str, DocumentedValues]:
    return {n: DocumentedValues(n, tuple(v["values"]), v["source"]) for n, v in raw.items()}


def defect_classes_from(raw: dict[str, Any], members: dict[str, tuple[str, ...]]) -> dict[str, DefectClass]:
    """Each class with its codes: `members`, derived from the codes' own `defect_class`."""
    return {n: DefectClass(n, members.get(n, ()), tuple(v.get("locations", ()))) for n, v in raw.items()}


def _header_fields(raw: dict[str, Any]) -> dict[str, HeaderField]:
    return {
        name: HeaderField(
            name,
            spec["format"],
            bool(spec.get("required", True)),
            spec.get("role"),
            Strength(spec.get("strength", Strength.STATED)),
            spec.get("pattern"),
            Strength(spec["pattern_strength"]) if "pattern_strength" in spec else None,
            spec.get("source", ""),
            spec.get("minimum"),
        )
        for name, spec in raw.items()
    }


def _window(raw: dict[str, Any]) -> RateWindow:
    strength, sole = raw.get("strength", "stated"), bool(raw.get("sole", False))
    return RateWindow(raw["kind"], int(raw["seconds"]), raw["source"], strength, sole)


def headers_from(raw: dict[str, Any]) -> HeaderRules:
    limits = raw.get("rate_limit")
    rate_limit = None
    if limits:
        window = limits.get("window")
        anonymous = limits.get("anonymous")
        rate_limit = RateLimitHeaders(
            limits["required_on"],
            _header_fields(limits["fields"]),
            _window(window) if window else None,
            limits.get("source", ""),
            Strength(anonymous) if anonymous else None,
            tuple(limits.get("endpoints", ())),
        )
    on_status = {int(s): _header_fields(f) for s, f in raw.get("on_status", {}).items()}
    return HeaderRules(rate_limit, on_status, _header_fields(raw.get("every_response", {})))


def examples_from(raw: list[dict[str, Any]]) -> tuple[Example, ...]:
    return tuple(
        Example(
            e["name"],
            int(e["status"]),
            e["code"],
            e["body"],
            e["source"],
            bool(e.get("placeholder", False)),
            e.get("ambiguity"),
        )
        for e in raw
    )


def ambiguities_from(raw: list[dict[str, Any]]) -> tuple[Ambiguity, ...]:
    return tuple(
        Ambiguity(a["id"], a["summary"], tuple(a["readings"]), a["decision"], a["source"]) for a in raw
    )


@dataclass(frozen=True)
class StatusMember:
    """A body member that equals the HTTP status (`*` in the pointer: every item's)."""

    pointer: str
    as_type: str  # integer | string: the JSON type the status is written in
    strength: Strength
    source: str


@dataclass(frozen=True)
class StatusName:
    """A body member naming the status: the names each HTTP status may carry."""

    pointer: str
    names: dict[int, tuple[str, ...]]
    strength: Strength
    source: str


@dataclass(frozen=True)
class MediaTypes:
    """The media types an error response is sent with."""

    types: tuple[str, ...]
    strength: Strength
    source: str


@dataclass(frozen=True)
class BlankTitle:
    """Where the type is absent or about:blank, the title is the status's reason phrase."""

    pointer: str
    type_pointer: str
    strength: Strength
    source: str


@dataclass(frozen=True)
class StatusPrecedence:
    """Of two defects in one request, the docs check the one answered `first` before the one
    answered `over` (AIP-193: permission, 403, before existence, 404)."""

    first: int
    over: int
    strength: Strength
    source: str


@dataclass(frozen=True)
class Protocol:
    """The HTTP-level rules of a contract (or of its family), each optional."""

    status_member: StatusMember | None = None
    status_name: StatusName | None = None
    error_media_type: MediaTypes | None = None
    blank_title: BlankTitle | None = None
    precedence: tuple[StatusPrecedence, ...] = ()


def _strength(raw: dict[str, Any]) -> Strength:
    return Strength(raw.get("strength", Strength.STATED))


def protocol_from(raw: dict[str, Any]) -> Protocol:
    return Protocol(
        _status_member(raw.get("status_member")),
        _status_name(raw.get("status_name")),
        _media_types(raw.get("error_media_type")),
        _blank_title(raw.get("blank_title")),
        tuple(
            StatusPrecedence(int(r["first"]), int(r["over"]), _strength(r), r["source"])
            for r in raw.get("status_precedence", ())
        ),
    )


def _status_member(raw: dict[str, Any] | None) -> StatusMember | None:
    return StatusMember(raw["pointer"], raw["as"], _strength(raw), raw["source"]) if raw else None


def _status_name(raw: dict[str, Any] | None) -> StatusName | None:
    if not raw:
        return None
    names = {int(status): tuple(allowed) for status, allowed in raw["names"].items()}
    return StatusName(raw["pointer"], names, _strength(raw), raw["source"])


def _media_types(raw: dict[str, Any] | None) -> MediaTypes | None:
    return MediaTypes(tuple(t.lower() for t in raw["types"]), _strength(raw), raw["source"]) if raw else None


def _blank_title(raw: dict[str, Any] | None) -> BlankTitle | None:
    return BlankTitle(raw["pointer"], raw["type_pointer"], _strength(raw), raw["source"]) if raw else None
