"""Contracts as data: `contracts/<provider>/` loaded into small frozen objects.

Nothing downstream knows a provider by name; it asks the contract. A contract folder holds
`contract.yaml`, `error.schema.json` and `openapi.yaml`; `contracts/contract.schema.json` is the
meta-schema every `contract.yaml` is validated against before it is used.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from errcontract.contract.codes import OBSERVE_ONLY, Code, Endpoint, Recipe, code_from, endpoint_from
from errcontract.contract.families import with_family
from errcontract.contract.files import key_path, meta_schema, read_json, read_yaml, schema_problems
from errcontract.contract.locate import provider_folders, provider_folders_in, shipped_contracts
from errcontract.contract.parts import (
    MAIN_KEY,
    Ambiguity,
    Auth,
    Billing,
    DefectClass,
    Discover,
    DocumentedValues,
    Envelope,
    Example,
    Fixture,
    HeaderRules,
    Protocol,
    Refunds,
    RequestHeader,
    Status,
    ambiguities_from,
    auth_from,
    billing_from,
    defect_classes_from,
    discover_from,
    documented_values_from,
    envelope_from,
    examples_from,
    fixtures_from,
    headers_from,
    protocol_from,
    refunds_from,
    request_headers_from,
    statuses_from,
)
from errcontract.core import paths
from errcontract.core.errors import ContractError

__all__ = [
    "MAIN_KEY",
    "OBSERVE_ONLY",
    "PLACEHOLDER",
    "Code",
    "Contract",
    "Endpoint",
    "Recipe",
    "every_contract",
    "family_filled",
    "has_embedded_mock",
    "key_path",
    "load_contract",
    "load_folder",
    "load_provider",
    "loadable_contracts",
    "meta_schema",
    "no_mock_message",
    "provider_names",
    "read_json",
    "read_yaml",
    "schema_problems",
    "secret_fixture_names",
]

# A fixture placeholder in contract data: `{model}`, or `{api_key:unknown}` for a made-up key of
# the fixture's shape (recipes fill them in; the lint checks every one names a fixture).
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*(?::unknown)?)\}")


@dataclass(frozen=True)
class Contract:
    """One provider's documented error contract.

    `document` is the validated contract.yaml as read: only the lint reads it (to report YAML key
    paths); everything else reads the typed parts below.
    """

    root: Path
    document: dict[str, Any]
    error_schema: dict[str, Any]

    @property
    def provider(self) -> str:
        return str(self.document["provider"])

    @property
    def title(self) -> str:
        return str(self.document.get("title", self.provider))

    @property
    def version(self) -> str:
        return str(self.document.get("contract_version", "0"))

    @property
    def base_path(self) -> str:
        return str(self.document.get("base_path", "")).rstrip("/")

    @property
    def hosts(self) -> tuple[str, ...]:
        """The hosts the docs serve the API from (recorded traffic to them goes to this contract)."""
        return tuple(str(h).lower() for h in self.document.get("hosts", {}).get("names", ()))

    @property
    def content_type(self) -> str:
        return str(self.document.get("content_type", "application/json"))

    @cached_property
    def auth(self) -> Auth:
        return auth_from(self.document["auth"])

    @cached_property
    def request_headers(self) -> tuple[RequestHeader, ...]:
        """Headers every request carries (`anthropic-version`), in the docs' order."""
        return request_headers_from(self.document.get("request_headers", {}))

    @cached_property
    def envelope(self) -> Envelope:
        return envelope_from(self.document["envelope"])

    @cached_property
    def statuses(self) -> dict[int, Status]:
        return statuses_from(self.document["statuses"])

    @cached_property
    def codes(self) -> dict[str, Code]:
        return {name: code_from(name, raw) for name, raw in self.document["codes"].items()}

    @cached_property
    def endpoints(self) -> dict[str, Endpoint]:
        return {name: endpoint_from(name, raw) for name, raw in self.document["endpoints"].items()}

    @cached_property
    def recipes(self) -> dict[str, Recipe]:
        """Every code's recipe by its name (derived from the codes; a recipe lives on its code)."""
        return {c.recipe.name: c.recipe for c in self.codes.values() if c.recipe is not None}

    @cached_property
    def fixtures(self) -> dict[str, Fixture]:
        return fixtures_from(self.document.get("fixtures", {}))

    @property
    def main_key(self) -> str:
        """The fixture keyed requests are sent with unless a recipe names another (`use_key`)."""
        return MAIN_KEY

    @property
    def secret_fixtures(self) -> tuple[str, ...]:
        """The fixtures that are keys (`secret: true`): redacted everywhere, `{name:unknown}` drawn."""
        return tuple(n for n, f in self.fixtures.items() if f.secret)

    @cached_property
    def documented_values(self) -> dict[str, DocumentedValues]:
        """Values the docs give as valid, by field or path parameter name (with their source)."""
        return documented_values_from(self.document.get("documented_values", {}))

    @cached_property
    def defect_classes(self) -> dict[str, DefectClass]:
        return defect_classes_from(self.document.get("defect_classes", {}), self._class_members)

    @cached_property
    def _class_members(self) -> dict[str, tuple[str, ...]]:
        """Each class's codes, from the codes' `defect_class`: those whose own class it is, then
        those that also answer it (a generic code such as a 400 for any malformed input), each
        group in the code table's order."""
        own = [(c.defect_classes[0], c.name) for c in self.codes.values() if c.defect_classes]
        also = [(k, c.name) for c in self.codes.values() for k in c.defect_classes[1:]]
        members: dict[str, tuple[str, ...]] = {}
        for cls, name in own + also:
            members[cls] = (*members.get(cls, ()), name)
        return members

    @property
    def family(self) -> str | None:
        """The envelope family the contract names (its parts are already filled in), or None."""
        family = self.document.get("family")
        return str(family) if family else None

    @cached_property
    def protocol(self) -> Protocol:
        """The HTTP-level rules (the family's, with the contract's own over them)."""
        return protocol_from(self.document.get("protocol", {}))

    @cached_property
    def headers(self) -> HeaderRules:
        return headers_from(self.document.get("headers", {}))

    @cached_property
    def billing(self) -> Billing | None:
        return billing_from(self.document.get("billing"))

    @cached_property
    def discover(self) -> dict[str, Discover]:
        return discover_from(self.document.get("discover", {}))

    @cached_property
    def refunds(self) -> Refunds | None:
        return refunds_from(self.document.get("refunds"))

    @cached_property
    def examples(self) -> tuple[Example, ...]:
        return examples_from(self.document.get("examples", []))

    @cached_property
    def ambiguities(self) -> tuple[Ambiguity, ...]:
        return ambiguities_from(self.document.get("ambiguities", []))

    @cached_property
    def codes_by_status(self) -> dict[int, tuple[str, ...]]:
        table: dict[int, list[str]] = {s: [] for s in self.statuses}
        for code in self.codes.values():
            for status in code.statuses:
                table.setdefault(status, []).append(code.name)
        return {s: tuple(c) for s, c in table.items()}

    def codes_at(self, status: int) -> tuple[str, ...]:
        """The codes documented for a status: its table row's, or for a status the table does not
        list, the codes that also come with any other status of its class (`other_statuses`)."""
        if status in self.statuses:
            return self.codes_by_status.get(status, ())
        return tuple(c.name for c in self.codes.values() if c.covers_other(status))

    def code_allows(self, name: str, status: int | None) -> bool:
        """May code `name` come with `status`: one of its own, or an unlisted one of its class."""
        code = self.codes[name]
        if status is None:
            return False
        return status in code.statuses or (status not in self.statuses and code.covers_other(status))

    def error_statuses(self) -> tuple[int, ...]:
        return tuple(s for s in sorted(self.statuses) if s >= 400)

    @cached_property
    def _routes(self) -> tuple[tuple[re.Pattern[str], Endpoint], ...]:
        return tuple((paths.template_regex(e.path), e) for e in self.endpoints.values())

    def endpoint_for(self, method: str, path: str) -> Endpoint | None:
        """The documented endpoint a request path (without the base path) belongs to."""
        for regex, endpoint in self._routes:
            if endpoint.method == method.upper() and regex.fullmatch(path):
                return endpoint
        return None

    def profile_schema(self, profile: str) -> dict[str, Any]:
        pointer = self.envelope.profiles.get(profile, "#")
        return {**self.error_schema, "$ref": pointer}

    def code_schema(self, code: str) -> dict[str, Any] | None:
        ref = self.codes[code].schema_ref if code in self.codes else None
        return {**self.error_schema, "$ref": ref} if ref else None


