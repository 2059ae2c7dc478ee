"""The OpenAPI half of the lint: openapi.yaml must agree with the contract it documents.

The Schemathesis suites generate their requests from openapi.yaml, so it is checked three ways:
as an OpenAPI 3.1 document (against the meta-schema Schemathesis itself loads with), as something
Schemathesis can load, and against the contract: one operation per endpoint with its auth, path
parameters, body and error responses, each error response allowing exactly the code table's codes
for its status, and each documented example validating the response schema of its status.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import schemathesis
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from schemathesis.core.result import Err

from errcontract.contract.cases import code_values
from errcontract.contract.files import read_json
from errcontract.contract.lint.examples import ExampleResult
from errcontract.contract.lint.problem import Finding, Problem, problem_from_error
from errcontract.contract.lint.rules import endpoint_error_statuses
from errcontract.contract.locate import shipped_contracts
from errcontract.contract.model import Contract, key_path, read_yaml
from errcontract.core import pointer
from errcontract.core.errors import ContractError
from errcontract.core.pointer import NO_JSON

__all__ = ["declared_codes", "openapi_problems"]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
BODY_MEDIA_TYPES = {"json": "application/json", "multipart": "multipart/form-data"}


def openapi_problems(contract: Contract, examples: tuple[ExampleResult, ...]) -> list[Problem]:
    """Every disagreement of the provider's openapi.yaml with OpenAPI 3.1, Schemathesis and the contract."""
    file = contract.root / "openapi.yaml"
    if not file.is_file():
        return [Problem(str(file), "", "missing: the Schemathesis suites need the OpenAPI document")]
    try:
        doc = read_yaml(file)
    except ContractError as exc:
        return [problem_from_error(file, exc)]
    problems = _openapi_31_problems(file, doc) or _schemathesis_problems(file)
    if problems:
        return problems
    findings = [*_operation_findings(contract, doc), *_status_table_findings(contract, doc)]
    problems = [Problem(str(file), _openapi_key_path(path), message) for path, message in findings]
    return problems + list(_example_openapi_findings(contract, doc, file, examples))


def _openapi_31_problems(file: Path, doc: Any) -> list[Problem]:
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3.1"):
        return [Problem(str(file), "openapi", "must be an OpenAPI 3.1 document (openapi: 3.1.x)")]
    errors = _openapi_31_validator().iter_errors(doc)
    return [Problem(str(file), _openapi_key_path(e.absolute_path), e.message) for e in errors]


# The OpenAPI 3.1 meta-schema Schemathesis loads documents with, shipped beside the contracts.
OPENAPI_31_FILE = "openapi-3.1.schema.json"


@cache
def _openapi_31_validator() -> jsonschema.Draft202012Validator:
    """One validator per process, its registry crawled up front.

    The OpenAPI 3.1 meta-schema resolves `$dynamicRef`s by anchor; an uncrawled registry looks
    every anchor up again on each use, which made this check most of the lint's run time.
    """
    schema = read_json(shipped_contracts() / OPENAPI_31_FILE)
    registry = Registry().with_resource(str(schema["$id"]), DRAFT202012.create_resource(schema))
    return jsonschema.Draft202012Validator(schema, registry=registry.crawl())


def _openapi_key_path(parts: Any) -> str:
    """Key paths through `paths` hold URL paths: quote those so '/' still separates keys."""
    return key_path(f"'{p}'" if "/" in str(p) else p for p in parts)


def _schemathesis_problems(file: Path) -> list[Problem]:
    """Load it as the suites will; a fresh Config keeps any schemathesis.toml out of the lint."""
    try:
        schema = schemathesis.openapi.from_path(file, config=schemathesis.Config())
        operations = list(schema.get_all_operations())
    except Exception as exc:  # any loader failure is the finding
        return [Problem(str(file), "", f"Schemathesis cannot load it: {exc}")]
    return [Problem(str(file), "paths", f"Schemathesis: {r.err()}") for r in operations if isinstance(r, Err)]


def _deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        node = pointer.get(doc, node["$ref"][1:])
    return None if node is NO_JSON else node


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item, item[method]


def _operation_findings(contract: Contract, doc: dict[str, Any]) -> Iterator[Finding]:
    servers = doc.get("servers") or [{}]
    if servers[0].get("url", "").rstrip("/") != contract.base_path:
        yield ["servers", 0, "url"], f"must be the contract's base_path {contract.base_path!r}"
    by_route = {(e.method, e.path): e.name for e in contract.endpoints.values()}
    seen = set()
    for path, method, item, operation in _operations(doc):
        where = ["paths", path, method]
        name = by_route.get((method.upper(), path))
        if name is None:
            yield where, "no contract endpoint has this method and path"
            continue
        seen.add(name)
        for key, message in _endpoint_findings(contract, doc, name, item, operation):
            yield [*where, *key], message
    for name in sorted(set(contract.endpoints) - seen):
        endpoint = contract.endpoints[name]
        yield ["paths"], f"endpoint {name} ({endpoint.method} {endpoint.path}) has no operation"


