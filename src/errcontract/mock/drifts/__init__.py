"""Named drifts: the registered ones (`library`, `semantics`, `protocol`, `facts`) a provider can show."""

from __future__ import annotations

from errcontract.contract.mock_document import MOCK_FILE
from errcontract.contract.model import Contract
from errcontract.mock.config import load_mock_config
from errcontract.mock.drifts import facts, library, protocol, semantics
from errcontract.mock.drifts.registry import REGISTRY, Drift, SimulatedCrash

__all__ = ["REGISTRY", "Drift", "SimulatedCrash", "drifts_for"]

LIBRARIES = (library, semantics, protocol, facts)  # imported for their registrations


def drifts_for(contract: Contract) -> dict[str, Drift]:
    """The drifts this provider's contract and mock data can show, by name, each with what this
    contract makes of it (caught, a warning, or allowed by the docs). A provider with no embedded
    mock (no mock.yaml) has none."""
    if not (contract.root / MOCK_FILE).is_file():
        return {}
    config = load_mock_config(contract)
    return {name: d.for_provider(config) for name, d in sorted(REGISTRY.items()) if d.applies(config)}
