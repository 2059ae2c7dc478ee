"""`errcontract lint`: the contracts check themselves before any suite reads them.

For each provider folder: contract.yaml against the meta-schema (every problem, not just the
first), then the cross-table rules of `lint_rules`, every documented example against the envelope
profiles, and openapi.yaml against OpenAPI 3.1, Schemathesis and the code table. Every problem
reads `FILE: key/path: message`. The same results are a Python API (`lint_path`) for the
documentation suite and the reports.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from errcontract.contract import Contract, _read_json, _read_yaml, key_path, meta_schema
from errcontract.errors import ContractError, UsageError
from errcontract.exchange import NO_JSON, pointer_get
from errcontract.lint_rules import (
    ExampleResult,
    Finding,
    Problem,
    Subject,
    endpoint_error_statuses,
    example_problems,
    judge_example,
    rule_problems,
)
from errcontract.locate import contracts_root

__all__ = ["ExampleResult", "Problem", "ProviderLint", "lint_path", "lint_provider", "register"]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
BODY_MEDIA_TYPES = {"json": "application/json", "multipart": "multipart/form-data"}


@dataclass
class ProviderLint:
    """Everything the lint found for one provider folder."""

    name: str
    folder: Path
    contract: Contract | None = None
    codes: tuple[str, ...] = ()
    ambiguities: tuple[str, ...] = ()
    example_names: tuple[str, ...] = ()
    examples: tuple[ExampleResult, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problems_for(self, kind: str, name: str) -> list[Problem]:
        """The problems about one code, example or ambiguity (kind: code|example|ambiguity)."""
        return [p for p in self.problems if p.subject == (kind, name)]

    def general_problems(self) -> list[Problem]:
        """The problems about no single code, example or ambiguity (files, tables, OpenAPI)."""
        return [p for p in self.problems if p.subject is None]

    def example(self, name: str) -> ExampleResult | None:
        """The judged example, or None when the contract could not be loaded to judge it."""
        return next((e for e in self.examples if e.name == name), None)

    def ambiguity(self, ambiguity_id: str) -> dict[str, Any]:
        contract = self.contract
        return next((a for a in contract.ambiguities if a["id"] == ambiguity_id), {}) if contract else {}

    def to_json(self) -> dict[str, Any]:
        return {
            "codes": list(self.codes),
            "problems": [str(p) for p in self.problems],
            "examples": [_example_json(e) for e in self.examples],
        }


def _example_json(example: ExampleResult) -> dict[str, Any]:
    return {
        "name": example.name,
        "status": example.status,
        "code": example.code,
        "ambiguity": example.ambiguity,
        "validates": list(example.validates),
    }


def lint_path(path: Path | str | None = None) -> dict[str, ProviderLint]:
    """Lint a contracts root (a folder of provider folders) or one provider folder."""
    root = Path(path) if path is not None else contracts_root()
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder (give a contracts root or a provider folder)")
    if (root / "contract.yaml").is_file():
        folders, meta_root = [root], root.parent
    else:
        folders, meta_root = sorted(p for p in root.iterdir() if (p / "contract.yaml").is_file()), root
    if not folders:
        raise UsageError(f"{root}: no contract.yaml in it or in its sub-folders")
    has_meta = (meta_root / "contract.schema.json").is_file()
    meta = meta_schema(meta_root if has_meta else None)
    return {folder.name: lint_provider(folder, meta) for folder in folders}


def lint_provider(folder: Path, meta: dict[str, Any]) -> ProviderLint:
    result = ProviderLint(folder.name, folder)
    contract = _load(folder, meta, result)
    if contract is None:
        return result
    result.contract = contract
    result.problems.extend(rule_problems(contract))
    result.examples = tuple(judge_example(contract, example) for example in contract.examples)
    for index, example in enumerate(result.examples):
        result.problems.extend(example_problems(contract, index, example))
    try:
        result.problems.extend(openapi_problems(contract, result.examples))
    except Exception as exc:  # a lint bug is reported beside the other findings, never raised
        crash = f"the OpenAPI check crashed: {exc!r}"
        result.problems.append(Problem(str(folder / "openapi.yaml"), "", crash))
    return result


def _load(folder: Path, meta: dict[str, Any], result: ProviderLint) -> Contract | None:
    """The contract, or None when it cannot be built (problems say why)."""
    file = folder / "contract.yaml"
    try:
        data = _read_yaml(file)
    except ContractError as exc:
        result.problems.append(_problem_from_error(file, exc))
        return None
    _read_names(data, result)
    result.problems.extend(_meta_problems(file, data, meta))
    if result.problems:
        return None
    schema_file = folder / data["envelope"]["schema"]
    try:
        return Contract(root=folder, data=data, error_schema=_read_json(schema_file))
    except ContractError as exc:
        result.problems.append(_problem_from_error(schema_file, exc))
        return None


def _read_names(data: Any, result: ProviderLint) -> None:
    """Codes, example names and ambiguity ids straight from the data, so that a contract the
    meta-schema rejects still lists them (the suite makes one test of each)."""
    if not isinstance(data, dict):
        return
    codes = data.get("codes")
    result.codes = tuple(codes) if isinstance(codes, dict) else ()
    result.example_names = _labels(data.get("examples"), "name")
    result.ambiguities = _labels(data.get("ambiguities"), "id")


def _labels(items: Any, key: str) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(str(item[key]) for item in items if isinstance(item, dict) and key in item)


def _problem_from_error(file: Path, exc: ContractError) -> Problem:
    message = str(exc).removeprefix(str(file)).lstrip(": ")
    return Problem(str(file), "", message)


def _meta_problems(file: Path, data: Any, meta: dict[str, Any]) -> list[Problem]:
    """Every meta-schema problem; an unknown key (a typo) is named in the key path itself."""
    validator = jsonschema.Draft202012Validator(meta, format_checker=jsonschema.FormatChecker())
    problems = []
    for error in validator.iter_errors(data):
        path = list(error.absolute_path)
        for key, message in _meta_findings(error):
            problems.append(Problem(str(file), key_path(path + key), message, _subject(data, path)))
    return sorted(problems, key=lambda p: p.key_path)


def _meta_findings(error: jsonschema.ValidationError) -> list[Finding]:
    known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    if error.validator != "additionalProperties" or not known or not isinstance(error.instance, dict):
        return [([], error.message)]
    expected = ", ".join(known)
    unknown = [key for key in error.instance if key not in known]
    return [([key], f"unknown key {key!r} (expected one of: {expected})") for key in unknown]


def _subject(data: Any, path: list[Any]) -> Subject | None:
    if len(path) < 2 or not isinstance(data, dict):
        return None
    table, key = path[0], path[1]
    if table == "codes":
        return ("code", str(key))
    labels = {"examples": ("example", "name"), "ambiguities": ("ambiguity", "id")}
    items = data.get(table)
    if table in labels and isinstance(key, int) and isinstance(items, list) and isinstance(items[key], dict):
        kind, label = labels[table]
        return (kind, str(items[key].get(label, key)))
    return None


# --- openapi.yaml --------------------------------------------------------------------------------


def openapi_problems(contract: Contract, examples: tuple[ExampleResult, ...]) -> list[Problem]:
    file = contract.root / "openapi.yaml"
    if not file.is_file():
        return [Problem(str(file), "", "missing: the Schemathesis suites need the OpenAPI document")]
    try:
        doc = _read_yaml(file)
    except ContractError as exc:
        return [_problem_from_error(file, exc)]
    problems = _openapi_31_problems(file, doc) or _schemathesis_problems(file)
    if problems:
        return problems
    findings = [*_operation_findings(contract, doc), *_status_table_findings(contract, doc)]
    problems = [Problem(str(file), _openapi_key_path(path), message) for path, message in findings]
    return problems + list(_example_openapi_findings(contract, doc, file, examples))


def _openapi_31_problems(file: Path, doc: Any) -> list[Problem]:
    from schemathesis.specs.openapi.definitions import OPENAPI_31  # the meta-schema it loads with

    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3.1"):
        return [Problem(str(file), "openapi", "must be an OpenAPI 3.1 document (openapi: 3.1.x)")]
    validator = jsonschema.Draft202012Validator(OPENAPI_31)
    errors = validator.iter_errors(doc)
    return [Problem(str(file), _openapi_key_path(e.absolute_path), e.message) for e in errors]


def _openapi_key_path(parts: Any) -> str:
    """Key paths through `paths` hold URL paths: quote those so '/' still separates keys."""
    return key_path(f"'{p}'" if "/" in str(p) else p for p in parts)


def _schemathesis_problems(file: Path) -> list[Problem]:
    """Load it as the suites will; a fresh Config keeps any schemathesis.toml out of the lint."""
    import schemathesis
    from schemathesis.core.result import Err

    try:
        schema = schemathesis.openapi.from_path(file, config=schemathesis.Config())
        operations = list(schema.get_all_operations())
    except Exception as exc:  # any loader failure is the finding
        return [Problem(str(file), "", f"Schemathesis cannot load it: {exc}")]
    return [Problem(str(file), "paths", f"Schemathesis: {r.err()}") for r in operations if isinstance(r, Err)]


def _deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        node = pointer_get(doc, node["$ref"][1:])
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
    for part in contract.envelope["code_pointer"].strip("/").split("/"):
        schema = _deref(doc, (schema or {}).get("properties", {}).get(part))
    if not schema:
        raise LookupError(f"no JSON schema with a property at {contract.envelope['code_pointer']}")
    if "const" in schema:
        return {schema["const"]}
    return set(schema["enum"]) if "enum" in schema else None


def _code_enum_findings(contract: Contract, doc: dict[str, Any], response: Any, status: int) -> Iterator[str]:
    try:
        codes = declared_codes(contract, doc, response)
    except LookupError as exc:
        yield str(exc)
        return
    documented = set(contract.codes_by_status.get(status, ()))
    if codes is None and documented:
        yield f"allows any code; the code table has {sorted(documented)}"
    elif codes is not None and codes - documented:
        yield f"declares {sorted(codes - documented)}, not documented for {status} in the code table"


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
    for status, codes in sorted(contract.codes_by_status.items()):
        missing = set(codes) - declared.get(status, set())
        if missing:
            yield ["paths"], f"no operation declares {sorted(missing)} for status {status}"


def _example_openapi_findings(
    contract: Contract, doc: dict[str, Any], file: Path, examples: tuple[ExampleResult, ...]
) -> Iterator[Problem]:
    """Each example that follows the stated envelope also validates the OpenAPI error schema."""
    for example, raw in zip(examples, contract.examples, strict=True):
        response = next((op["responses"][str(example.status)] for *_, op in _operations(doc)
                         if str(example.status) in op.get("responses", {})), None)
        content = (_deref(doc, response) or {}).get("content", {})
        schema = next((m.get("schema") for t, m in content.items() if "json" in t), None)
        if not example.stated_ok or example.placeholder or schema is None:
            continue
        validator = jsonschema.Draft202012Validator({"components": doc.get("components", {}), **schema})
        for error in validator.iter_errors(raw["body"]):
            message = f"example {example.name!r} fails the {example.status} schema: {error.message}"
            yield Problem(str(file), f"responses/{example.status}", message, ("example", example.name))


# --- command line --------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("lint", help="check the contract files against themselves and each other")
    parser.add_argument("path", nargs="?", type=Path, help="a contracts root or one provider folder")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    results = lint_path(args.path)
    if args.format == "json":
        print(json.dumps({"providers": {n: r.to_json() for n, r in results.items()}}, indent=2))
    else:
        for name, result in results.items():
            for problem in result.problems:
                print(problem)
            counts = f"{len(result.codes)} codes, {len(result.examples)} examples"
            print(f"{name}: {counts}, {len(result.problems)} problem(s)")
    return 1 if any(r.problems for r in results.values()) else 0
