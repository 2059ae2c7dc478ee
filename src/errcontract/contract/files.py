"""The files a contract is made of, read and checked: YAML and JSON read with errors that name the
file and line, the meta-schema, and its problems as YAML key paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from errcontract.contract.locate import shipped_contracts
from errcontract.core.errors import ContractError

__all__ = ["key_path", "meta_schema", "read_json", "read_yaml", "schema_problems"]

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 4x faster


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ContractError(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from None


def read_yaml(path: Path) -> Any:
    text = _read_text(path)
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ContractError(f"{path}: {yaml_problem(exc)}") from None


# Contexts that open where the mistake is (a `[`, `{` or quote never closed): the parser notices
# only lines later, at its problem mark. Other contexts (a block mapping) open far above it.
OPENED_AT_THE_MISTAKE = ("while parsing a flow", "while scanning a quoted", "while scanning a double")


def yaml_problem(exc: yaml.YAMLError) -> str:
    """`line 15 invalid YAML: …` at the line of the mistake: a bracket or quote left open is
    reported where it was opened, with where the parser noticed it."""
    problem = str(getattr(exc, "problem", None) or exc)
    mark, context = getattr(exc, "problem_mark", None), getattr(exc, "context", None) or ""
    opened = getattr(exc, "context_mark", None)
    if opened is not None and context.startswith(OPENED_AT_THE_MISTAKE):
        noticed = f" (noticed at line {mark.line + 1})" if mark is not None else ""
        return f"line {opened.line + 1} invalid YAML: {context}, {problem}{noticed}"
    return f"line {mark.line + 1} invalid YAML: {problem}" if mark is not None else f"invalid YAML: {problem}"


def read_json(path: Path) -> Any:
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None


def meta_schema() -> dict[str, Any]:
    """contract.schema.json as the package ships it (a user's contracts folder needs no copy)."""
    schema: dict[str, Any] = read_json(shipped_contracts() / "contract.schema.json")
    return schema


def key_path(parts: Any) -> str:
    return "/".join(str(p) for p in parts) or "(root)"


def schema_problems(data: Any, schema: dict[str, Any]) -> list[str]:
    """Every meta-schema problem as 'key/path: message', sorted by path."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{key_path(e.absolute_path)}: {e.message}" for e in errors]
