"""The suites' power: the faithful mocks pass, and every named drift of every provider fails
with the check that its description names.

Runs the same code tests and fuzzing as `errcontract run`, in-process against mocks served from
a thread (the end-to-end command is exercised in test_run_command.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from errcontract.code_tests import provoke
from errcontract.contract import load_provider
from errcontract.fuzz import run_fuzz
from errcontract.mock.drifts import drifts_for
from errcontract.mock.server import serve_in_thread
from errcontract.options import RunOptions
from errcontract.session import ProviderRun

# Which check must catch each drift (any one of the set), by drift name.
EXPECTED_CHECKS = {
    "auth-codes-collapsed": {"code_justified"},
    "auth-errors-as-403": {"code_documented"},
    "crash-on-array-body": {"no_server_error_for_client_mistake"},
    "crash-on-non-ascii-model": {"no_server_error_for_client_mistake"},
    "credits-before-auth": {"code_justified"},
    "credits-error-as-403": {"code_documented"},
    "credits-error-without-numbers": {"message_pattern", "code_fields"},
    "expired-key-accepted": {"defect_rejected"},
    "flattened-envelope": {"envelope"},
    "gateway-html-502": {"content_type_json", "envelope"},
    "lowercase-codes": {"code_documented", "envelope"},
    "missing-code": {"envelope"},
    "missing-message": {"envelope"},
    "not-found-as-400": {"code_documented"},
    "rate-limit-error-without-details": {"message_pattern", "code_fields"},
    "rate-limit-headers-missing": {"rate_limit_headers"},
    "rate-limit-ignored": {"defect_rejected"},
    "rate-limit-reset-other-format": {"rate_limit_headers"},
    "renamed-credits-code": {"code_documented"},
    "retry-after-missing": {"status_headers"},
    "text-plain-errors": {"content_type_json"},
    "undocumented-validation-code": {"code_documented"},
    "validation-errors-as-200": {"defect_rejected"},
}


# Drifts from our mock that the docs allow: never a violation (the docs map no scope to an
# endpoint, so a limited key served everywhere leaves INSUFFICIENT_SCOPE not observed).
NOT_A_DEPARTURE = {"scope-ignored": "INSUFFICIENT_SCOPE"}

# Drifts that break a fact only an example shows: caught as warnings, which fail with --strict.
EXEMPLIFIED_ONLY = {"credits-error-without-numbers", "rate-limit-error-without-details"}

# Drifts only unusual input reaches get the default fuzzing budget; the others a small one.
FUZZ_ONLY = {"crash-on-array-body", "crash-on-non-ascii-model"}


def conformance_results(provider: str, drift: str | None, examples: int = 100,
                        strict: bool = False) -> dict[str, Any]:
    """Every code test, then `examples` generated requests, against the (drifted) mock."""
    contract = load_provider(provider)
    options = RunOptions(provider=provider, examples=examples, seed=0, concurrency=4, strict=strict)
    with serve_in_thread(provider, drift=drift) as mock:
        run = ProviderRun(contract, options, mock.url, mock.fixtures, embedded_mock=True)
        for code in contract.codes:
            provoke(run, code)
        run_fuzz(run)
        run.client.close()
        return run.results()


def all_drifts() -> list[Any]:
    return [pytest.param(p, name, id=f"{p}/{name}")
            for p in ("vicsee", "vydra") for name in drifts_for(load_provider(p))]


@pytest.mark.parametrize("provider", ["vicsee", "vydra"])
def test_faithful_mock_is_conformant(provider):
    results = conformance_results(provider, None)
    assert results["violations"] == []
    assert results["verdict"] == "conformant"
    assert results["summary"]["failed"] == 0


@pytest.mark.parametrize(("provider", "drift"),
                         [d for d in all_drifts() if d.values[1] not in NOT_A_DEPARTURE])
def test_drift_is_caught_by_the_check_it_breaks(provider, drift):
    exemplified = drift in EXEMPLIFIED_ONLY
    results = conformance_results(provider, drift, 100 if drift in FUZZ_ONLY else 20, strict=exemplified)
    findings = results["warnings"] if exemplified else results["violations"]
    caught = {v["check"] for v in findings}
    assert results["verdict"] == "violations"
    assert caught & EXPECTED_CHECKS[drift], f"{drift}: caught only by {sorted(caught)}"
    if exemplified:
        assert {v["strength"] for v in findings if v["check"] in EXPECTED_CHECKS[drift]} == {"exemplified"}


@pytest.mark.parametrize("drift", sorted(EXEMPLIFIED_ONLY))
def test_exemplified_drift_is_a_warning_without_strict(drift):
    provider = next(p for p in ("vicsee", "vydra") if drift in drifts_for(load_provider(p)))
    results = conformance_results(provider, drift, 20)
    assert results["verdict"] == "conformant"
    assert {w["check"] for w in results["warnings"]} & EXPECTED_CHECKS[drift]


@pytest.mark.parametrize("drift", sorted(NOT_A_DEPARTURE))
def test_drift_the_docs_allow_is_not_observed_not_failed(drift):
    results = conformance_results("vydra", drift, 20)
    code = next(c for c in results["codes"] if c["code"] == NOT_A_DEPARTURE[drift])
    assert results["verdict"] == "conformant"
    assert code["verdict"] == "not-observed"
    assert "accepted on every endpoint tried" in code["reason"]


def test_every_drift_has_an_expectation():
    names = {name for p in ("vicsee", "vydra") for name in drifts_for(load_provider(p))}
    assert names <= set(EXPECTED_CHECKS) | set(NOT_A_DEPARTURE)
