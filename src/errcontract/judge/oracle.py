"""A contract compiled for judging: validators built once, lookups the checks share."""

from __future__ import annotations

import json
import re
from functools import cached_property, lru_cache
from typing import Any

import jsonschema
import jsonschema_rs  # a compiled validator answers "valid?" ~50x faster; the full one explains

from errcontract.contract.cases import identify
from errcontract.contract.model import Contract
from errcontract.core.exchange import NO_JSON, Exchange, pointer_get

CASES_KEPT = 4096  # distinct (status, case values) remembered


class Oracle:
    """What the docs promise, asked of one exchange at a time."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self._fast: dict[str, jsonschema_rs.Validator] = {}
        self.in_scope = lru_cache(maxsize=4096)(self._in_scope)
        self._last_code: tuple[Exchange, str | None] | None = None
        self._cases: dict[tuple[int | None, tuple[tuple[type, Any], ...]], str | None] = {}

    def is_valid(self, key: str, schema: dict[str, Any], body: Any) -> bool:
        """Quick yes/no (compiled when available); callers ask the full validator only on a no."""
        if key not in self._fast:
            self._fast[key] = jsonschema_rs.validator_for(schema)
        return bool(self._fast[key].is_valid(body))

    def _validator(self, key: str, schema: dict[str, Any]) -> jsonschema.protocols.Validator:
        if key not in self._validators:
            cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
            self._validators[key] = cls(schema, format_checker=cls.FORMAT_CHECKER)
        return self._validators[key]

    def profile_validator(self, profile: str) -> jsonschema.protocols.Validator:
        return self._validator(f"profile:{profile}", self.contract.profile_schema(profile))

    def code_validator(self, code: str) -> jsonschema.protocols.Validator | None:
        schema = self.contract.code_schema(code)
        return self._validator(f"code:{code}", schema) if schema else None

    @property
    def profiles(self) -> list[str]:
        return list(self.contract.envelope.profiles)

    @cached_property
    def patterns(self) -> dict[str, re.Pattern[str]]:
        return {
            c.name: re.compile(c.message_pattern) for c in self.contract.codes.values() if c.message_pattern
        }

    @cached_property
    def always_justified(self) -> frozenset[str]:
        """Codes any request may meet whatever it carries: rate limiting (429)."""
        return frozenset(self.contract.codes_by_status.get(429, ()))

    def code_of(self, exchange: Exchange) -> str | None:
        """The documented case the body is (its code, for most providers), or its raw code.
        Most checks ask it of the same exchange in turn: the last answer is kept (by identity)."""
        last = self._last_code
        if last is not None and last[0] is exchange:
            return last[1]
        code = self._identify(exchange.json(), exchange.status)
        self._last_code = (exchange, code)
        return code

    @cached_property
    def _case_pointers(self) -> tuple[str, ...] | None:
        """Every pointer a case is told by (None: one has a `*`, and is looked up every time)."""
        pointers = {self.contract.envelope.code_pointer}
        for code in self.contract.codes.values():
            pointers |= set(code.match or {})
        return None if any("*" in p for p in pointers) else tuple(sorted(pointers))

    def _identify(self, body: Any, status: int | None) -> str | None:
        """`cases.identify`, remembered by what it reads: the status and the values (with their
        types: 1 is not true) at the pointers the cases are told by."""
        pointers = self._case_pointers
        if pointers is None or not isinstance(body, dict):
            return identify(self.contract, body, status)
        values = tuple((type(v), v) for v in (pointer_get(body, p) for p in pointers))
        key = (status, values)
        try:
            return self._cases[key]
        except KeyError:
            pass
        except TypeError:  # an object or array where a case reads a value: not remembered
            return identify(self.contract, body, status)
        code = identify(self.contract, body, status)
        if len(self._cases) < CASES_KEPT:
            self._cases[key] = code
        return code

    def status_case(self, status: int | None) -> str | None:
        """The case a status alone names (`match: {}`: OpenAI's server_error at 500), if any."""
        return next(
            (c.name for c in self.contract.codes.values() if c.match == {} and status in c.statuses), None
        )

    def shown_code(self, exchange: Exchange) -> str | None:
        """The case as findings name it, with the code the body sent where that differs (a case
        recognised by its status, such as OpenAI's one 403, whatever code came with it)."""
        case = self.code_of(exchange)
        sent = pointer_get(exchange.json(), self.contract.envelope.code_pointer)
        if case is None or sent is NO_JSON or sent == case:
            return case
        return f"{case} (code sent: {json.dumps(sent)})"

    def remaining_of(self, exchange: Exchange) -> int | None:
        """The response's requests remaining (the rate-limit header with that role), if it says."""
        spec = self.contract.headers.rate_limit
        name = next((n for n, f in spec.fields.items() if f.role == "remaining"), None) if spec else None
        value = (exchange.header(name) or "").strip() if name else ""
        return int(value) if value.isdigit() else None

    def window_had_room(self, exchange: Exchange) -> bool:
        """Served, though its certain defect was a full rate-limit window (a key whose window the
        user filled), while the answer itself says requests remain: a sliding window frees up as
        requests age out (Vydra's minute), so the defect no longer held: nothing to judge. A fixed
        window the docs state stays full until its reset: there, room shown is the limiter's own
        fault. A kind only an example shows decides nothing (VicSee's day may be a rolling one)."""
        spec = self.contract.headers.rate_limit
        window = spec.window if spec is not None else None
        if window is None or (window.kind == "fixed" and window.strength != "exemplified"):
            return False
        codes = [c for d in exchange.request.defects if d.certain for c in d.codes]
        known = [self.contract.codes[c] for c in codes if c in self.contract.codes]
        limited = bool(known) and all(set(c.statuses) == {429} for c in known)
        served = 200 <= (exchange.status or 0) < 300
        return limited and served and (self.remaining_of(exchange) or 0) > 0

    def server_error_for_client_defect(self, exchange: Exchange) -> bool:
        """A 5xx to a request carrying a client defect (certain or soft; an assumed part is no
        defect) that the docs give no 5xx for: the server failed where a 4xx was due."""
        status = exchange.status or 0
        defects = [d for d in exchange.request.defects if not d.assumed]
        if status < 500 or not defects:
            return False
        codes = [self.contract.codes[c] for d in defects for c in d.codes if c in self.contract.codes]
        return not any(status in code.statuses for code in codes)

    def body_in_profile(self, body: Any, profile: str) -> bool:
        """Does a parsed error body follow one of the contract's envelope profiles?"""
        return self.is_valid(f"profile:{profile}", self.contract.profile_schema(profile), body)

    def message_of(self, exchange: Exchange) -> Any:
        value = pointer_get(exchange.json(), self.contract.envelope.message_pointer)
        return None if value is NO_JSON else value

    def scope_of(self, exchange: Exchange) -> bool:
        """Is the request one the docs cover (a documented method on a documented path)?"""
        return self.in_scope(exchange.request.method, exchange.request.path)

    def _in_scope(self, method: str, path: str) -> bool:
        base = self.contract.base_path
        if not path.startswith(base):
            return False
        return self.contract.endpoint_for(method, path[len(base) :]) is not None

    def profile_results(self, exchange: Exchange) -> dict[str, bool]:
        """Which envelope profiles an error body satisfies (the stated one decides the verdict)."""
        if (exchange.status or 0) < 400:
            return {}
        body = exchange.json()
        if body is NO_JSON:
            return {p: False for p in self.profiles}
        schema = self.contract.profile_schema
        return {p: self.is_valid(f"profile:{p}", schema(p), body) for p in self.profiles}
