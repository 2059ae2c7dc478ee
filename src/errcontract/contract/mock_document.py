"""A provider's `mock.yaml`, read and checked against `contracts/mock.schema.json`.

The mock (a layer above) builds its behaviour from this document; the lint reports the same
problems. A key the schema does not know is a typo, never silently ignored; so is a name the mock
looks up in another table (an account's plan, a key's account, a seeded resource's owner, an
endpoint, a condition's code) that the table does not hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from errcontract.contract.locate import shipped_contracts
from errcontract.contract.model import Contract, key_path, read_json, read_yaml, schema_problems
from errcontract.core.errors import ContractError

MOCK_FILE = "mock.yaml"
MOCK_SCHEMA_FILE = "mock.schema.json"


def mock_schema() -> dict[str, Any]:
    """mock.schema.json as the package ships it (a user's contracts folder needs no copy)."""
    schema: dict[str, Any] = read_json(shipped_contracts() / MOCK_SCHEMA_FILE)
    return schema


def mock_problems(folder: Path, schema: dict[str, Any], contract: Contract) -> list[str]:
    """Every problem of the folder's mock.yaml as 'key/path: message' (none without one): its
    schema problems, else every name it looks up that is not there."""
    path = folder / MOCK_FILE
    if not path.is_file():
        return []
    return _problems(read_yaml(path), schema, contract)


def load_mock_document(folder: Path, contract: Contract) -> dict[str, Any]:
    """The folder's mock.yaml, refused (ContractError: the file, key path and message the lint
    prints for its first problem) unless it fits the schema and every name it looks up is there."""
    path = folder / MOCK_FILE
    document = read_yaml(path)
    problems = _problems(document, mock_schema(), contract)
    if problems:
        raise ContractError(f"{path}: {problems[0]}")
    found: dict[str, Any] = document
    return found


def _problems(document: Any, schema: dict[str, Any], contract: Contract) -> list[str]:
    return schema_problems(document, schema) or reference_problems(document, contract)


# Sections whose keys name something of the contract's: (section, its table, what a key names).
KEYED_BY_NAME: tuple[tuple[str, Callable[[Contract], Mapping[str, Any]], str], ...] = (
    ("endpoints", lambda c: c.endpoints, "contract endpoint"),
    ("scopes", lambda c: c.endpoints, "contract endpoint"),
    ("messages", lambda c: c.codes, "documented code"),
    ("extras", lambda c: c.codes, "documented code"),
)


def reference_problems(document: dict[str, Any], contract: Contract) -> list[str]:
    """Every name a schema-valid mock.yaml looks up in a table that does not hold it, as
    'key/path: message': an account's plan, a key's account, a seeded resource's owner, an
    endpoint, scope or message/extras entry keyed by an endpoint or code (the contract's), a
    condition's code (a documented one)."""
    plans, accounts = document["plans"], document["accounts"]
    lookups: list[tuple[list[Any], Any, Mapping[str, Any], str]] = []
    for name, raw in accounts.items():
        lookups.append((["accounts", name, "plan"], raw["plan"], plans, "plan"))
    for name, raw in document["key_fixtures"].items():
        lookups.append((["key_fixtures", name, "account"], raw["account"], accounts, "account"))
        if "refused_with" in raw:
            where = ["key_fixtures", name, "refused_with"]
            lookups.append((where, raw["refused_with"], contract.codes, "documented code"))
    for name, raw in (document["resources"].get("seed") or {}).items():
        lookups.append((["resources", "seed", name, "owner"], raw["owner"], accounts, "account"))
    for section, table, kind in KEYED_BY_NAME:
        for name in document.get(section) or {}:
            lookups.append(([section, name], name, table(contract), kind))
    for condition, mapped in document["conditions"].items():
        for field, code in mapped.items() if isinstance(mapped, dict) else [(None, mapped)]:
            where = ["conditions", condition, *([] if field is None else [field])]
            if code is not None:
                lookups.append((where, code, contract.codes, "documented code"))
    return [
        f"{key_path(where)}: no {kind} {name!r} (known: {', '.join(map(str, table)) or 'none'})"
        for where, name, table, kind in lookups
        if name not in table
    ]
