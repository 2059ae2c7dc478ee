"""Contracts as data: `contracts/<provider>/` loaded into small frozen objects.

Nothing downstream knows a provider by name; it asks the contract. A contract folder holds
`contract.yaml`, `error.schema.json` and `openapi.yaml`; `contracts/contract.schema.json` is the
meta-schema every `contract.yaml` is validated against before it is used.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from errcontract.contract.locate import contracts_root
from errcontract.core.errors import ContractError
from errcontract.core.verdicts import Strength

OBSERVE_ONLY = "observe-only"
# A fixture placeholder in contract data: `{model}`, or `{api_key:unknown}` for a made-up key of
# the fixture's shape (recipes fill them in; the lint checks every one names a fixture).
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*(?::unknown)?)\}")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 4x faster


@dataclass(frozen=True)
class Code:
    name: str
    statuses: tuple[int, ...]
    message: str
    solution: str
    endpoints: tuple[str, ...]
    provoke: str
    defect_class: str | None
    message_pattern: str | None
    schema_ref: str | None
    source: str
    observe_reason: str | None = None
    fault: bool = False
    strengths: dict[str, str] = field(default_factory=dict)
    match: dict[str, Any] | None = None  # how the case is recognised (see cases.py); None: by name

    @property
    def observe_only(self) -> bool:
        return self.provoke == OBSERVE_ONLY

    def strength(self, fact: str) -> Strength:
        """How strongly the docs give one of this code's facts (`message_pattern`, `schema`)."""
        return Strength(self.strengths.get(fact, Strength.STATED))


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    auth: bool
    billable: bool
    body: str
    success_status: int
    request: dict[str, Any]
    required_fields: tuple[str, ...] = ()
    lookup_fields: tuple[str, ...] = ()  # valid values are the provider's list (model names)
    fields: dict[str, str] = field(default_factory=dict)
    query: dict[str, list[Any]] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{([A-Za-z_]+)\}", self.path))


@dataclass(frozen=True)
class Recipe:
    name: str
    endpoint: str
    defect: dict[str, Any]
    may_bill: bool = False
    fallback_endpoints: tuple[str, ...] = ()
    also_allowed: tuple[str, ...] = ()  # other codes the docs allow for this defect

    @property
    def all_endpoints(self) -> tuple[str, ...]:
        return (self.endpoint, *self.fallback_endpoints)


@dataclass(frozen=True)
class Contract:
    """One provider's documented error contract."""

    root: Path
    data: dict[str, Any]
    error_schema: dict[str, Any]

    @property
    def provider(self) -> str:
        return self.data["provider"]

    @property
    def title(self) -> str:
        return self.data.get("title", self.provider)

    @property
    def version(self) -> str:
        return str(self.data.get("contract_version", "0"))

    @property
    def base_path(self) -> str:
        return self.data.get("base_path", "").rstrip("/")

    @property
    def auth(self) -> dict[str, Any]:
        return self.data["auth"]

    @property
    def envelope(self) -> dict[str, Any]:
        return self.data["envelope"]

    @cached_property
    def statuses(self) -> dict[int, dict[str, Any]]:
        return {int(k): v for k, v in self.data["statuses"].items()}

    @cached_property
    def codes(self) -> dict[str, Code]:
        return {name: _code(name, raw) for name, raw in self.data["codes"].items()}

    @cached_property
    def endpoints(self) -> dict[str, Endpoint]:
        return {name: _endpoint(name, raw) for name, raw in self.data["endpoints"].items()}

    @cached_property
    def recipes(self) -> dict[str, Recipe]:
        return {
            name: Recipe(
                name,
                raw["endpoint"],
                raw["defect"],
                bool(raw.get("may_bill", False)),
                tuple(raw.get("fallback_endpoints", ())),
                tuple(raw.get("also_allowed", ())),
            )
            for name, raw in self.data.get("recipes", {}).items()
        }

    @property
    def fixtures(self) -> dict[str, dict[str, Any]]:
        return self.data.get("fixtures", {})

    @property
    def secret_fixtures(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.fixtures.items() if f.get("secret"))

    @property
    def documented_values(self) -> dict[str, dict[str, Any]]:
        """Values the docs give as valid, by field or path parameter name (with their source)."""
        return self.data.get("documented_values", {})

    @property
    def defect_classes(self) -> dict[str, tuple[str, ...]]:
        raw = self.data.get("defect_classes", {})
        return {name: tuple(v["codes"]) for name, v in raw.items()}

    @property
    def headers(self) -> dict[str, Any]:
        return self.data.get("headers", {})

    @property
    def examples(self) -> list[dict[str, Any]]:
        return self.data.get("examples", [])

    @property
    def ambiguities(self) -> list[dict[str, Any]]:
        return self.data.get("ambiguities", [])

    @cached_property
    def codes_by_status(self) -> dict[int, tuple[str, ...]]:
        table: dict[int, list[str]] = {s: [] for s in self.statuses}
        for code in self.codes.values():
            for status in code.statuses:
                table.setdefault(status, []).append(code.name)
        return {s: tuple(c) for s, c in table.items()}

    def error_statuses(self) -> tuple[int, ...]:
        return tuple(s for s in sorted(self.statuses) if s >= 400)

    def endpoint_for(self, method: str, path: str) -> Endpoint | None:
        """The documented endpoint a request path (without the base path) belongs to."""
        for endpoint in self.endpoints.values():
            if endpoint.method == method.upper() and _path_regex(endpoint.path).fullmatch(path):
                return endpoint
        return None

    def profile_schema(self, profile: str) -> dict[str, Any]:
        pointer = self.envelope.get("profiles", {}).get(profile, "#")
        return {**self.error_schema, "$ref": pointer}

    def code_schema(self, code: str) -> dict[str, Any] | None:
        ref = self.codes[code].schema_ref if code in self.codes else None
        return {**self.error_schema, "$ref": ref} if ref else None


