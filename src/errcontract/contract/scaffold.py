"""`errcontract new NAME --family F [--openapi FILE]`: a provider folder that lints clean.

The family gives the envelope (families/<name>/); the OpenAPI document, when given, gives the
endpoints, the key's scheme and the documented error responses (scaffold_openapi.py). Without it
the folder holds one example endpoint to replace. Everything is written beside the target folder
and renamed into place at the end: a refusal (a family that does not exist, a folder already
there, an unreadable document) is one line, exit 2, and nothing written.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from errcontract.contract.families import family_names, find_family
from errcontract.contract.files import read_yaml
from errcontract.contract.scaffold_openapi import Scaffold, scaffold_from_openapi
from errcontract.core.errors import ContractError, UsageError
from errcontract.core.stdout import emit

__all__ = ["register", "scaffold_files"]

CUSTOM = "custom"
PROVIDER_NAME = "^[a-z][a-z0-9_-]*$"
HEADER = """\
# {title}: scaffolded by `errcontract new` ({origin}). Before you trust a verdict, read it
# against the provider's own docs (docs/writing-a-contract.md walks through it):
# - every `source` must cite and quote the docs; a fact only an example shows is exemplified;
# - each case is recognised by its status alone (`match: {{}}`): where the docs name code strings,
#   give each its own case (or a `match` on the member that tells them apart);
# - recipes carry one defect each; observe-only cases say why in `observe_reason`.
"""
CUSTOM_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "the provider's error envelope (replace with what its docs state)",
    "$ref": "#/$defs/stated",
    "$defs": {
        "stated": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": ["string", "null"]}, "message": {"type": "string"}},
                }
            },
        },
        "codes": {},
    },
}
CUSTOM_ENVELOPE: dict[str, Any] = {
    "code_pointer": "/error/code",
    "message_pointer": "/error/message",
    "schema": "error.schema.json",
    "profiles": {"stated": "#/$defs/stated"},
    "source": "docs: TODO quote where the docs give the error envelope",
}
EXAMPLE_OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "TODO", "version": "1"},
    "servers": [{"url": "/v1"}],
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/things": {
            "get": {
                "operationId": "list_things",
                "responses": {"200": {"description": "OK"}, "401": {"description": "Missing or unknown key"}},
            }
        }
    },
}


def _envelope(family: str) -> tuple[dict[str, Any] | None, str, str]:
    """(the custom envelope or None for a family's, the code pointer, the error media type)."""
    if family == CUSTOM:
        return CUSTOM_ENVELOPE, str(CUSTOM_ENVELOPE["code_pointer"]), "application/json"
    found = find_family(family).document
    media = found.get("protocol", {}).get("error_media_type", {}).get("types", [found.get("content_type")])
    return None, str(found["envelope"]["code_pointer"]), str(media[0] or "application/json")


def scaffold_files(name: str, family: str, openapi: dict[str, Any] | None) -> dict[str, str]:
    """The new folder's files by name: contract.yaml, openapi.yaml (and the custom envelope's
    error.schema.json)."""
    envelope, code_pointer, media = _envelope(family)
    parts = scaffold_from_openapi(openapi or EXAMPLE_OPENAPI, code_pointer, media)
    document = _contract(name, family, envelope, parts, openapi is not None)
    origin = "from an OpenAPI document" if openapi is not None else "an example endpoint to replace"
    files = {
        "contract.yaml": HEADER.format(title=name, origin=origin) + _yaml(document),
        "openapi.yaml": _yaml(parts.openapi),
    }
    if envelope is not None:
        files["error.schema.json"] = json.dumps(CUSTOM_SCHEMA, indent=2) + "\n"
    return files


def _contract(
    name: str, family: str, envelope: dict[str, Any] | None, parts: Scaffold, from_doc: bool
) -> dict[str, Any]:
    title = str((parts.openapi.get("info") or {}).get("title") or name)
    source = "the provider's OpenAPI document" if from_doc else "TODO: the provider's docs"
    document: dict[str, Any] = {"provider": name, "title": title, "contract_version": "0.1.0"}
    if envelope is None:
        document["family"] = find_family(family).name
    document["sources"] = {"openapi": {"title": source}}
    document["base_path"] = parts.base_path
    document["auth"] = parts.auth
    if envelope is not None:
        document["envelope"] = envelope
    document["statuses"] = parts.statuses
    document["fixtures"] = {"api_key": {"description": "a valid API key", "secret": True}, **parts.fixtures}
    if parts.discover:
        document["discover"] = parts.discover
    document.update(endpoints=parts.endpoints, codes=parts.codes, defect_classes=parts.defect_classes)
    document.update(headers={}, examples=[], ambiguities=[])
    return document


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


# -- command line ---------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    choices = ", ".join([*family_names(), CUSTOM])
    parser = subparsers.add_parser(
        "new", help="scaffold a provider folder (contract.yaml, openapi.yaml) that lints clean"
    )
    parser.add_argument("name", metavar="NAME", help="the provider's folder name (lower case: acme, acme-eu)")
    parser.add_argument(
        "--family", required=True, help=f"the envelope family: {choices} (or an alias: problem-json)"
    )
    parser.add_argument(
        "--openapi",
        type=Path,
        metavar="FILE",
        help="read endpoints, the key's scheme and documented errors from this OpenAPI document",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        metavar="DIR",
        help="where the folder goes (default: $ERRCONTRACT_CONTRACTS, else ./contracts)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    name, family = str(args.name), str(args.family)
    if not _valid_name(name):
        raise UsageError(
            f"provider name {name!r}: use lower-case letters, digits, '-' and '_', starting with a letter"
        )
    if family != CUSTOM:
        try:
            find_family(family)
        except ContractError as exc:
            raise UsageError(f"{exc} or {CUSTOM}") from None
    parent = args.dir or Path(os.environ.get("ERRCONTRACT_CONTRACTS") or "contracts")
    target = parent / name
    if target.exists():
        raise UsageError(f"{target} already exists: choose another NAME or --dir")
    openapi = _read_openapi(args.openapi) if args.openapi else None
    files = scaffold_files(name, family, openapi)
    _write_all(target, files)
    emit(
        f"errcontract: wrote {target}/ ({', '.join(files)}): check it with 'errcontract lint {target}'\n",
        "the result",
    )
    return 0


def _valid_name(name: str) -> bool:
    return re.fullmatch(PROVIDER_NAME, name) is not None


def _read_openapi(path: Path) -> dict[str, Any]:
    try:
        document = read_yaml(path)  # JSON is YAML
    except ContractError as exc:
        raise UsageError(str(exc)) from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise UsageError(f"{path}: not an OpenAPI document (no 'paths' object)")
    if not str(document.get("openapi", "")).startswith("3."):
        found = f"swagger {document['swagger']}" if "swagger" in document else "no 'openapi: 3.x'"
        raise UsageError(f"{path}: an OpenAPI 3.0 or 3.1 document is needed ({found}): convert it first")
    return document


def _write_all(target: Path, files: dict[str, str]) -> None:
    """Every file written in a folder beside the target, then renamed into place (all or none)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as exc:
        raise UsageError(f"{target.parent}: cannot write there: {exc.strerror}") from None
    try:
        for file_name, text in files.items():
            (staging / file_name).write_text(text, encoding="utf-8")
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UsageError(f"{target}: cannot write it: {exc.strerror}") from None
