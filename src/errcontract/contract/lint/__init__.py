"""`errcontract lint`: the contracts check themselves before any suite reads them.

For each provider folder: contract.yaml against the meta-schema (every problem, not just the
first), then the cross-table rules (`lint_rules`), every documented example against the envelope
profiles (`lint_examples`), and openapi.yaml against OpenAPI 3.1, Schemathesis and the code table
(`lint_openapi`). Every problem reads `FILE: key/path: message` (`lint_problem`). The same results
are a Python API (`lint_path`) for the documentation suite and the reports; this module is that
API, the meta-schema pass, and the `errcontract lint` command.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import jsonschema

from errcontract.contract.lint.examples import ExampleResult, example_problems, judge_example
from errcontract.contract.lint.gate import contract_problems
from errcontract.contract.lint.openapi import openapi_problems
from errcontract.contract.lint.problem import Finding, Problem, Subject, problem_from_error
from errcontract.contract.locate import add_contracts_option, provider_folders, provider_folders_in
from errcontract.contract.mock_document import MOCK_FILE, mock_problems, mock_schema
from errcontract.contract.model import (
    Contract,
    family_filled,
    key_path,
    meta_schema,
    read_json,
    read_yaml,
)
from errcontract.core.errors import ContractError, UsageError
from errcontract.core.stdout import emit

__all__ = ["ExampleResult", "Problem", "ProviderLint", "lint_path", "lint_provider", "register"]


@dataclass
class ProviderLint:
    """Everything the lint found for one provider folder."""

    name: str
    folder: Path
    contract: Contract | None = None
    codes: tuple[str, ...] = ()
    ambiguities: tuple[str, ...] = ()
    example_names: tuple[str, ...] = ()
    examples: tuple[ExampleResult, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problems_for(self, kind: str, name: str) -> list[Problem]:
        """The problems about one code, example or ambiguity (kind: code|example|ambiguity)."""
        return [p for p in self.problems if p.subject == (kind, name)]

    def general_problems(self) -> list[Problem]:
        """The problems about no single code, example or ambiguity (files, tables, OpenAPI)."""
        return [p for p in self.problems if p.subject is None]

    def example(self, name: str) -> ExampleResult | None:
        """The judged example, or None when the contract could not be loaded to judge it."""
        return next((e for e in self.examples if e.name == name), None)

    def ambiguity(self, ambiguity_id: str) -> dict[str, Any]:
        contract = self.contract
        found = next((a for a in contract.ambiguities if a.id == ambiguity_id), None) if contract else None
        return found.as_json() if found else {}

    def to_json(self) -> LintJson:
        return LintJson(
            codes=list(self.codes),
            problems=[str(p) for p in self.problems],
            examples=[_example_json(e) for e in self.examples],
        )


class ExampleJson(TypedDict):
    """A judged example as `errcontract lint --json` gives it: the profiles it validates."""

    name: str
    status: int
    code: str | None
    ambiguity: str | None
    validates: list[str]


class LintJson(TypedDict):
    """One provider's lint as `errcontract lint --json` gives it."""

    codes: list[str]
    problems: list[str]
    examples: list[ExampleJson]


def _example_json(example: ExampleResult) -> ExampleJson:
    return ExampleJson(
        name=example.name,
        status=example.status,
        code=example.code,
        ambiguity=example.ambiguity,
        validates=list(example.validates),
    )


def lint_path(path: Path | str | None = None) -> dict[str, ProviderLint]:
    """Lint a contracts root (a folder of provider folders) or one provider folder."""
    if path is None:  # every provider in use: the shipped ones and the user's own folder's
        folders = list(provider_folders().values())
    else:
        root = Path(path)
        if not root.is_dir():
            raise UsageError(f"{root}: no such folder (give a contracts root or a provider folder)")
        is_provider = (root / "contract.yaml").is_file()
        folders = [root] if is_provider else list(provider_folders_in(root).values())
        if not folders:
            raise UsageError(f"{root}: no contract.yaml in it or in its sub-folders")
    meta = meta_schema()
    return {folder.name: lint_provider(folder, meta) for folder in folders}


def lint_provider(folder: Path, meta: dict[str, Any]) -> ProviderLint:
    """Lint one provider folder against the given meta-schema; problems are collected, never raised."""
    result = ProviderLint(folder.name, folder)
    contract = _load(folder, meta, result)
    if contract is None:
        return result
    result.contract = contract
    result.problems.extend(contract_problems(contract))
    result.examples = tuple(judge_example(contract, example) for example in contract.examples)
    for index, example in enumerate(result.examples):
        result.problems.extend(example_problems(contract, index, example))
    result.problems.extend(_mock_problems(folder, contract))
    try:
        result.problems.extend(openapi_problems(contract, result.examples))
    except Exception as exc:  # a lint bug is reported beside the other findings, never raised
        crash = f"the OpenAPI check crashed: {exc!r}"
        result.problems.append(Problem(str(folder / "openapi.yaml"), "", crash))
    return result