def load_contract(folder: Path, meta: dict[str, Any] | None = None) -> Contract:
    """Load and validate one provider folder; ContractError names the file and key path. The
    meta-schema is the package's own unless one is given."""
    contract_file = folder / "contract.yaml"
    data, family_schema = family_filled(contract_file, read_yaml(contract_file))
    problems = schema_problems(data, meta if meta is not None else meta_schema())
    if problems:
        raise ContractError(f"{contract_file}: {problems[0]}")
    schema = family_schema or read_json(folder / data["envelope"].get("schema", "error.schema.json"))
    return Contract(root=folder, document=data, error_schema=schema)


def _folders(root: Path | None) -> dict[str, Path]:
    """The provider folders under `root`, or every one in use (shipped, and the user's own)."""
    return provider_folders_in(root) if root is not None else provider_folders()


def family_filled(contract_file: Path, data: Any) -> tuple[Any, dict[str, Any] | None]:
    """The document with the parts its `family` gives filled in (see families.py), and the
    family's error schema when the contract takes the family's envelope."""
    try:
        return with_family(contract_file.parent, data)
    except ContractError as exc:
        raise ContractError(f"{contract_file}: family: {exc}") from None


def provider_names(root: Path | None = None) -> list[str]:
    return sorted(_folders(root))