def _path_regex(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[A-Za-z_]+\\\}", "[^/]+", re.escape(template)))


def _code(name: str, raw: dict[str, Any]) -> Code:
    return Code(
        name=name,
        statuses=tuple(int(s) for s in raw["status"]),
        message=raw.get("message", ""),
        solution=raw.get("solution", ""),
        endpoints=tuple(raw.get("endpoints", ())),
        provoke=raw["provoke"],
        defect_class=raw.get("defect_class"),
        message_pattern=raw.get("message_pattern"),
        schema_ref=raw.get("schema"),
        source=raw.get("source", ""),
        observe_reason=raw.get("observe_reason"),
        fault=bool(raw.get("fault", False)),
        strengths=dict(raw.get("strength", {})),
        match=raw.get("match"),
    )


def _endpoint(name: str, raw: dict[str, Any]) -> Endpoint:
    return Endpoint(
        name=name,
        method=raw["method"].upper(),
        path=raw["path"],
        auth=bool(raw["auth"]),
        billable=bool(raw.get("billable", False)),
        body=raw.get("body", "none"),
        success_status=int(raw["success_status"]),
        request=raw.get("request") or {},
        required_fields=tuple(raw.get("required_fields", ())),
        lookup_fields=tuple(raw.get("lookup_fields", ())),
        fields=raw.get("fields", {}),
        query=raw.get("query", {}),
        limits=raw.get("limits", {}),
        source=raw.get("source", ""),
    )


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
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ContractError(f"{path}:{where} invalid YAML: {getattr(exc, 'problem', exc)}") from None


def read_json(path: Path) -> Any:
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None


def meta_schema(root: Path | None = None) -> dict[str, Any]:
    return read_json((root or contracts_root()) / "contract.schema.json")


def key_path(parts: Any) -> str:
    return "/".join(str(p) for p in parts) or "(root)"


def schema_problems(data: Any, schema: dict[str, Any]) -> list[str]:
    """Every meta-schema problem as 'key/path: message', sorted by path."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{key_path(e.absolute_path)}: {e.message}" for e in errors]


def load_contract(folder: Path, meta: dict[str, Any] | None = None) -> Contract:
    """Load and validate one provider folder; ContractError names the file and key path."""
    contract_file = folder / "contract.yaml"
    data = read_yaml(contract_file)
    problems = schema_problems(data, meta if meta is not None else meta_schema(folder.parent))
    if problems:
        raise ContractError(f"{contract_file}: {problems[0]}")
    schema = read_json(folder / data["envelope"].get("schema", "error.schema.json"))
    return Contract(root=folder, data=data, error_schema=schema)


def provider_names(root: Path | None = None) -> list[str]:
    base = root or contracts_root()
    return sorted(p.name for p in base.iterdir() if (p / "contract.yaml").is_file())


def has_embedded_mock(name: str, root: Path | None = None) -> bool:
    """Does the provider's folder describe a reference mock (mock.yaml)? A contract needs none."""
    return ((root or contracts_root()) / name / "mock.yaml").is_file()


def no_mock_message(name: str) -> str:
    return f"no embedded mock for {name}: pass --provider {name} --target URL"


def load_provider(name: str, root: Path | None = None) -> Contract:
    """The provider's contract; loaded once per process for as long as its files are unchanged
    (a run asks for it many times: options, help, parametrization, suites)."""
    base = root or contracts_root()
    names = provider_names(base)
    if name not in names:
        raise ContractError(f"unknown provider {name!r}: choose one of {', '.join(names)}")
    key = _files_key(base, name)
    if key not in _LOADED:
        _LOADED[key] = load_contract(base / name, meta_schema(base))
    return _LOADED[key]


_LOADED: dict[tuple[str, str], Contract] = {}


def _files_key(base: Path, name: str) -> tuple[str, str]:
    """The folder and a digest of every file a load may read (a changed file is a new key)."""
    folder = base / name
    digest = hashlib.sha256(_read_bytes(base / "contract.schema.json"))
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + b"\0" + _read_bytes(path))
    return str(folder.resolve()), digest.hexdigest()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes() if path.is_file() else b""
    except OSError:
        return b""  # unreadable: load_contract names the file
