"""Generated malformed requests: Hypothesis strategies built from the contract.

A drawn request is an endpoint's documented valid request (`recipes.base_request`) with one
defect family's mutation applied, sometimes with one more from a family that changes another part
of the request. The (endpoint, family) pair is drawn uniformly from every pair the contract
allows, so each named kind of mistake gets the same share of the budget whatever the endpoint.

Credit safety lives here: when the run is `guarded` (a live target and no --allow-spend), a
request to a billable endpoint always starts from a family whose every mutation stops it before
billing (malformed JSON, a missing required field, a bad key...), never only soft variations; and
`may_bill` is True on any request that a target could serve.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from hypothesis import strategies as st

from errcontract.contract.model import Code, Contract, Endpoint
from errcontract.core.exchange import Defect, RequestSpec
from errcontract.requests.recipes import base_request
from errcontract.requests.strategies.bodies import json_families, upload_families
from errcontract.requests.strategies.families import (
    Context,
    Family,
    Mutation,
    auth_families,
    path_families,
    query_families,
)

__all__ = [
    "Family",
    "Mutation",
    "base_for",
    "families_for",
    "family_of",
    "is_guarded",
    "requests_by_pair",
    "requests_for",
]

NO_FIXTURE_ID = "errcontract-fuzz-unknown-id"


def is_guarded(embedded_mock: bool, allow_spend: float | None) -> bool:
    """Must billable requests be stopped before billing? (a live target and no spend budget)"""
    return not embedded_mock and not allow_spend


def base_for(contract: Contract, endpoint: Endpoint, fixtures: dict[str, str]) -> RequestSpec | None:
    """The endpoint's valid request, fuzz-labelled; None when it needs fixtures the run lacks.

    A missing path fixture (e.g. a pending task id) is replaced by an id no resource has, carried
    as a certain path defect: the endpoint is still fuzzed, only never with a valid id.
    """
    missing: set[str] = set()
    spec = base_request(contract, endpoint, fixtures, missing)
    spec = replace(spec, origin="fuzz", may_bill=False, defects=state_defects(contract, endpoint))
    if not missing:
        return spec
    path_fixtures = set(str(v).strip("{}") for v in endpoint.request.get("path_params", {}).values())
    if missing - path_fixtures:
        return None
    ids = {p: NO_FIXTURE_ID for p in endpoint.path_params}
    spec = replace(base_request(contract, endpoint, fixtures, set(), path_params=ids), origin="fuzz")
    ctx = Context(contract, endpoint, spec, fixtures)
    return replace(
        spec, may_bill=False, defects=(ctx.defect("path: unknown id (no fixture given)", "path", True),)
    )


def state_defects(contract: Contract, endpoint: Endpoint) -> tuple[Defect, ...]:
    """What the documented request already provokes: a recipe that only names the ids the
    endpoint's own request uses (e.g. download of a task that is not complete yet) says the
    "valid" request answers with that recipe's code."""
    ids = endpoint.request.get("path_params")
    found = []
    for recipe in contract.recipes.values():
        if recipe.endpoint == endpoint.name and ids and recipe.defect == {"path_params": ids}:
            code = contract.codes[recipe.code]
            codes = _class_codes(contract, code)
            found.append(Defect(f"state: {recipe.name}", code.defect_class, codes))
    return tuple(found)


def _class_codes(contract: Contract, code: Code) -> tuple[str, ...]:
    """The codes a defect of the code's class can justify (the code alone without a class)."""
    found = contract.defect_classes.get(code.defect_class or "")
    return found.codes if found else (code.name,)


def families_for(
    contract: Contract, endpoint: Endpoint, base: RequestSpec, fixtures: dict[str, str]
) -> list[Family]:
    """Every defect family the contract allows on this endpoint."""
    ctx = Context(contract, endpoint, base, fixtures)
    builders = (auth_families, json_families, upload_families, path_families, query_families)
    return [family for build in builders for family in build(ctx)]


def family_of(defect_name: str, names: Iterable[str]) -> str | None:
    """The family that drew a defect: every defect name starts with its family's name, and the
    longest such name wins ("auth: real key, ..." is not plain "auth")."""
    fits = [n for n in names if defect_name == n or defect_name.startswith((n + ":", n + " ", n + ","))]
    return max(fits, key=len, default=None)


