"""Documented cases: which entry of the code table an error body is.

Most providers put one code string at the envelope's code pointer and clients switch on it; the
code table is keyed by those strings. Others tell their errors apart by more than one member, and
some leave the code null (OpenAI: `{"error": {"type", "code": null, ...}}`). A code-table entry
may then say how its case is recognised with `match`: JSON pointers and the values found there
(`null` for a member that is present and null; a `*` token stands for any item of an array, so
`/error/details/*/reason` is any detail's reason). An entry without `match` is recognised by its own
name at the code pointer, as before. `match: {}` is any JSON object at one of the case's statuses.

Which case a body is, first in table order at each step:
1. a case whose `match` pins a string (a code, a type) and holds, documented with the status;
2. such a case at any status: a documented code (or type) says which case it is whatever the
   status (a 403 carrying `insufficient_quota` is that quota case, at a status the docs do not
   give it, never the 403 read by its status alone);
3. a case recognised without a string (its status alone, `match: {}`, or a null code) that holds
   and is documented with the status;
4. the raw string at the code pointer (an undocumented code), or None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from errcontract.contract.codes import CaseMatch
from errcontract.contract.model import Contract
from errcontract.core.identity import ByIdentity
from errcontract.core.pointer import NO_JSON, WILDCARD, get_all
from errcontract.core.pointer import get as pointer_get

__all__ = ["OPEN", "case_match", "code_values", "identify", "uses_matches"]

OPEN: Any = object()  # the case leaves the code pointer open: any value (or none) fits


def uses_matches(contract: Contract) -> bool:
    """Does any case of this contract say how it is recognised (beyond its name at the pointer)?"""
    return _index(contract).explicit


def case_match(contract: Contract, name: str) -> CaseMatch:
    """How a case is recognised: its `match`, or its own name at the code pointer."""
    return dict(_index(contract).matches[name])


def code_value(contract: Contract, name: str) -> Any:
    """The value a case has at the code pointer: a string, None (null), or OPEN."""
    return _index(contract).matches[name].get(contract.envelope.code_pointer, OPEN)


def code_values(contract: Contract, status: int) -> tuple[set[Any], bool]:
    """The values the code pointer may hold at `status` by the code table, and whether any case of
    that status leaves it open (then no finite list of values describes the status)."""
    values: set[Any] = set()
    open_ = False
    for name in contract.codes_by_status.get(status, ()):
        value = code_value(contract, name)
        if value is OPEN:
            open_ = True
        else:
            values.add(value)
    return values, open_


def identify(contract: Contract, body: Any, status: int | None) -> str | None:
    """The documented case a response body is (see the module's docstring), or its raw code."""
    pointer = contract.envelope.code_pointer
    raw = pointer_get(body, pointer) if body is not NO_JSON else NO_JSON
    index = _index(contract)
    if not index.explicit:
        return raw if isinstance(raw, str) else None
    if not isinstance(body, dict):
        return None
    holding = list(_matching(index.matches, body))
    at_status = [name for name, _ in holding if contract.code_allows(name, status)]
    pinned = [name for name, match in holding if _pins_a_string(match)]
    for name in (*(n for n in pinned if n in at_status), *pinned, *at_status):
        return name
    return raw if isinstance(raw, str) else None


def _pins_a_string(match: CaseMatch) -> bool:
    """Does the case name a string a body must carry (a code, a type), beyond its status?"""
    return any(isinstance(value, str) for value in match.values())


def _matching(matches: dict[str, CaseMatch], body: dict[str, Any]) -> Iterator[tuple[str, CaseMatch]]:
    for name, match in matches.items():
        if all(_holds(body, p, v) for p, v in match.items()):
            yield name, match


def _holds(body: Any, pointer: str, expected: Any) -> bool:
    """The value at `pointer` is `expected`; with a `*` token (`/error/details/*/reason`), some
    item's value is."""
    if WILDCARD not in pointer:  # no `*` anywhere: no wildcard token either
        return _same(pointer_get(body, pointer), expected)
    return any(_same(found, expected) for found in get_all(body, pointer))


def _same(found: Any, expected: Any) -> bool:
    # 0 == False in Python; a documented `false` must not match a 0 (nor 1 a `true`).
    return found is not NO_JSON and type(found) is type(expected) and found == expected


class _Index:
    def __init__(self, contract: Contract) -> None:
        pointer = contract.envelope.code_pointer
        self.explicit = any(code.match is not None for code in contract.codes.values())
        self.matches: dict[str, CaseMatch] = {
            name: dict(code.match) if code.match is not None else {pointer: name}
            for name, code in contract.codes.items()
        }


_INDEXES: ByIdentity[_Index] = ByIdentity()  # a Contract is frozen but holds dicts: not hashable


def _index(contract: Contract) -> _Index:
    """Built once per loaded contract, kept only as long as the contract."""
    return _INDEXES.get(contract) or _INDEXES.set(contract, _Index(contract))