def _endpoint_findings(
    contract: Contract, doc: dict[str, Any], name: str, item: Any, op: Any
) -> Iterator[Finding]:
    endpoint = contract.endpoints[name]
    if op.get("operationId") != name:
        yield ["operationId"], f"must be the endpoint's name {name!r}"
    if bool(op.get("security", doc.get("security", []))) != endpoint.auth:
        yield ["security"], f"the contract says auth is {'needed' if endpoint.auth else 'not needed'}"
    params = [_deref(doc, p) or {} for p in [*item.get("parameters", []), *op.get("parameters", [])]]
    if {p.get("name") for p in params if p.get("in") == "path"} != set(endpoint.path_params):
        yield ["parameters"], f"path parameters must be {list(endpoint.path_params)}"
    request_body = _deref(doc, op.get("requestBody"))
    yield from _body_findings(doc, endpoint.body, endpoint.required_fields, request_body)
    responses = op.get("responses", {})
    if str(endpoint.success_status) not in responses:
        yield ["responses"], f"no {endpoint.success_status} success response"
    declared = {int(s) for s in responses if str(s).isdigit() and int(s) >= 400}
    for status in sorted(endpoint_error_statuses(contract, name, strict=True) - declared):
        yield ["responses"], f"no {status} response, though the code table documents it here"
    for status in sorted(declared - endpoint_error_statuses(contract, name, strict=False)):
        yield ["responses", str(status)], "no documented code of this status comes from this endpoint"
    for status in sorted(declared):
        for message in _code_enum_findings(contract, doc, responses[str(status)], status):
            yield ["responses", str(status)], message


def _body_findings(
    doc: dict[str, Any], body: str, required: tuple[str, ...], request: Any
) -> Iterator[Finding]:
    if body == "none":
        if request:
            yield ["requestBody"], "the contract documents no request body"
        return
    media = (request or {}).get("content", {}).get(BODY_MEDIA_TYPES[body])
    if media is None:
        yield ["requestBody"], f"needs {BODY_MEDIA_TYPES[body]} content"
        return
    missing = set(required) - set((_deref(doc, media.get("schema")) or {}).get("required", []))
    if missing:
        yield ["requestBody"], f"must require {sorted(missing)}"


def declared_codes(contract: Contract, doc: dict[str, Any], response: Any) -> set[str] | None:
    """The codes an error response's JSON schema allows at the code pointer; None: any string."""
    content = (_deref(doc, response) or {}).get("content", {})
    schema = _deref(doc, next((m.get("schema") for t, m in content.items() if "json" in t), None))
    for part in pointer.tokens(contract.envelope.code_pointer):
        schema = _deref(doc, _below(schema or {}, part))
    if not schema:
        raise LookupError(f"no JSON schema with a property at {contract.envelope.code_pointer}")
    if "const" in schema:
        return {schema["const"]}
    return set(schema["enum"]) if "enum" in schema else None


def _below(schema: dict[str, Any], part: str) -> Any:
    """The schema of one step down: a property, or an array's item (`/errors/0/code`)."""
    if part.isdigit() and ("prefixItems" in schema or "items" in schema):
        prefix = schema.get("prefixItems", [])
        return prefix[int(part)] if int(part) < len(prefix) else schema.get("items")
    return schema.get("properties", {}).get(part)


def _code_enum_findings(contract: Contract, doc: dict[str, Any], response: Any, status: int) -> Iterator[str]:
    try:
        codes = declared_codes(contract, doc, response)
    except LookupError as exc:
        yield str(exc)
        return
    documented, open_ = code_values(contract, status)
    if open_:
        if codes is not None:
            yield f"declares {_listed(codes)}, but a case of {status} leaves the code open: allow any"
    elif codes is None and documented:
        yield f"allows any code; the code table has {_listed(documented)}"
    elif codes is not None and codes - documented:
        yield f"declares {_listed(codes - documented)}, not documented for {status} in the code table"


def _listed(values: set[Any]) -> list[Any]:
    """Code values sorted for a message (null, a documented value for some providers, first)."""
    return sorted(values, key=lambda v: (v is not None, str(v)))


def _status_table_findings(contract: Contract, doc: dict[str, Any]) -> Iterator[Finding]:
    """Across all operations, each status declares exactly the code table's codes for it."""
    declared: dict[int, set[str]] = {}
    for _, _, _, operation in _operations(doc):
        for status, response in operation.get("responses", {}).items():
            if str(status).isdigit() and int(status) >= 400:
                try:
                    codes = declared_codes(contract, doc, response) or set()
                except LookupError:
                    continue  # already reported per operation
                declared.setdefault(int(status), set()).update(codes)
    for status in sorted(contract.codes_by_status):
        values, open_ = code_values(contract, status)
        missing = values - declared.get(status, set())
        if missing and not open_:
            yield ["paths"], f"no operation declares {_listed(missing)} for status {status}"


def _example_openapi_findings(
    contract: Contract, doc: dict[str, Any], file: Path, examples: tuple[ExampleResult, ...]
) -> Iterator[Problem]:
    """Each example that follows the stated envelope also validates the OpenAPI error schema."""
    for example, raw in zip(examples, contract.examples, strict=True):
        response = next(
            (
                op["responses"][str(example.status)]
                for *_, op in _operations(doc)
                if str(example.status) in op.get("responses", {})
            ),
            None,
        )
        content = (_deref(doc, response) or {}).get("content", {})
        schema = next((m.get("schema") for t, m in content.items() if "json" in t), None)
        if not example.stated_ok or example.placeholder or schema is None:
            continue
        validator = jsonschema.Draft202012Validator({"components": doc.get("components", {}), **schema})
        for error in validator.iter_errors(raw.body):
            message = f"example {example.name!r} fails the {example.status} schema: {error.message}"
            yield Problem(str(file), f"responses/{example.status}", message, ("example", example.name))
