"""What a run leaves out for want of a fixture, so coverage never shrinks silently.

An endpoint whose valid request needs a fixture the run lacks (beyond a path id, which the
generated requests replace with an unknown one) is left out of the generated requests; a recipe
that needs one cannot be built, on its own endpoint or on another endpoint the docs attach its
code to. Each is named here with the fixtures it needs; the run adds why they are missing (not
given, or what the target answered when asked) and results.json, the summary and the page list it.
"""

from __future__ import annotations

from dataclasses import dataclass

from errcontract.contract.model import Contract
from errcontract.requests.recipes import MissingFixture, base_request, build_request, variant_endpoints
from errcontract.requests.strategies import base_for


@dataclass(frozen=True)
class Gap:
    """One part of the contract a run cannot cover: an endpoint or a recipe, and what it needs."""

    kind: str  # endpoint | recipe
    name: str
    needs: tuple[str, ...]  # the fixtures it lacks


def gaps(contract: Contract, fixtures: dict[str, str]) -> list[Gap]:
    """Every endpoint left out of the generated requests and every recipe that cannot be built."""
    found = [
        Gap("endpoint", f"{e.method} {e.path}", _needs(contract, e.name, fixtures))
        for e in contract.endpoints.values()
        if base_for(contract, e, fixtures) is None
    ]
    for code in contract.codes.values():
        recipe = code.recipe
        if recipe is None:
            continue
        unbuilt: dict[tuple[str, ...], list[str]] = {}  # the fixtures lacking -> endpoints
        for endpoint in [recipe.endpoint, *variant_endpoints(contract, code)]:
            try:
                build_request(contract, recipe.name, fixtures, endpoint)
            except MissingFixture as exc:
                unbuilt.setdefault(tuple(exc.names), []).append(endpoint)
        for needs, endpoints in unbuilt.items():
            found.append(Gap("recipe", f"{recipe.name} on {', '.join(endpoints)}", needs))
    return found


def _needs(contract: Contract, endpoint: str, fixtures: dict[str, str]) -> tuple[str, ...]:
    missing: set[str] = set()
    base_request(contract, contract.endpoints[endpoint], fixtures, missing)
    return tuple(sorted(missing))
