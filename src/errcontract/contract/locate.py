"""Where the contracts and suites live: a source checkout, the current folder, or the wheel.

The shipped contracts (one folder per provider, and the meta-schemas every contract is checked
against) come with the package. A user's own contracts folder (`--contracts DIR`, or
`ERRCONTRACT_CONTRACTS`) needs only provider folders: its providers are added to the shipped
ones, and one named like a shipped provider replaces it (`replaced_providers` says which).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from errcontract.core.errors import UsageError

_PACKAGE = Path(__file__).resolve().parents[1]  # src/errcontract (this file is in contract/)
CONTRACTS_VARIABLE = "ERRCONTRACT_CONTRACTS"
CONTRACTS_FLAG = "--contracts"
CONTRACT_FILE = "contract.yaml"
META_SCHEMA = "contract.schema.json"


def _candidates(name: str) -> list[Path]:
    return [
        _PACKAGE.parents[1] / name,  # src layout: <checkout>/src/errcontract
        _PACKAGE / "_bundled" / name,  # wheel: force-included data
    ]


def _first_existing(name: str, marker: str) -> Path:
    """ERRCONTRACT_<NAME> if set (it must hold the marker file), else the project's own folder."""
    variable = f"ERRCONTRACT_{name.upper()}"
    chosen = os.environ.get(variable)
    if chosen:
        if not (Path(chosen) / marker).is_file():
            raise UsageError(f"{variable}={chosen} has no {marker}: point it at a {name} folder")
        return Path(chosen)
    return _shipped(name, marker)


def _shipped(name: str, marker: str) -> Path:
    for candidate in _candidates(name):
        if (candidate / marker).is_file():
            return candidate
    return _candidates(name)[-1]


def shipped_contracts() -> Path:
    """The contracts that ship with the package: its providers and the meta-schemas."""
    return _shipped("contracts", META_SCHEMA)


def provider_folders_in(root: Path) -> dict[str, Path]:
    """The provider folders directly under `root` (each holds a contract.yaml), by name."""
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return {}
    return {p.name: p for p in entries if (p / CONTRACT_FILE).is_file()}


def user_contracts() -> Path | None:
    """The user's own contracts folder (`--contracts DIR` / ERRCONTRACT_CONTRACTS), checked: one
    that does not exist or holds no provider folder is a usage error (one line, exit 2)."""
    chosen = os.environ.get(CONTRACTS_VARIABLE)
    if not chosen:
        return None
    folder = Path(chosen)
    where = f"contracts folder {chosen} ({CONTRACTS_FLAG} / {CONTRACTS_VARIABLE})"
    if not folder.is_dir():
        hint = f"give a folder holding provider folders (NAME/{CONTRACT_FILE})"
        raise UsageError(f"{where}: no such folder: {hint}")
    if not provider_folders_in(folder):
        raise UsageError(f"{where} holds no provider: each provider is a folder NAME/ with a {CONTRACT_FILE}")
    return folder


def provider_folders() -> dict[str, Path]:
    """Every provider folder in use, by name: the shipped ones, then the user's (a user's folder
    named like a shipped provider replaces it)."""
    found = provider_folders_in(shipped_contracts())
    user = user_contracts()
    if user is not None:
        found.update(provider_folders_in(user))
    return dict(sorted(found.items()))


def replaced_providers() -> dict[str, Path]:
    """The shipped providers a user's folder of the same name replaces, with that folder."""
    user = user_contracts()
    if user is None:
        return {}
    shipped = provider_folders_in(shipped_contracts())
    mine = provider_folders_in(user)
    return {n: p for n, p in mine.items() if n in shipped and p.resolve() != shipped[n].resolve()}


def contracts_root() -> Path:
    """The folder holding the provider folders: the user's own folder when given, else the
    shipped one (`provider_folders` is the whole set in use)."""
    return user_contracts() or shipped_contracts()


def suites_root() -> Path:
    """The folder holding the pytest suites (env ERRCONTRACT_SUITES overrides)."""
    return _first_existing("suites", "test_codes.py")


def contracts_option_from(argv: Sequence[str]) -> str | None:
    """`--contracts DIR` (or `--contracts=DIR`) anywhere on a command line: read before the
    parser is built, since the providers it holds are the parser's choices."""
    for index, word in enumerate(argv):
        if word == CONTRACTS_FLAG and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith(CONTRACTS_FLAG + "="):
            return word.split("=", 1)[1]
    return None


def add_contracts_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        CONTRACTS_FLAG,
        metavar="DIR",
        help="your own contracts folder: provider folders (NAME/contract.yaml), added to the shipped "
        f"ones; a folder named like a shipped provider replaces it (env {CONTRACTS_VARIABLE})",
    )