def has_embedded_mock(name: str, root: Path | None = None) -> bool:
    """Does the provider's folder describe a reference mock (mock.yaml)? A contract needs none."""
    folder = _folders(root).get(name)
    return folder is not None and (folder / "mock.yaml").is_file()


def no_mock_message(name: str) -> str:
    return f"no embedded mock for {name}: pass --provider {name} --target URL"


def load_provider(name: str, root: Path | None = None) -> Contract:
    """The provider's contract; loaded once per process for as long as its files are unchanged
    (a run asks for it many times: options, help, parametrization, suites)."""
    folders = _folders(root)
    if name not in folders:
        raise ContractError(f"unknown provider {name!r}: choose one of {', '.join(sorted(folders))}")
    return load_folder(folders[name])


def load_folder(folder: Path) -> Contract:
    """The contract in one provider folder, loaded once per process while its files are unchanged."""
    key = _files_key(folder)
    if key not in _LOADED:
        _LOADED[key] = load_contract(folder, meta_schema())
    return _LOADED[key]


_LOADED: dict[tuple[str, str], Contract] = {}


def _files_key(folder: Path) -> tuple[str, str]:
    """The folder and a digest of every file a load may read (a changed file is a new key)."""
    digest = hashlib.sha256(_read_bytes(shipped_contracts() / "contract.schema.json"))
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + b"\0" + _read_bytes(path))
    return str(folder.resolve()), digest.hexdigest()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes() if path.is_file() else b""
    except OSError:
        return b""  # unreadable: load_contract names the file


def every_contract(root: Path | None = None) -> list[Contract]:
    """Every provider's contract (under `root`, or every one in use); one that fails to load
    raises, naming its file."""
    return [load_folder(folder) for folder in _folders(root).values()]


def loadable_contracts(root: Path | None = None) -> tuple[list[Contract], dict[str, str]]:
    """Each provider loaded on its own: the contracts that load, and each broken one's error by
    name (a broken folder fails only what uses it: a run of that provider, or of all)."""
    found, broken = [], {}
    for name, folder in _folders(root).items():
        try:
            found.append(load_folder(folder))
        except (ContractError, OSError) as exc:
            broken[name] = str(exc)
    return found, broken


def secret_fixture_names(contracts: Iterable[Contract]) -> frozenset[str]:
    """The one rule for which fixtures are keys: those a contract marks `secret: true`, in any of
    `contracts` (a run passes every contract: a key given for one provider stays a secret in
    another provider's run)."""
    return frozenset(n for c in contracts for n in c.secret_fixtures)
