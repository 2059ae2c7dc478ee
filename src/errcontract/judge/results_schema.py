"""The JSON Schema of results.json, published beside the package (`results.schema.json`).

Readers (`errcontract report`, `errcontract diff`, the history) refuse a file it rejects; the
tests validate every results.json a run writes. `first_problem` says, in one line, what is wrong.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

RESULTS_SCHEMA = Path(__file__).with_name("results.schema.json")
SCHEMA_VERSION = 2  # what this version writes (judge/model.py: what changed, and the upgrade)
SUPPORTED_VERSIONS = (1, 2)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(RESULTS_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def results_schema() -> dict[str, Any]:
    schema = _validator().schema
    assert isinstance(schema, dict)
    return schema


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path)


def _describe(error: jsonschema.ValidationError) -> str:
    where = _where(error)
    if error.validator == "required":
        name = str(error.message).split(" is a required property")[0]
        return f"{where + ': ' if where else ''}{name} missing"
    if not where and error.validator == "type":
        return "top level is not an object"
    return f"{where or '(root)'}: {error.message}"


def first_problem(data: Any) -> str | None:
    """What makes `data` not a results object (the first error in schema order), or None."""
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and version not in SUPPORTED_VERSIONS:
        return f"schema_version {data['schema_version']} is not supported"
    error = next(iter(_validator().iter_errors(data)), None)
    return _describe(error) if error is not None else None