Table = dict[str, tuple[Endpoint, RequestSpec, list[Family]]]


def _build(endpoint: Endpoint, base: RequestSpec, mutations: list[Mutation]) -> RequestSpec:
    spec = base
    for mutation in mutations:
        spec = mutation.change(spec)
    stops = any(m.stops_billing for m in mutations) or base.has_certain_defect
    return replace(
        spec,
        defects=(*base.defects, *(m.defect for m in mutations)),
        origin="fuzz",
        may_bill=endpoint.billable and not stops,
    )


@dataclass(frozen=True)
class _Start:
    """One (endpoint, family) a request may start from, with the families it may add (built
    once: a strategy built inside a draw is validated again on every draw)."""

    endpoint: Endpoint
    base: RequestSpec
    family: Family
    extras: st.SearchStrategy[list[Family]] | None


def _start(table: Table, name: str, index: int, max_extra: int) -> _Start:
    endpoint, base, families = table[name]
    primary = families[index]
    others = [f for f in families if not f.conflicts(primary)]
    extras = (
        st.lists(st.sampled_from(others), max_size=max_extra, unique_by=lambda f: f.target)
        if others and max_extra
        else None
    )
    return _Start(endpoint, base, primary, extras)


@st.composite
def _requests(draw: st.DrawFn, starts: st.SearchStrategy[_Start]) -> RequestSpec:
    start = draw(starts)
    chosen = [start.family]
    for family in draw(start.extras) if start.extras is not None else []:
        if not any(family.conflicts(c) for c in chosen):
            chosen.append(family)
    mutations = [draw(family.mutations) for family in chosen]
    return _build(start.endpoint, start.base, mutations)


def _requests_from(
    table: Table, primaries: list[tuple[str, int]], max_extra: int
) -> st.SearchStrategy[RequestSpec]:
    starts = [_start(table, name, i, max_extra) for name, i in primaries]
    return _requests(st.just(starts[0]) if len(starts) == 1 else st.sampled_from(starts))


def _table(contract: Contract, fixtures: dict[str, str], only: set[str] | None) -> Table:
    table: Table = {}
    for name, endpoint in contract.endpoints.items():
        base = base_for(contract, endpoint, fixtures)
        if base is not None:
            found = families_for(contract, endpoint, base, fixtures)
            table[name] = (endpoint, base, [f for f in found if only is None or f.name in only])
    return table


def _primaries(table: Table, guarded: bool) -> list[tuple[str, int]]:
    return [
        (name, i)
        for name, (endpoint, _, families) in table.items()
        for i, f in enumerate(families)
        if not (guarded and endpoint.billable and not f.stops_billing)
    ]


def requests_by_pair(
    contract: Contract,
    fixtures: dict[str, str],
    guarded: bool = False,
) -> dict[tuple[str, str], st.SearchStrategy[RequestSpec]]:
    """For every (endpoint, family) a generated request may start from, the requests that start
    there. A run spreads its budget over the pairs evenly: Hypothesis alone, drawing the pair,
    clusters around its first draws and leaves many pairs out."""
    table = _table(contract, fixtures, None)
    return {
        (name, table[name][2][i].name): _requests_from(table, [(name, i)], 1)
        for name, i in _primaries(table, guarded)
    }


def requests_for(
    contract: Contract,
    fixtures: dict[str, str],
    *,
    guarded: bool = False,
    endpoints: Iterable[str] | None = None,
    families: Iterable[str] | None = None,
    primary: tuple[str, str] | None = None,
    max_extra: int = 1,
) -> st.SearchStrategy[RequestSpec]:
    """Malformed requests for the contract's endpoints (or the named ones, with the named
    families); `primary` fixes the (endpoint, family) every request starts from.

    `guarded`: billable endpoints only start from families that stop billing.
    """
    table = _table(contract, fixtures, set(families) if families is not None else None)
    wanted = set(endpoints) if endpoints is not None else None
    primaries = [
        (name, i)
        for name, i in _primaries(table, guarded)
        if (wanted is None or name in wanted)
        and (primary is None or (name, table[name][2][i].name) == primary)
    ]
    if not primaries:
        return st.nothing()
    return _requests_from(table, primaries, max_extra)
