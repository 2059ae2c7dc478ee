"""What an OpenAPI document tells a new contract: endpoints, the key's scheme, documented errors.

`errcontract new --openapi FILE` reads the document through here: each operation becomes an
endpoint (its valid request built from the schema, marked assumed where no example gives a value),
the security scheme becomes the auth block, each documented error status becomes a case
recognised by its status (the document names no code strings), with a one-defect recipe where the
document shows one (a missing key, a required field left out, an id no resource has), observe-only
with the reason otherwise. Path ids become fixtures read from the collection's list.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlparse

from errcontract.core import pointer

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
MADE_UP_ID = {"integer": "999999999", "number": "999999999"}  # an id no resource is likely to have
MADE_UP_TEXT = "errcontract-no-such-id"
SYNTHESIZED = {
    "string": "errcontract probe",
    "integer": 1,
    "number": 1,
    "boolean": True,
    "array": [],
    "object": {},
}


@dataclass
class Operation:
    name: str
    method: str
    path: str
    raw: dict[str, Any]
    params: dict[str, str]  # path parameter -> its JSON type
    auth: bool
    where: str  # "paths./pets.get", for sources


@dataclass
class Scaffold:
    """The contract's parts read from the document, ready to be written as YAML."""

    base_path: str = ""
    auth: dict[str, Any] = field(default_factory=dict)
    statuses: dict[str, Any] = field(default_factory=dict)
    fixtures: dict[str, Any] = field(default_factory=dict)
    discover: dict[str, Any] = field(default_factory=dict)
    endpoints: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, Any] = field(default_factory=dict)
    defect_classes: dict[str, Any] = field(default_factory=dict)
    openapi: dict[str, Any] = field(default_factory=dict)
    operations: list[Operation] = field(default_factory=list)


def deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        found = pointer.get(doc, node["$ref"][1:])
        node = None if found is pointer.NO_JSON else found
    return node


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "endpoint"


