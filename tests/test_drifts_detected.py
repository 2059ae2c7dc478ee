"""The suites' power: the faithful mocks pass, and every named drift of every provider fails
with a check it declares (`@drift(..., caught_by=...)`); a drift that breaks only an exemplified
fact is a warning that fails with --strict; a drift the docs allow (caught_by empty) is never a
violation.

Runs the same code tests, refund check and fuzzing as `errcontract run`, in-process against mocks
served from a thread (the end-to-end command is exercised in test_run_command.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from errcontract.contract.model import load_provider, provider_names
from errcontract.judge.checks.registry import COULD_NOT_JUDGE
from errcontract.mock.drifts import Drift, drifts_for
from errcontract.mock.server import serve_in_thread
from errcontract.run.code_tests import provoke
from errcontract.run.fuzz import run_fuzz
from errcontract.run.options import RunOptions
from errcontract.run.refunds import check_refund
from errcontract.run.session import ProviderRun
from tests.helpers import mocked_providers

# Drifts only unusual input reaches, or judged over a run's served requests, get the default
# fuzzing budget; the others a small one.
FUZZ_ONLY = {
    "crash-on-array-body",
    "crash-on-non-ascii-model",
    "frozen-remaining",
    "frozen-remaining-moving-reset",
    "moving-reset",
    "open-endpoint-demands-a-key",
}


def conformance_results(
    provider: str, drift: str | None, examples: int = 100, strict: bool = False
) -> dict[str, Any]:
    """Every code test, the refund check, then `examples` generated requests, against the mock."""
    contract = load_provider(provider)
    options = RunOptions(provider=provider, examples=examples, seed=0, concurrency=4, strict=strict)
    with serve_in_thread(provider, drift=drift) as mock:
        run = ProviderRun(contract, options, mock.url, mock.fixtures, embedded_mock=True)
        for code in contract.codes:
            provoke(run, code)
        check_refund(run)
        run_fuzz(run)
        run.top_up_samples()  # as finish() does: the run-level rules get the served samples they need
        run.client.close()
        return run.results().to_json()


def _drifts(caught: bool) -> list[Any]:
    found = []
    for provider in provider_names():
        for name, drift in drifts_for(load_provider(provider)).items():
            if bool(drift.caught_by) == caught:
                found.append(pytest.param(provider, drift, id=f"{provider}/{name}"))
    return found


@pytest.mark.parametrize("provider", mocked_providers())
def test_faithful_mock_is_conformant(provider):
    results = conformance_results(provider, None)
    assert results["violations"] == []
    assert results["verdict"] == "conformant"
    assert results["summary"]["failed"] == 0
    # the run sent the served requests the remaining-count rule needs: judged, never passed unseen
    # (a contract whose rate-limit headers have no roles, Anthropic's token buckets, has no such rule)
    rules = results["sequence_rules"]
    if "rate_limit_remaining_decreases" in rules:
        assert rules["rate_limit_remaining_decreases"]["judged"], rules
    else:
        assert not any(f.role for f in load_provider(provider).headers.rate_limit_fields.values()), rules


@pytest.mark.parametrize(("provider", "drift"), _drifts(caught=True))
def test_drift_is_caught_by_the_check_it_declares(provider: str, drift: Drift):
    examples = 100 if drift.name in FUZZ_ONLY else 20
    results = conformance_results(provider, drift.name, examples, strict=drift.as_warning)
    findings = results["warnings"] if drift.as_warning else results["violations"]
    caught = {v["check"] for v in findings}
    if any("over the read limit" in e["message"] for e in results["errors"]):
        caught.add(COULD_NOT_JUDGE)  # an answer no client reads whole: an error, never a pass
    assert results["verdict"] == "violations"
    assert caught & drift.caught_by, f"{drift.name}: caught only by {sorted(caught)}"
    assert all(v["promise"] for v in results["violations"])  # every finding names its promise
    if drift.as_warning:
        assert {v["strength"] for v in findings if v["check"] in drift.caught_by} == {"exemplified"}


@pytest.mark.parametrize(("provider", "drift"), [d for d in _drifts(caught=True) if d.values[1].as_warning])
def test_exemplified_drift_is_a_warning_without_strict(provider: str, drift: Drift):
    results = conformance_results(provider, drift.name, 20)
    assert results["verdict"] == "conformant"
    assert {w["check"] for w in results["warnings"]} & drift.caught_by


@pytest.mark.parametrize(("provider", "drift"), _drifts(caught=False))
def test_drift_the_docs_allow_is_not_a_violation(provider: str, drift: Drift):
    """scope-ignored: the docs map no scope to an endpoint, so a limited key served everywhere
    leaves INSUFFICIENT_SCOPE not observed. Others are allowed by one provider's docs only (the
    contract says so: `allowed` in the drift's registration)."""
    results = conformance_results(provider, drift.name, 20)
    assert results["verdict"] == "conformant" and results["violations"] == []
    assert results["summary"]["failed"] == 0
    if drift.name == "scope-ignored":
        not_observed = [c for c in results["codes"] if c["verdict"] == "not-observed"]
        assert any("accepted on every endpoint tried" in (c["reason"] or "") for c in not_observed)
