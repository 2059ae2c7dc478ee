"""The registries refuse a duplicate name, and every drift names checks that exist."""

from __future__ import annotations

from typing import Any

import pytest

import errcontract.judge.checks  # noqa: F401  (registers every check family)
from errcontract.judge.checks import registry
from errcontract.judge.checks.sequence import SEQUENCE_CHECKS
from errcontract.mock import drift_registry
from errcontract.mock.drifts import REGISTRY
from errcontract.run import refunds


def _no_violations(exchange: Any, oracle: Any) -> list[registry.Violation]:
    return []


def test_a_check_registered_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "CHECKS", dict(registry.CHECKS))  # undone after the test
    registry.check("errcontract_test_only")(_no_violations)
    with pytest.raises(ValueError, match="check 'errcontract_test_only' registered twice"):
        registry.check("errcontract_test_only")(_no_violations)
    existing = next(iter(registry.CHECKS))
    with pytest.raises(ValueError, match=f"check {existing!r} registered twice"):
        registry.check(existing)(_no_violations)
    assert registry.CHECKS["errcontract_test_only"] is _no_violations


def test_a_drift_registered_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drift_registry, "REGISTRY", dict(drift_registry.REGISTRY))  # undone after

    def errcontract_test_only(outcome: Any, call: Any, engine: Any) -> Any:
        """A drift for this test only."""
        return outcome

    drift_registry.drift("response", caught_by={"status_documented"})(errcontract_test_only)
    with pytest.raises(ValueError, match="drift 'errcontract-test-only' registered twice"):
        drift_registry.drift("response", caught_by={"status_documented"})(errcontract_test_only)
    assert "errcontract-test-only" not in REGISTRY  # the real registry is untouched


def test_every_drift_names_checks_that_exist() -> None:
    """`caught_by` names a registered check, a sequence check or the refund check: a renamed
    check cannot leave a drift pointing at nothing."""
    known = set(registry.CHECKS) | set(SEQUENCE_CHECKS) | {refunds.CHECK}
    unknown = {d.name: sorted(d.caught_by - known) for d in REGISTRY.values() if d.caught_by - known}
    assert not unknown
    assert any(d.caught_by for d in REGISTRY.values())
