"""The contract's own consistency rules: small pure functions `(contract) -> problems`.

Each rule reads one table of a loaded contract and checks it against the others (codes against
the status table, each code's recipe against the endpoints and fixtures, ...). They never
read files or send requests, so a hand-built Contract is enough to test one. The meta-schema has
already vouched for the shape of the data; these rules check what a schema cannot: references
between tables. Judging the documented examples lives in `lint_examples` (re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema

from errcontract.contract.lint.examples import ExampleResult, example_problems, example_schema, judge_example
from errcontract.contract.lint.problem import CONTRACT_FILE, Finding, Problem, Subject, in_contract
from errcontract.contract.model import PLACEHOLDER, Contract, Recipe, key_path
from errcontract.core import pointer
from errcontract.core.pointer import NO_JSON

__all__ = [
    "ANY_ENDPOINT",
    "CONTRACT_FILE",
    "RULES",
    "ExampleResult",
    "Finding",
    "Problem",
    "Rule",
    "Subject",
    "endpoint_applies",
    "endpoint_error_statuses",
    "example_problems",
    "example_schema",
    "in_contract",
    "judge_example",
    "rule",
    "rule_problems",
]

ANY_ENDPOINT = "*"
_AMBIGUITY_MENTION = re.compile(r"\bambiguity ([a-z0-9]+(?:-[a-z0-9]+)*)")
_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


Rule = Callable[[Contract], Iterator[Problem]]
RULES: dict[str, Rule] = {}


def rule(function: Rule) -> Rule:
    """Register a rule under its function name, so problems can be traced to the rule."""
    RULES[function.__name__] = function
    return function


def endpoint_applies(contract: Contract, code_name: str, endpoint_name: str, *, strict: bool) -> bool:
    """Can this code come from this endpoint? '*' means any endpoint; strictly, any that takes a key.

    The strict reading is what an endpoint *must* document: a code listed for every endpoint
    ('*') cannot be required of an endpoint that takes no key (Vydra's health), since those codes
    are about the key or its window; it is still allowed there.
    """
    code, endpoint = contract.codes[code_name], contract.endpoints[endpoint_name]
    if endpoint_name in code.endpoints:
        return True
    return ANY_ENDPOINT in code.endpoints and (endpoint.auth or not strict)


def endpoint_error_statuses(contract: Contract, endpoint_name: str, *, strict: bool) -> set[int]:
    """The error statuses an endpoint documents: its codes' statuses plus statuses with no code."""
    statuses = {s for s in contract.error_statuses() if not contract.codes_by_status.get(s)}
    for name, code in contract.codes.items():
        if endpoint_applies(contract, name, endpoint_name, strict=strict):
            statuses.update(code.statuses)
    return statuses


@rule
def provider_names_its_folder(contract: Contract) -> Iterator[Problem]:
    if contract.provider != contract.root.name:
        message = f"{contract.provider!r} is not the folder's name {contract.root.name!r}"
        yield in_contract(contract, ["provider"], message)


@rule
def code_statuses_in_status_table(contract: Contract) -> Iterator[Problem]:
    for name, code in contract.codes.items():
        for index, status in enumerate(code.statuses):
            if status not in contract.statuses:
                message = f"{status} is not in the status table (statuses)"
                yield in_contract(contract, ["codes", name, "status", index], message, ("code", name))


@rule
def code_provoke_resolves(contract: Contract) -> Iterator[Problem]:
    for name in contract.codes:
        for message in _provoke_problems(contract, name):
            yield in_contract(contract, ["codes", name, "provoke"], message, ("code", name))


def _provoke_problems(contract: Contract, name: str) -> Iterator[str]:
    code = contract.codes[name]
    if code.recipe is None:
        if not (code.fault or code.observe_reason):
            yield "observe-only needs observe_reason (or fault: true)"
        return
    endpoint = code.recipe.endpoint
    if endpoint in contract.endpoints and not endpoint_applies(contract, name, endpoint, strict=False):
        yield f"recipe {code.recipe.name!r} calls {endpoint!r}, not one of the code's endpoints"


@rule
def code_endpoints_exist(contract: Contract) -> Iterator[Problem]:
    for name, code in contract.codes.items():
        for index, endpoint in enumerate(code.endpoints):
            if endpoint != ANY_ENDPOINT and endpoint not in contract.endpoints:
                where = ["codes", name, "endpoints", index]
                yield in_contract(contract, where, f"no endpoint {endpoint!r}", ("code", name))


@rule
def code_defect_class_exists(contract: Contract) -> Iterator[Problem]:
    """A class's codes are derived from the codes' `defect_class`: each name must be a class."""
    for name, code in contract.codes.items():
        where, subject = ["codes", name, "defect_class"], ("code", name)
        for index, cls in enumerate(code.defect_classes):
            if cls not in contract.defect_classes:
                at = [*where, index] if len(code.defect_classes) > 1 else where
                yield in_contract(contract, at, f"no defect class {cls!r}", subject)


@rule
def code_schema_resolves(contract: Contract) -> Iterator[Problem]:
    for name, code in contract.codes.items():
        if code.schema_ref and not _resolves(contract.error_schema, code.schema_ref):
            where = ["codes", name, "schema"]
            message = f"{code.schema_ref} does not resolve in {contract.envelope.schema}"
            yield in_contract(contract, where, message, ("code", name))


@rule
def defect_class_has_codes(contract: Contract) -> Iterator[Problem]:
    for class_name, defect_class in contract.defect_classes.items():
        if not defect_class.codes:
            where = ["defect_classes", class_name]
            yield in_contract(contract, where, "no code names this class in its defect_class")


@rule
def recipes_are_coherent(contract: Contract) -> Iterator[Problem]:
    """The recipe's own references (its code's other rules are `code_provoke_resolves`)."""
    for recipe in contract.recipes.values():
        where = ["codes", recipe.code, "provoke"]
        if recipe.endpoint not in contract.endpoints:
            yield in_contract(contract, [*where, "endpoint"], f"no endpoint {recipe.endpoint!r}")
            continue
        for message in _defect_problems(contract, recipe.endpoint, recipe.defect):
            yield in_contract(contract, [*where, "defect"], message)
        for index, other in enumerate(recipe.fallback_endpoints):
            if other not in contract.endpoints:
                yield in_contract(contract, [*where, "fallback_endpoints", index], f"no endpoint {other!r}")
        yield from _elsewhere_problems(contract, recipe)


def _elsewhere_problems(contract: Contract, recipe: Recipe) -> Iterator[Problem]:
    """Each `elsewhere` entry: an endpoint the code belongs to, with a defect it can carry."""
    code = contract.codes[recipe.code]
    for endpoint, defect in recipe.elsewhere:
        where = ["codes", recipe.code, "provoke", "elsewhere", endpoint]
        if endpoint not in contract.endpoints:
            yield in_contract(contract, where, f"no endpoint {endpoint!r}")
        elif endpoint not in code.endpoints and "*" not in code.endpoints:
            yield in_contract(contract, where, f"{recipe.code} does not list {endpoint!r} in its endpoints")
        else:
            for message in _defect_problems(contract, endpoint, defect):
                yield in_contract(contract, where, message)


@rule
def fixture_endpoints_resolve(contract: Contract) -> Iterator[Problem]:
    for name, spec in contract.discover.items():
        if name not in contract.fixtures:
            yield in_contract(contract, ["discover", name], f"no fixture {name!r}")
        if spec.endpoint not in contract.endpoints:
            yield in_contract(contract, ["discover", name, "endpoint"], f"no endpoint {spec.endpoint!r}")
    for name, fixture in contract.fixtures.items():
        state, where = fixture.holds, ["fixtures", name, "holds", "endpoint"]
        if state is not None and state.endpoint not in contract.endpoints:
            yield in_contract(contract, where, f"no endpoint {state.endpoint!r}")
        elif state is not None and len(contract.endpoints[state.endpoint].path_params) != 1:
            yield in_contract(contract, where, f"{state.endpoint} must take one path id (the fixture)")


def _defect_problems(contract: Contract, endpoint_name: str, defect: dict[str, Any]) -> Iterator[str]:
    endpoint = contract.endpoints[endpoint_name]
    kind, value = next(iter(defect.items()))
    body_kinds = {"raw_body": "json", "remove_field": "json", "set_field": "json", "upload": "multipart"}
    if kind in body_kinds and endpoint.body != body_kinds[kind]:
        yield f"{kind} needs a {body_kinds[kind]} endpoint; {endpoint_name} takes {endpoint.body}"
    if kind == "use_key" and value not in contract.fixtures:
        yield f"use_key names no fixture {value!r}"
    if kind == "path_params":
        for param in set(value) - set(endpoint.path_params):
            yield f"{endpoint.path} has no path parameter {param!r}"
    if kind == "remove_field" and value not in {*endpoint.fields, *endpoint.required_fields}:
        yield f"{endpoint_name} has no field {value!r} to remove"
    if kind == "method" and contract.endpoint_for(value, endpoint.path) is not None:
        yield f"{value} {endpoint.path} is documented: a wrong-method recipe needs a method its path lacks"
    if kind == "path" and any(e.path == value for e in contract.endpoints.values()):
        yield f"{value} is a documented path: an unknown-path recipe needs one the docs do not list"
    yield from _unknown_placeholders(contract, value)


def _unknown_placeholders(contract: Contract, value: Any) -> Iterator[str]:
    for _, text in _leaves(value, []):
        for found in PLACEHOLDER.findall(str(text)):
            name = found.removesuffix(":unknown")  # `{key:unknown}` derives from fixture `key`
            if name not in contract.fixtures:
                yield f"placeholder {{{name}}} names no fixture"


@rule
def endpoints_are_coherent(contract: Contract) -> Iterator[Problem]:
    for name, endpoint in contract.endpoints.items():
        where = ["endpoints", name]
        if endpoint.success_status not in contract.statuses:
            message = f"{endpoint.success_status} is not in the status table"
            yield in_contract(contract, [*where, "success_status"], message)
        missing_params = set(endpoint.path_params) - set(endpoint.request.get("path_params", {}))
        if missing_params:
            message = f"no value for path parameter(s) {', '.join(sorted(missing_params))}"
            yield in_contract(contract, [*where, "request"], message)
        if endpoint.fields and set(endpoint.required_fields) - set(endpoint.fields):
            yield in_contract(contract, [*where, "required_fields"], "names a field not in fields")
        body = endpoint.request.get("json")
        if endpoint.body == "json" and not set(endpoint.required_fields) <= set(body or {}):
            yield in_contract(contract, [*where, "request", "json"], "lacks a required field")
        for message in _unknown_placeholders(contract, endpoint.request):
            yield in_contract(contract, [*where, "request"], message)


@rule
def header_statuses_in_status_table(contract: Contract) -> Iterator[Problem]:
    for status in contract.headers.on_status:
        if status not in contract.statuses:
            yield in_contract(contract, ["headers", "on_status", str(status)], "not in the status table")


@rule
def names_are_unique(contract: Contract) -> Iterator[Problem]:
    for table, key, kind in (("examples", "name", "example"), ("ambiguities", "id", "ambiguity")):
        seen: set[str] = set()
        for index, item in enumerate(contract.document.get(table, [])):
            if item[key] in seen:
                where = [table, index, key]
                yield in_contract(contract, where, f"duplicate {key} {item[key]!r}", (kind, item[key]))
            seen.add(item[key])


@rule
def ambiguity_mentions_resolve(contract: Contract) -> Iterator[Problem]:
    """A source citing 'ambiguity <id>' must cite one that the ambiguities list records."""
    known = {a.id for a in contract.ambiguities}
    for path, text in _leaves(contract.document, []):
        if not path or path[-1] != "source":
            continue
        for mention in _AMBIGUITY_MENTION.findall(text):
            if mention not in known:
                subject = ("code", path[1]) if path[0] == "codes" else None
                yield in_contract(contract, path, f"cites unknown ambiguity {mention!r}", subject)


@rule
def error_schema_is_valid(contract: Contract) -> Iterator[Problem]:
    file = str(contract.root / contract.envelope.schema)
    schema = contract.error_schema
    if schema.get("$schema") != _SCHEMA_DIALECT:
        yield Problem(file, "$schema", f"must be {_SCHEMA_DIALECT}")
    meta = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)
    for error in meta.iter_errors(schema):
        yield Problem(file, key_path(error.absolute_path), error.message)
    for profile, ref in contract.envelope.profiles.items():
        if not _resolves(schema, ref):
            message = f"{ref} does not resolve in {file}"
            yield in_contract(contract, ["envelope", "profiles", profile], message)
    for path, ref in _leaves(schema, []):
        if path[-1] == "$ref" and not _resolves(schema, ref):
            yield Problem(file, key_path(path), f"{ref} does not resolve")


def _resolves(schema: dict[str, Any], ref: str) -> bool:
    if not ref.startswith("#"):
        return False
    return ref == "#" or pointer.get(schema, ref[1:]) is not NO_JSON


def _leaves(node: Any, path: list[Any]) -> Iterator[tuple[list[Any], Any]]:
    """Every scalar in a document with its key path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, [*path, index])
    else:
        yield path, node


def rule_problems(contract: Contract) -> list[Problem]:
    """Run every registered rule; a rule that crashes is reported as a problem, never raised."""
    problems: list[Problem] = []
    for name, check in RULES.items():
        try:
            problems.extend(check(contract))
        except Exception as exc:  # a bug in a rule must not hide the other rules' findings
            problems.append(in_contract(contract, [], f"rule {name} crashed: {exc!r}"))
    return problems
