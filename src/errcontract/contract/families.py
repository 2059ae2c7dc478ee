"""Envelope families: what a standard (or a widely copied provider shape) promises every API that
uses it, shipped as data beside this module (`families/<name>/family.yaml` + `error.schema.json`).

A contract names one (`family: problem-details`) and keeps its own value for anything it says
itself. The family gives what the contract leaves out:

- `envelope` (and with it the error schema: the family's `error.schema.json`, with the `$defs` of
  the contract's own `error.schema.json`, if it has one, laid over it: its per-code schemas);
- `content_type`, `protocol` (rules such as "the body's status member equals the HTTP status"),
  `headers.every_response` (merged name by name);
- `sources` and `ambiguities` (the family's first; the contract's win on a clash of key or id).

The families ship inside the package, not under a contracts folder: a user's own contracts folder
(`--contracts DIR`) holds only provider folders, and every such folder can still name a family.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from errcontract.contract.files import read_json, read_yaml, schema_problems
from errcontract.core.errors import ContractError

__all__ = ["FAMILIES_ROOT", "Family", "family_names", "find_family", "with_family"]

FAMILIES_ROOT = Path(__file__).with_name("families")
FAMILY_FILE = "family.yaml"
SCHEMA_FILE = "error.schema.json"


@dataclass(frozen=True)
class Family:
    name: str
    folder: Path
    document: dict[str, Any]
    schema: dict[str, Any]

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(self.document.get("aliases", ()))

    @property
    def title(self) -> str:
        return str(self.document["title"])


def family_names() -> list[str]:
    """The shipped families' names (each folder under families/ with a family.yaml)."""
    return sorted(p.name for p in FAMILIES_ROOT.iterdir() if (p / FAMILY_FILE).is_file())


@cache
def _load(name: str) -> Family:
    folder = FAMILIES_ROOT / name
    document = read_yaml(folder / FAMILY_FILE)
    problems = schema_problems(document, read_json(FAMILIES_ROOT / "family.schema.json"))
    if problems or document.get("name") != name:
        raise ContractError(f"{folder / FAMILY_FILE}: {problems[0] if problems else 'name must be ' + name}")
    return Family(name, folder, document, read_json(folder / SCHEMA_FILE))


def find_family(name: str) -> Family:
    """The family called `name` (or one of its aliases); ContractError names the known ones."""
    for known in family_names():
        family = _load(known)
        if name == known or name in family.aliases:
            return family
    raise ContractError(f"unknown family {name!r}: choose one of {', '.join(family_names())}")


def with_family(folder: Path, data: Any) -> tuple[Any, dict[str, Any] | None]:
    """The contract document with its family's parts filled in, and the error schema the family
    gives (None: the contract states its own envelope, so its own error.schema.json is read)."""
    if not isinstance(data, dict) or not isinstance(data.get("family"), str):
        return data, None
    family = find_family(data["family"])
    given = family.document
    merged = dict(data)
    merged["sources"] = {**given.get("sources", {}), **(data.get("sources") or {})}
    for key in ("content_type", "envelope"):
        if key not in data and key in given:
            merged[key] = copy.deepcopy(given[key])
    if "protocol" in given or "protocol" in data:
        merged["protocol"] = {**given.get("protocol", {}), **(data.get("protocol") or {})}
    merged["headers"] = _headers(given.get("headers", {}), data.get("headers"))
    merged["ambiguities"] = _ambiguities(given.get("ambiguities", []), data.get("ambiguities"))
    schema = _schema(family, folder) if "envelope" not in data else None
    return merged, schema


def _headers(given: dict[str, Any], own: Any) -> Any:
    if not isinstance(own, dict):
        own = {} if own is None else own
        if not isinstance(own, dict):
            return own  # the meta-schema names what is wrong with it
    every = {**given.get("every_response", {}), **own.get("every_response", {})}
    return {**own, **({"every_response": every} if every else {})}


def _ambiguities(given: list[Any], own: Any) -> Any:
    if not isinstance(own, list):
        return own if own is not None else list(given)
    ids = {a.get("id") for a in own if isinstance(a, dict)}
    return [a for a in given if a.get("id") not in ids] + own


def _schema(family: Family, folder: Path) -> dict[str, Any]:
    """The family's error schema, with the `$defs` of the contract's own file laid over it (its
    per-code schemas under `$defs/codes` merged code by code)."""
    schema = copy.deepcopy(family.schema)
    own_file = folder / SCHEMA_FILE
    if not own_file.is_file():
        return schema
    own = read_json(own_file)
    defs = schema.setdefault("$defs", {})
    for key, value in (own.get("$defs") or {}).items() if isinstance(own, dict) else ():
        if key == "codes" and isinstance(value, dict):
            defs["codes"] = {**defs.get("codes", {}), **value}
        else:
            defs[key] = value
    return schema