def _mock_problems(folder: Path, contract: Contract) -> list[Problem]:
    """mock.yaml against contracts/mock.schema.json and the tables it names (plans, accounts, the
    contract's endpoints and codes): a misspelled key or name is a problem like any other."""
    file = folder / MOCK_FILE
    try:
        found = mock_problems(folder, mock_schema(), contract)
    except ContractError as exc:
        return [problem_from_error(file, exc)]
    return [Problem(str(file), where, message) for where, _, message in (p.partition(": ") for p in found)]


def _load(folder: Path, meta: dict[str, Any], result: ProviderLint) -> Contract | None:
    """The contract, or None when it cannot be built (problems say why)."""
    file = folder / "contract.yaml"
    try:
        data, family_schema = family_filled(file, read_yaml(file))
    except ContractError as exc:
        result.problems.append(problem_from_error(file, exc))
        return None
    _read_names(data, result)
    result.problems.extend(_meta_problems(file, data, meta))
    if result.problems:
        return None
    schema_file = folder / data["envelope"]["schema"]
    try:
        schema = family_schema or read_json(schema_file)
        return Contract(root=folder, document=data, error_schema=schema)
    except ContractError as exc:
        result.problems.append(problem_from_error(schema_file, exc))
        return None


def _read_names(data: Any, result: ProviderLint) -> None:
    """Codes, example names and ambiguity ids straight from the data, so that a contract the
    meta-schema rejects still lists them (the suite makes one test of each)."""
    if not isinstance(data, dict):
        return
    codes = data.get("codes")
    result.codes = tuple(codes) if isinstance(codes, dict) else ()
    result.example_names = _labels(data.get("examples"), "name")
    result.ambiguities = _labels(data.get("ambiguities"), "id")


def _labels(items: Any, key: str) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(str(item[key]) for item in items if isinstance(item, dict) and key in item)


def _meta_problems(file: Path, data: Any, meta: dict[str, Any]) -> list[Problem]:
    """Every meta-schema problem; an unknown key (a typo) is named in the key path itself."""
    validator = jsonschema.Draft202012Validator(meta, format_checker=jsonschema.FormatChecker())
    problems = []
    for error in validator.iter_errors(data):
        path = list(error.absolute_path)
        for key, message in _meta_findings(error):
            problems.append(Problem(str(file), key_path(path + key), message, _subject(data, path)))
    return sorted(problems, key=lambda p: p.key_path)


def _meta_findings(error: jsonschema.ValidationError) -> list[Finding]:
    known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    if error.validator != "additionalProperties" or not known or not isinstance(error.instance, dict):
        return [([], error.message)]
    expected = ", ".join(known)
    unknown = [key for key in error.instance if key not in known]
    return [([key], f"unknown key {key!r} (expected one of: {expected})") for key in unknown]


def _subject(data: Any, path: list[Any]) -> Subject | None:
    if len(path) < 2 or not isinstance(data, dict):
        return None
    table, key = path[0], path[1]
    if table == "codes":
        return ("code", str(key))
    labels = {"examples": ("example", "name"), "ambiguities": ("ambiguity", "id")}
    items = data.get(table)
    if table in labels and isinstance(key, int) and isinstance(items, list) and isinstance(items[key], dict):
        kind, label = labels[table]
        return (kind, str(items[key].get(label, key)))
    return None


# --- command line --------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("lint", help="check the contract files against themselves and each other")
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="a contracts root or one provider folder "
        "(default: every provider in use: the shipped ones and --contracts DIR's)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="(default: text)")
    add_contracts_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print every problem (text) or the whole result (json); exit 1 when there is any problem."""
    results = lint_path(args.path)
    if args.format == "json":
        lines = [json.dumps({"providers": {n: r.to_json() for n, r in results.items()}}, indent=2)]
    else:
        lines = _text_lines(results)
    emit("".join(f"{line}\n" for line in lines), "the lint's results")  # a closed pipe: one line, exit 2
    return 1 if any(r.problems for r in results.values()) else 0


def _text_lines(results: dict[str, ProviderLint]) -> list[str]:
    """Every problem, then each provider's one-line count."""
    lines: list[str] = []
    for name, result in results.items():
        lines.extend(str(problem) for problem in result.problems)
        counts = f"{len(result.codes)} codes, {len(result.examples)} examples"
        lines.append(f"{name}: {counts}, {len(result.problems)} problem(s)")
    return lines
