"""The refund promise, one test per provider that documents one (id provider/refund): create the
documented job, cancel it, and see the balance come back by the amount charged."""

from __future__ import annotations

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.verdicts import Verdict
from errcontract.run.plugin import EVIDENCE_KEY, selected_providers
from errcontract.run.refunds import check_refund
from errcontract.run.session import RunRegistry


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "refund_provider" in metafunc.fixturenames:
        providers = [p for p in selected_providers(metafunc.config) if load_provider(p).refunds]
        metafunc.parametrize("refund_provider", providers, ids=[f"{p}/refund" for p in providers])


def test_cancelled_job_is_refunded_at_once(
    errcontract_runs: RunRegistry, refund_provider: str, request: pytest.FixtureRequest
) -> None:
    result = check_refund(errcontract_runs.get(refund_provider))
    assert result is not None
    request.node.stash[EVIDENCE_KEY] = list(result.evidence)
    if result.verdict is Verdict.NOT_OBSERVED:
        pytest.skip(result.reason)
    if result.verdict is not Verdict.PASS:
        pytest.fail(result.reason, pytrace=False)
