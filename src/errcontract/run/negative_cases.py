"""What a Schemathesis negative case means to the docs: a defect per component, mapped to the
contract's defect classes by their `locations`, certain only where the docs promise a refusal.

Works on the case as Schemathesis hands it (`case.meta`, `case.operation`, `case.body`) without
importing Schemathesis: `schemathesis_adapter` is the one module that does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from errcontract.contract.model import Contract, Endpoint
from errcontract.core.exchange import Defect
from errcontract.requests.recipes import defect_class_for

__all__ = ["JSON_TYPES", "as_sent", "case_defects"]

# A negative case is judged by the docs, not by our OpenAPI: only a JSON body that breaks what the
# docs promise to refuse (not an object, a required field missing or of another type, a lookup
# value that is not a string) is a certain defect. Query, header and path values the schema
# forbids, stray headers and other media types may still be served, so they are soft.
JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "object": dict,
    "array": list,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}


def case_defects(contract: Contract, endpoint: Endpoint, case: Any) -> tuple[Defect, ...]:
    """A defect per component: negative ones as Schemathesis labels them, generated positive
    ones as soft defects (a schema-valid id or model name is still one no account has)."""
    meta = case.meta
    if meta is None:
        return ()
    data = meta.phase.data
    description = getattr(data, "description", None) or meta.phase.name.value
    defects = []
    for location in meta.components:
        where = _location(str(location.value), description, getattr(data, "parameter", None))
        cls, codes = defect_class_for(contract, endpoint, where)
        if meta.is_negative_at(location):
            certain = where == "body" and _declared_media_type(case) and _docs_refuse(endpoint, case.body)
            defects.append(Defect(f"schemathesis {where}: {description}", cls, codes, certain))
        else:
            defects.append(Defect(f"schemathesis {where}: generated values", cls, codes, False))
    return (*defects, *_generated_lookups(contract, endpoint, case.body))


def _generated_lookups(contract: Contract, endpoint: Endpoint, body: Any) -> tuple[Defect, ...]:
    """A lookup value in a generated JSON body (a model name) is one no account has, whatever the
    case mutated elsewhere: a soft defect of the class listing `lookup` (OpenAI's body model
    answered 404 model_not_found beside a negative `role` is justified, never required)."""
    if endpoint.body != "json" or not isinstance(body, dict):
        return ()
    cls, codes = defect_class_for(contract, endpoint, "lookup")
    if cls is None:
        return ()
    return tuple(
        Defect(f"schemathesis lookup: generated {name}", cls, codes, False)
        for name in endpoint.lookup_fields
        if name in body
    )


def _location(component: str, description: str, parameter: str | None) -> str:
    """The contract location of a component; a Content-Type header is about the body."""
    if component == "header" and "content-type" in f"{description} {parameter}".lower():
        return "body"
    return component


def _docs_refuse(endpoint: Endpoint, body: Any) -> bool:
    """Does the JSON body break a rule the docs promise to refuse? (Multipart bodies never: on
    the wire every form part is text or a file; our upload strategies cover the upload codes.)"""
    if endpoint.body != "json":
        return False
    if not isinstance(body, dict):
        return True
    for name in endpoint.required_fields:
        if name not in body or _wrong_type(body[name], endpoint.fields.get(name)):
            return True
    return any(_wrong_type(body[n], "string") for n in endpoint.lookup_fields if n in body)


def _wrong_type(value: Any, type_name: str | None) -> bool:
    wanted = JSON_TYPES.get(type_name or "")
    if wanted is None:
        return False  # the docs give no type
    return not isinstance(value, wanted) or (isinstance(value, bool) and wanted is not bool)


def _declared_media_type(case: Any) -> bool:
    body = case.operation.body
    return case.media_type is None or any(b.media_type == case.media_type for b in body)


def as_sent(defects: tuple[Defect, ...], case: Any, headers: dict[str, str]) -> tuple[Defect, ...]:
    """A Content-Type defect that encoding the body undid (multipart sets its own header) is
    no longer certain: what goes on the wire is a declared media type."""
    sent = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    declared = {b.media_type for b in case.operation.body}
    if sent.split(";")[0].strip() not in declared:
        return defects
    return tuple(replace(d, certain=False) if "content-type" in d.name.lower() else d for d in defects)
