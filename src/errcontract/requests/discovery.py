"""Fixtures a live target can tell us itself (a valid model name from its model list).

A contract's `discover` section names, per fixture, the non-billable endpoint to ask and the
item keys to read; a fixture given on the command line is never replaced. What the docs do not
describe (the list's exact shape) is searched leniently: the first list in the body, the first
of `keys` found in its first item (or the item itself if it is a string).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from errcontract.client.http import NotSent
from errcontract.contract.model import Contract
from errcontract.core.exchange import Exchange, RequestSpec
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
    items = first_list(document)
    if not items:
        return None
    item = items[0]
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        for key in keys:
            value = item.get(key)
            if isinstance(value, str) and value:
                return value
    return None


@dataclass(frozen=True)
class Discovery:
    """What the target told: the fixtures found, and for each one sought in vain, why."""

    found: dict[str, str]
    missed: dict[str, str]


def discover(
    contract: Contract, fixtures: dict[str, str], send: Callable[[RequestSpec], Exchange]
) -> Discovery:
    """Ask the target, through `send`, for each discoverable fixture not in `fixtures`."""
    found: dict[str, str] = {}
    missed: dict[str, str] = {}
    for name, rule in contract.discover.items():
        if fixtures.get(name):
            continue
        endpoint = contract.endpoints[rule.endpoint]
        spec = base_request(contract, endpoint, fixtures, set())
        asked = f"{endpoint.method} {endpoint.path}"
        try:
            exchange = send(spec)
        except NotSent as exc:
            missed[name] = f"{asked} was not sent: {exc}"
            continue
        value = first_value(exchange.json(), list(rule.keys))
        if value:
            found[name] = value
        elif exchange.status is None:
            missed[name] = f"the target did not answer {asked}: {exchange.transport_error or 'no answer'}"
        else:
            missed[name] = f"the target's answer to {asked} (HTTP {exchange.status}) named none"
    return Discovery(found, missed)
