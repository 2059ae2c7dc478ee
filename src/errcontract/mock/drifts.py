"""Named drifts: the registered ones (`drift_library`, `drift_semantics`, `drift_protocol`,
`drift_facts`) a provider can show."""

from __future__ import annotations

from errcontract.contract.model import Contract
from errcontract.mock import drift_facts, drift_library, drift_protocol, drift_semantics
from errcontract.mock.config import load_mock_config
from errcontract.mock.drift_registry import REGISTRY, Drift, SimulatedCrash

__all__ = ["REGISTRY", "Drift", "SimulatedCrash", "drifts_for"]

LIBRARIES = (drift_library, drift_semantics, drift_protocol, drift_facts)  # imported for their registrations


def drifts_for(contract: Contract) -> dict[str, Drift]:
    """The drifts this provider's contract and mock data can show, by name, each with what this
    contract makes of it (caught, a warning, or allowed by the docs)."""
    config = load_mock_config(contract)
    return {name: d.for_provider(config) for name, d in sorted(REGISTRY.items()) if d.applies(config)}
