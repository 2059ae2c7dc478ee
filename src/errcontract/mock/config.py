"""The mock's behaviour data: `contracts/<provider>/mock.yaml`, beside the contract it serves.

The contract says what a response must look like (statuses, codes, envelope, headers); mock.yaml
says how the provider behaves (accounts, plans, models, which documented code each generic
condition maps to). The engine reads both and knows no provider by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from errcontract.contract.mock_document import load_mock_document
from errcontract.contract.model import Contract
from errcontract.core.errors import ContractError
from errcontract.mock.document import (
    AccountDoc,
    BehaviourDoc,
    FaultDoc,
    KeyFixtureDoc,
    KeysDoc,
    PlanDoc,
    RefundDoc,
    ResourcesDoc,
)


def render(template: Any, values: dict[str, Any]) -> Any:
    """Fill a view template: a string "$name" becomes values[name] (any type), recursively."""
    if isinstance(template, str) and template.startswith("$"):
        return values.get(template[1:])
    if isinstance(template, dict):
        return {k: render(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, values) for v in template]
    return template


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def format_message(template: str, params: dict[str, Any]) -> str | None:
    """A message template filled from params, or None when a placeholder has no value."""
    try:
        return template.format_map(_Missing(params))
    except (KeyError, IndexError, ValueError):
        return None


@dataclass(frozen=True)
class MockConfig:
    """mock.yaml, checked against the contract it belongs to."""

    contract: Contract
    document: dict[str, Any]  # mock.yaml as read, checked against contracts/mock.schema.json

    @property
    def error_template(self) -> dict[str, Any]:
        found: dict[str, Any] = self.document.get("envelope", {}).get("error", {})
        return found

    @property
    def success_template(self) -> Any:
        return self.document.get("envelope", {}).get("success", "$body")

    @property
    def window(self) -> str:
        found: str = self.document["rate_limit"]["window"]
        return found

    @property
    def max_json_bytes(self) -> int:
        return int(self.document["rate_limit"].get("max_json_bytes", 1 << 20))

    @property
    def plans(self) -> dict[str, PlanDoc]:
        found: dict[str, PlanDoc] = self.document["plans"]
        return found

    @property
    def accounts(self) -> dict[str, AccountDoc]:
        found: dict[str, AccountDoc] = self.document["accounts"]
        return found

    @property
    def key_fixtures(self) -> dict[str, KeyFixtureDoc]:
        found: dict[str, KeyFixtureDoc] = self.document["key_fixtures"]
        return found

    @property
    def resources(self) -> ResourcesDoc:
        found: ResourcesDoc = self.document["resources"]
        return found

    @property
    def prompt_field(self) -> str | None:
        """The body field a resource's prompt is read from (None: resources record no prompt)."""
        return self.resources.get("prompt_field")

    @property
    def default_media_type(self) -> str | None:
        """The media type a resource shows before it has a result (None: not shown)."""
        return self.resources.get("default_media_type")

    @property
    def models(self) -> dict[str, dict[str, Any]]:
        return self.document["catalog"].get("models") or {}

    @property
    def workflows(self) -> dict[str, dict[str, Any]]:
        return self.document["catalog"].get("workflows") or {}

    @property
    def messages(self) -> dict[str, str]:
        return self.document.get("messages") or {}

    @property
    def extras(self) -> dict[str, dict[str, Any]]:
        """Per-code members added at the top level of an error body (templates: $name filled in)."""
        return self.document.get("extras") or {}

    @property
    def refund(self) -> RefundDoc:
        found: RefundDoc | None = self.document.get("refund")
        return found or RefundDoc()

    @property
    def scopes(self) -> dict[str, str]:
        return self.document.get("scopes") or {}

    @property
    def keys(self) -> KeysDoc:
        """How the mock's keys are made: `template` ({user}, {random}) and `random_length`."""
        found: KeysDoc = self.document["keys"]
        return found

    @property
    def fixture_values(self) -> dict[str, str | int]:
        """The mock's own values for fixtures the contract leaves to the target (a model)."""
        return dict(self.document.get("fixture_values") or {})

    @property
    def endpoints(self) -> dict[str, BehaviourDoc]:
        found: dict[str, BehaviourDoc] = self.document["endpoints"]
        return found

    @cached_property
    def faults(self) -> dict[str, FaultDoc]:
        """Injectable faults by name: the contract's fault codes plus mock.yaml's (each with its
        status and code, which the schema requires)."""
        table: dict[str, FaultDoc] = {}
        for code in self.contract.codes.values():
            if code.fault:
                table[code.name] = FaultDoc(
                    code=code.name,
                    status=code.statuses[0],
                    endpoints=tuple(code.endpoints),
                    statuses=tuple(code.statuses),
                )
        for name, raw in (self.document.get("faults") or {}).items():
            fault = FaultDoc(
                code=str(raw["code"]),
                status=int(raw["status"]),
                endpoints=("*",),
                statuses=(int(raw["status"]),),
            )
            if "message" in raw:
                fault["message"] = str(raw["message"])
            table[str(name)] = fault
        return table

    def code_for(self, condition: str, field: str | None = None) -> str | None:
        """The documented code a generic condition maps to (per field where mock.yaml says so)."""
        mapped = self.document["conditions"].get(condition)
        if isinstance(mapped, dict):
            mapped = mapped.get(field or "*", mapped.get("*"))
        return None if mapped is None else str(mapped)

    def status_for(self, code: str) -> int:
        known = self.contract.codes.get(code)
        if known is not None:
            return known.statuses[0]
        for fault in self.faults.values():
            if fault["code"] == code:
                return int(fault["status"])
        raise ContractError(f"mock.yaml: code {code!r} is not in the contract")


def load_mock_config(contract: Contract) -> MockConfig:
    """mock.yaml as the schema allows it (a misspelled key, or a name no table holds, is refused)."""
    return MockConfig(contract=contract, document=load_mock_document(contract.root, contract))
