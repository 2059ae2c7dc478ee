"""The lint's one unit of output, a `Problem`, and the few ways every lint module makes one.

Kept apart so that the rule registry (`lint_rules`), the example judge (`lint_examples`) and the
OpenAPI checks (`lint_openapi`) share it without importing each other. A problem always reads
`FILE: key/path: message`; its `subject` ties it to one code, example or ambiguity so that the
documentation suite can make one test of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from errcontract.contract.model import Contract, key_path
from errcontract.core.errors import ContractError

__all__ = ["CONTRACT_FILE", "Finding", "Problem", "Subject", "in_contract", "problem_from_error"]

CONTRACT_FILE = "contract.yaml"

Subject = tuple[str, str]  # ("code", "INVALID_MODEL"), ("example", "refund"), ("ambiguity", id)
Finding = tuple[list[Any], str]  # key path below the subject, message


@dataclass(frozen=True)
class Problem:
    """One inconsistency: the file, the key path inside it, and what is wrong."""

    file: str
    key_path: str
    message: str
    subject: Subject | None = None

    def __str__(self) -> str:
        return f"{self.file}: {self.key_path or '(file)'}: {self.message}"


def in_contract(contract: Contract, path: list[Any], message: str, subject: Subject | None = None) -> Problem:
    """A problem at a key path of the provider's contract.yaml."""
    return Problem(str(contract.root / CONTRACT_FILE), key_path(path), message, subject)


def problem_from_error(file: Path, exc: ContractError) -> Problem:
    """A whole-file problem from a loader error, without repeating the file name in the message."""
    message = str(exc).removeprefix(str(file)).lstrip(": ")
    return Problem(str(file), "", message)
