"""What a request rests on that the docs do not give, made explicit on the request.

Two things errcontract must sometimes assume: a body for an endpoint whose docs give no fields
(the endpoint's `assumed_request` says why the contract's body is a guess), and a value read from
the target because none was given (a discovered model). A target may refuse either, with one of
its documented codes, before it ever reaches the defect a recipe carries. So each becomes a soft
*assumed* defect of the class at its location: the code it draws is justified (no false
`code_justified`), and a code test answered that way was not observed, never failed
(`run/code_tests.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from errcontract.contract.model import Contract, Endpoint
from errcontract.core.exchange import Defect
from errcontract.requests.recipes import defect_class_for

__all__ = ["PREFIX", "assumed_defects"]

PREFIX = "assumed: "


def assumed_defects(
    contract: Contract, endpoint_name: str | None, discovered: Collection[str]
) -> tuple[Defect, ...]:
    """An assumed defect for each part of the endpoint's requests the docs do not give."""
    endpoint = contract.endpoints.get(endpoint_name or "")
    if endpoint is None:
        return ()
    parts = _assumed_parts(endpoint, discovered)
    return tuple(_assumed(contract, endpoint, location, what) for location, what in parts)


def _assumed_parts(endpoint: Endpoint, discovered: Collection[str]) -> Iterator[tuple[str, str]]:
    """(location, what was assumed) for the endpoint's request."""
    if endpoint.assumed_request and endpoint.body != "none":
        yield "body", f"a guessed body ({endpoint.assumed_request})"
    for location, template in (
        ("path", endpoint.request.get("path_params")),
        ("body", endpoint.request.get("json")),
    ):
        for name in sorted(_fixtures_named(template) & set(discovered)):
            yield location, f"the {name} read from the target (--{name.replace('_', '-')} not given)"


def _fixtures_named(template: Any) -> set[str]:
    """The `{fixture}` names a request template uses."""
    if isinstance(template, str):
        return {template[1:-1]} if template.startswith("{") and template.endswith("}") else set()
    if isinstance(template, dict):
        return set().union(*(_fixtures_named(v) for v in template.values()))
    if isinstance(template, list):
        return set().union(*(_fixtures_named(v) for v in template))
    return set()


def _assumed(contract: Contract, endpoint: Endpoint, location: str, what: str) -> Defect:
    defect_class, codes = defect_class_for(contract, endpoint, location)
    return Defect(PREFIX + what, defect_class, codes, certain=False, assumed=True)
