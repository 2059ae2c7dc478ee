"""A provider's `mock.yaml`, read and checked against `contracts/mock.schema.json`.

The mock (a layer above) builds its behaviour from this document; the lint reports the same
problems. A key the schema does not know is a typo, never silently ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from errcontract.contract.locate import contracts_root
from errcontract.contract.model import read_json, read_yaml, schema_problems
from errcontract.core.errors import ContractError

MOCK_FILE = "mock.yaml"
MOCK_SCHEMA_FILE = "mock.schema.json"


def mock_schema(root: Path | None = None) -> dict[str, Any]:
    """The mock.yaml schema beside the contracts in `root`, else the shipped one."""
    candidate = (root or contracts_root()) / MOCK_SCHEMA_FILE
    schema: dict[str, Any] = read_json(
        candidate if candidate.is_file() else contracts_root() / MOCK_SCHEMA_FILE
    )
    return schema


def mock_problems(folder: Path, schema: dict[str, Any]) -> list[str]:
    """Every schema problem of the folder's mock.yaml as 'key/path: message' (none without one)."""
    path = folder / MOCK_FILE
    if not path.is_file():
        return []
    return schema_problems(read_yaml(path), schema)


def load_mock_document(folder: Path) -> dict[str, Any]:
    """The folder's mock.yaml, refused (ContractError naming the file and key) unless it fits the schema."""
    path = folder / MOCK_FILE
    document = read_yaml(path)
    problems = schema_problems(document, mock_schema(folder.parent))
    if problems:
        raise ContractError(f"{path}: {problems[0]}")
    if not isinstance(document, dict):
        raise ContractError(f"{path}: not a mapping")
    return document
