"""Lint rule: a contract treats as valid only what the docs give as valid.

A value a request or a recipe sends as *valid* (a model slug, a workflow, a job or task id) is
either a `{fixture}` placeholder (given by the user, read from the target, or served by a mock
from its own `mock.yaml`) or one of the contract's `documented_values`, which cite their source.
A literal anywhere else is a value only one implementation makes true, and a faithful provider
with another catalog would be reported as broken for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from errcontract.contract.codes import RequestDoc
from errcontract.contract.lint.problem import Problem, in_contract
from errcontract.contract.lint.rules import rule
from errcontract.contract.model import PLACEHOLDER, Contract

MADE_UP = "errcontract-"  # a recipe's deliberately unknown value (errcontract-no-such-model)


def _undocumented(contract: Contract, name: str, value: Any) -> str | None:
    """Why `value` may not stand as a valid `name`, or None when it may."""
    if not isinstance(value, str) or PLACEHOLDER.fullmatch(value):
        return None
    documented = contract.documented_values[name].values if name in contract.documented_values else ()
    if value in documented:
        return None
    return (
        f"{value!r} is treated as a valid {name} but the docs do not give it: use a "
        f"{{fixture}} placeholder, or add it to documented_values.{name} with its source"
    )


ValidValue = tuple[list[str], str, Any]  # key path, field or parameter name, value


def _valid_values(request: RequestDoc, lookup_fields: tuple[str, ...]) -> Iterator[ValidValue]:
    """(key path, name, value) of every value a request sends as a valid resource or lookup."""
    for param, value in request.get("path_params", {}).items():
        yield ["path_params", param], param, value
    body = request.get("json")
    if isinstance(body, dict):
        for field_name in lookup_fields:
            if field_name in body:
                yield ["json", field_name], field_name, body[field_name]


@rule
def valid_values_are_documented(contract: Contract) -> Iterator[Problem]:
    for name, endpoint in contract.endpoints.items():
        for path, key, value in _valid_values(endpoint.request, endpoint.lookup_fields):
            message = _undocumented(contract, key, value)
            if message:
                yield in_contract(contract, ["endpoints", name, "request", *path], message)
    for recipe in contract.recipes.values():
        fields: dict[str, Any] = recipe.defect.get("set_field") or {}
        known = contract.endpoints.get(recipe.endpoint)
        lookups = known.lookup_fields if known else ()
        for field_name in set(lookups) & set(fields or {}):
            message = _undocumented(contract, field_name, fields[field_name])
            if message and not str(fields[field_name]).startswith(MADE_UP):
                where = ["codes", recipe.code, "provoke", "defect", "set_field", field_name]
                yield in_contract(contract, where, message)


@rule
def recipe_alternatives_are_codes(contract: Contract) -> Iterator[Problem]:
    for recipe in contract.recipes.values():
        for code in recipe.also_allowed:
            if code not in contract.codes:
                where = ["codes", recipe.code, "provoke", "also_allowed"]
                yield in_contract(contract, where, f"no code {code!r}")
