"""Fixtures a live target can tell us itself (a valid model name from its model list), and
whether a given one is still what it is said to be (a pending task still pending).

A contract's `discover` section names, per fixture, the non-billable endpoint to ask and the
item keys to read; a fixture given on the command line is never replaced. What the docs do not
describe (the list's exact shape) is searched leniently: the first list in the body, the first
of `keys` found in its first item (or the item itself if it is a string). A fixture's `holds`
says how to confirm it; one the target contradicts (the task finished since) is set aside, so
its codes are not observed rather than failed on a state the target no longer has.

The questions do not depend on each other's answers: they are asked side by side (`each`, a
`Mapper`; one after another by default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from errcontract.client.http import NotSent
from errcontract.contract.model import Contract
from errcontract.contract.parts import Discover, FixtureState
from errcontract.core.exchange import Exchange, RequestSpec, pointer_get
from errcontract.core.parallel import Mapper, serial
from errcontract.requests.recipes import base_request


def first_list(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for value in document.values():
            found = first_list(value)
            if found is not None:
                return found
    return None


def first_value(document: Any, keys: list[str]) -> str | None:
    """The first item's id: a string, or a number (an integer pet id is `7` in a URL too)."""
    items = first_list(document)
    if not items:
        return None
    item = items[0]
    if isinstance(item, dict):
        return next((v for v in (_id_text(item.get(key)) for key in keys) if v), None)
    return _id_text(item)


def _id_text(value: Any) -> str | None:
    """An id as it goes in a path: a non-empty string, or an integer written out (never a bool)."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


@dataclass(frozen=True)
class Discovery:
    """What the target told: the fixtures found, and for each one sought in vain, why."""

    found: dict[str, str]
    missed: dict[str, str]


def discover(
    contract: Contract,
    fixtures: dict[str, str],
    send: Callable[[RequestSpec], Exchange],
    each: Mapper = serial,
) -> Discovery:
    """Ask the target, through `send`, for each discoverable fixture not in `fixtures`."""
    sought = [(name, rule) for name, rule in contract.discover.items() if not fixtures.get(name)]

    def ask(item: tuple[str, Discover]) -> tuple[str | None, str | None]:
        """(the value found, or why none was)"""
        rule = item[1]
        endpoint = contract.endpoints[rule.endpoint]
        asked = f"{endpoint.method} {endpoint.path}"
        try:
            exchange = send(base_request(contract, endpoint, fixtures, set()))
        except NotSent as exc:
            return None, f"{asked} was not sent: {exc}"
        value = first_value(exchange.json(), list(rule.keys))
        if value:
            return value, None
        if exchange.status is None:
            return None, f"{asked} got no answer: {exchange.transport_error or 'none'}"
        if exchange.truncated:
            return None, f"the target's answer to {asked} (HTTP {exchange.status}) is over the read limit"
        return None, f"the target's answer to {asked} (HTTP {exchange.status}) named none"

    found: dict[str, str] = {}
    missed: dict[str, str] = {}
    for (name, _), (value, why) in zip(sought, each(ask, sought), strict=True):
        if value:
            found[name] = value
        else:
            missed[name] = why or "no answer"
    return Discovery(found, missed)


def contradicted(
    contract: Contract,
    fixtures: dict[str, str],
    send: Callable[[RequestSpec], Exchange],
    each: Mapper = serial,
) -> dict[str, str]:
    """The given fixtures whose `holds` the target contradicts, each with what it said; one it
    does not answer plainly (an error, no such field) is kept: the recipes will judge it."""
    held = [
        (name, fixture.holds, value)
        for name, fixture in contract.fixtures.items()
        if fixture.holds is not None and (value := fixtures.get(name))
    ]

    def ask(item: tuple[str, FixtureState, str]) -> str | None:
        _, state, value = item
        endpoint = contract.endpoints[state.endpoint]
        ids = {param: value for param in endpoint.path_params}
        try:
            exchange = send(base_request(contract, endpoint, fixtures, set(), path_params=ids))
        except NotSent:
            return None
        now = pointer_get(exchange.json(), state.pointer)
        if 200 <= (exchange.status or 0) < 300 and isinstance(now, str) and now not in state.values:
            wanted = " or ".join(state.values)
            return f"the target says it is {now!r} ({endpoint.method} {endpoint.path}), not {wanted}"
        return None

    said = zip(held, each(ask, held), strict=True)
    return {name: why for (name, _, _), why in said if why is not None}