def _operations(doc: dict[str, Any]) -> list[Operation]:
    found: list[Operation] = []
    taken: set[str] = set()
    for path, item in (doc.get("paths") or {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            raw_id = str(op.get("operationId") or f"{method}_{path}")
            name = _snake(raw_id.rsplit(".", 1)[-1])
            while name in taken:
                name += "_2"
            taken.add(name)
            params = {
                p["name"]: str((deref(doc, p.get("schema")) or {}).get("type", "string"))
                for p in (deref(doc, q) or {} for q in [*shared, *op.get("parameters", [])])
                if p.get("in") == "path"
            }
            auth = bool(op.get("security", doc.get("security", [])))
            found.append(Operation(name, method.upper(), path, op, params, auth, f"paths.'{path}'.{method}"))
    return found


def auth_block(doc: dict[str, Any]) -> dict[str, Any]:
    """The key's scheme from the first security requirement the document uses."""
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    used = [name for req in doc.get("security", []) for name in req] or list(schemes)
    for name in used:
        scheme = deref(doc, schemes.get(name)) or {}
        source = f"openapi: components.securitySchemes.{name}"
        kind = scheme.get("type")
        if kind == "apiKey" and scheme.get("in") == "header":
            return {"header": scheme["name"], "source": source}
        if kind == "apiKey" and scheme.get("in") == "query":
            return {"query": scheme["name"], "source": source}
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            return {"header": "Authorization", "scheme": "Basic", "source": source}
        if kind in ("http", "oauth2", "openIdConnect"):
            return {"header": "Authorization", "scheme": "Bearer", "source": source}
    return {
        "header": "Authorization",
        "scheme": "Bearer",
        "source": "openapi: no security scheme (no endpoint needs a key)",
    }


def _json_schema(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, Any] | None:
    body = deref(doc, op.get("requestBody")) or {}
    media = (body.get("content") or {}).get("application/json")
    return deref(doc, media.get("schema")) or {} if media is not None else None


def _value(doc: dict[str, Any], schema: Any) -> tuple[Any, bool]:
    """A valid value for a field and whether the document gave it (example, default, enum)."""
    schema = deref(doc, schema) or {}
    for key in ("example", "default"):
        if key in schema:
            return schema[key], True
    if schema.get("enum"):
        return schema["enum"][0], True
    kind = schema.get("type", "string")
    kind = next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
    if kind in ("integer", "number") and "minimum" in schema:
        return schema["minimum"], False
    return copy.deepcopy(SYNTHESIZED.get(str(kind), "errcontract probe")), False


def endpoint_of(doc: dict[str, Any], op: Operation, fixtures: set[str]) -> dict[str, Any]:
    success = next((int(s) for s in op.raw.get("responses", {}) if str(s).startswith("2")), 200)
    endpoint: dict[str, Any] = {"method": op.method, "path": op.path, "auth": op.auth}
    schema = _json_schema(doc, op.raw)
    request: dict[str, Any] = {}
    if op.params:
        request["path_params"] = {p: "{" + p + "}" for p in op.params}
        fixtures.update(op.params)
    if schema is None:
        endpoint["body"] = "none"
    else:
        endpoint["body"] = "json"
        required = [str(f) for f in schema.get("required", [])]
        properties = schema.get("properties") or {}
        values = {f: _value(doc, properties.get(f)) for f in required}
        endpoint["required_fields"] = required
        types = {f: (deref(doc, s) or {}).get("type") for f, s in properties.items()}
        endpoint["fields"] = {f: t for f, t in types.items() if t in SYNTHESIZED}
        request["json"] = {f: v for f, (v, _) in values.items()}
        if not all(given for _, given in values.values()):
            endpoint["assumed_request"] = (
                "the OpenAPI gives the body's schema but no example: each required field holds a "
                "value of its type that errcontract made up"
            )
    endpoint.update(success_status=success, request=request, source=f"openapi: {op.where}")
    return endpoint


def _case_name(status: int) -> str:
    try:
        return _snake(HTTPStatus(status).phrase)
    except ValueError:
        return f"http_{status}"


def _error_statuses(ops: list[Operation]) -> dict[int, list[tuple[Operation, str]]]:
    """Each documented error status with the operations that declare it and their description."""
    found: dict[int, list[tuple[Operation, str]]] = {}
    for op in ops:
        for status in op.raw.get("responses", {}):
            if str(status).isdigit() and int(status) >= 400:
                found.setdefault(int(status), []).append((op, str(status)))
    return dict(sorted(found.items()))


def _pick(ops: list[Operation], wanted: Any) -> Operation | None:
    """The first operation that fits, a GET first (it changes nothing on the target)."""
    fitting = [op for op in ops if wanted(op)]
    return next((op for op in fitting if op.method == "GET"), fitting[0] if fitting else None)


def _wrong_method(op: Operation, every: list[Operation]) -> str | None:
    """A method the operation's path does not document (for its 405), or None."""
    taken = {o.method for o in every if o.path == op.path}
    return next((m.upper() for m in HTTP_METHODS if m.upper() not in taken), None)


def _recipe(
    doc: dict[str, Any], status: int, ops: list[Operation], every: list[Operation]
) -> tuple[Any, str | None, str | None]:
    """(provoke, defect class, observe reason) for a status, from what the document shows."""
    if status == 405:
        op = _pick(ops, lambda o: _wrong_method(o, every) is not None)
        if op:
            return {"endpoint": op.name, "defect": {"method": _wrong_method(op, every)}}, "method", None
    if status == 401:
        op = _pick(ops, lambda o: o.auth)
        if op:
            return {"endpoint": op.name, "defect": {"key": "missing"}}, "auth", None
    if status == 404:
        op = _pick(ops, lambda o: bool(o.params))
        if op:
            param, kind = next(iter(op.params.items()))
            made_up = MADE_UP_ID.get(kind, MADE_UP_TEXT)
            return {"endpoint": op.name, "defect": {"path_params": {param: made_up}}}, "resource", None
    if status in (400, 422):
        op = _pick(ops, lambda o: bool((_json_schema(doc, o.raw) or {}).get("required")))
        if op:
            field_name = str((_json_schema(doc, op.raw) or {})["required"][0])
            return {"endpoint": op.name, "defect": {"remove_field": field_name}}, "body", None
    reasons = {
        403: "needs a key without the permission: add a fixture and a recipe that sends it (use_key)",
        429: "needs the target's rate limit reached; errcontract does not exhaust a limit on purpose",
    }
    if status >= 500:
        return "observe-only", None, "a server-side failure: no request the document describes causes it"
    why = reasons.get(status, f"the OpenAPI shows no request that gets HTTP {status}: write its recipe")
    return "observe-only", "auth" if status == 403 else None, why


def codes_of(doc: dict[str, Any], ops: list[Operation]) -> dict[str, Any]:
    """One case per documented error status, recognised by its status (match: {})."""
    codes: dict[str, Any] = {}
    for status, declared in _error_statuses(ops).items():
        op, key = declared[0]
        response = deref(doc, op.raw["responses"][key]) or {}
        provoke, defect_class, reason = _recipe(doc, status, [o for o, _ in declared], ops)
        code: dict[str, Any] = {
            "status": [status],
            "match": {},
            "message": str(response.get("description") or HTTPStatus(status).phrase),
            "endpoints": sorted({o.name for o, _ in declared}),
            "provoke": provoke,
        }
        if reason:
            code["observe_reason"] = reason
        if status >= 500:
            code["fault"] = True
        if defect_class:
            code["defect_class"] = defect_class
        code["source"] = f"openapi: {op.where}.responses.{key} ({response.get('description', '')!r})"
        codes[_case_name(status)] = code
    return codes


def statuses_of(doc: dict[str, Any], ops: list[Operation]) -> dict[str, Any]:
    table: dict[int, dict[str, str]] = {}
    for op in ops:
        for status, response in op.raw.get("responses", {}).items():
            if str(status).isdigit() and int(status) not in table:
                description = (deref(doc, response) or {}).get("description") or ""
                table[int(status)] = {
                    "description": str(description or _phrase(int(status))),
                    "source": f"openapi: {op.where}.responses.{status}",
                }
    return {str(s): table[s] for s in sorted(table)}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def base_path_of(doc: dict[str, Any]) -> str:
    servers = doc.get("servers") or [{}]
    path = urlparse(str(servers[0].get("url", ""))).path.rstrip("/")
    return path if path.startswith("/") or not path else "/" + path


def discover_of(ops: list[Operation], fixtures: set[str]) -> dict[str, Any]:
    """Each path id read from its collection's list: `/pets/{pet_id}` from `GET /pets`."""
    found: dict[str, Any] = {}
    for op in ops:
        for param in op.params:
            collection = op.path.rsplit("/{" + param + "}", 1)[0]
            lister = next(
                (o for o in ops if o.method == "GET" and o.path == collection and not o.params), None
            )
            if lister and param in fixtures and param not in found:
                keys = list(dict.fromkeys(["id", param, param.removesuffix("_id"), "name"]))
                found[param] = {"endpoint": lister.name, "keys": keys}
    return found


def _to_31(node: Any) -> None:
    """OpenAPI 3.0 schema keywords rewritten the 3.1 way, in place (nullable, boolean exclusives)."""
    if isinstance(node, list):
        for item in node:
            _to_31(item)
        return
    if not isinstance(node, dict):
        return
    if node.pop("nullable", False) is True and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(node.get(exclusive), bool):
            flag = node.pop(exclusive)
            if flag and bound in node:
                node[exclusive] = node.pop(bound)
    for value in node.values():
        _to_31(value)


def _code_schema(code_pointer: str) -> dict[str, Any]:
    """A response schema with an open string at the code pointer (every case is open)."""
    schema: dict[str, Any] = {"type": ["string", "null"]}
    for token in reversed(pointer.tokens(code_pointer)):
        if token.isdigit():
            schema = {"type": "array", "prefixItems": [*([{}] * int(token)), schema]}
        else:
            schema = {"type": "object", "properties": {token: schema}}
    return schema


def _has_code_property(doc: dict[str, Any], response: Any, code_pointer: str) -> bool:
    content = (deref(doc, response) or {}).get("content") or {}
    schema = deref(doc, next((m.get("schema") for t, m in content.items() if "json" in t), None))
    for token in pointer.tokens(code_pointer):
        node = schema or {}
        step = node.get("properties", {}).get(token) if not token.isdigit() else node.get("items")
        schema = deref(doc, step)
    return isinstance(schema, dict) and "enum" not in schema and "const" not in schema


def contract_openapi(
    doc: dict[str, Any], ops: list[Operation], base_path: str, code_pointer: str, media: str
) -> dict[str, Any]:
    """The contract's copy of the document: OpenAPI 3.1, its server the base path, each
    operation named as its endpoint, each error response with an open code at the code pointer."""
    out = copy.deepcopy(doc)
    out["openapi"] = "3.1.0"
    out["servers"] = [{"url": base_path or "/"}]
    _to_31(out)
    for op in ops:
        operation = out["paths"][op.path][op.method.lower()]
        operation["operationId"] = op.name
        for status, response in operation.get("responses", {}).items():
            if (
                str(status).isdigit()
                and int(status) >= 400
                and not _has_code_property(out, response, code_pointer)
            ):
                description = (deref(out, response) or {}).get("description") or _phrase(int(status))
                content = {media: {"schema": _code_schema(code_pointer)}}
                operation["responses"][status] = {"description": description, "content": content}
    return out


def scaffold_from_openapi(doc: dict[str, Any], code_pointer: str, media: str) -> Scaffold:
    ops = _operations(doc)
    fixtures: set[str] = set()
    endpoints = {op.name: endpoint_of(doc, op, fixtures) for op in ops}
    auth = auth_block(doc)
    found = Scaffold(base_path=base_path_of(doc), auth=auth, operations=ops)
    found.statuses = statuses_of(doc, ops) or {"200": {"description": "OK", "source": "openapi"}}
    found.endpoints = endpoints
    found.codes = codes_of(doc, ops)
    found.discover = discover_of(ops, fixtures)
    found.fixtures = {
        name: {"description": f"a valid {name} (read from the target's list when not given)"}
        for name in sorted(fixtures)
    }
    used = {c.get("defect_class") for c in found.codes.values()}
    where = "query" if "query" in auth else "header"
    classes = {
        "auth": {"locations": [where]},
        "body": {"locations": ["body", "query"]},
        "resource": {"locations": ["path"]},
        "method": {"locations": ["path"]},
    }
    found.defect_classes = {k: v for k, v in classes.items() if k in used}
    found.openapi = contract_openapi(doc, ops, found.base_path, code_pointer, media)
    return found
