"""The suites' power: the faithful mocks pass, and every named drift of every provider fails
with the check that its description names.

Runs the same code tests and fuzzing as `errcontract run`, in-process against mocks served from
a thread (the end-to-end command is exercised in test_run_command.py).
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from errcontract.code_tests import check_documented_code
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
    "scope-ignored": {"defect_rejected"},
    "text-plain-errors": {"content_type_json"},
    "undocumented-validation-code": {"code_documented"},
    "validation-errors-as-200": {"defect_rejected"},
}


# Drifts only unusual input reaches get the default fuzzing budget; the others a small one.
FUZZ_ONLY = {"crash-on-array-body", "crash-on-non-ascii-model"}


def conformance_results(provider: str, drift: str | None, examples: int = 100) -> dict[str, Any]:
    """Every code test, then `examples` generated requests, against the (drifted) mock."""
    contract = load_provider(provider)
    options = RunOptions(provider=provider, examples=examples, seed=0, concurrency=4)
    with serve_in_thread(provider, drift=drift) as mock:
        run = ProviderRun(contract, options, mock.url, mock.fixtures, embedded_mock=True)
        for code in contract.codes:
            with contextlib.suppress(pytest.skip.Exception, pytest.fail.Exception):
                check_documented_code(run, code)
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


@pytest.mark.parametrize(("provider", "drift"), all_drifts())
def test_drift_is_caught_by_the_check_it_breaks(provider, drift):
    results = conformance_results(provider, drift, 100 if drift in FUZZ_ONLY else 20)
    caught = {v["check"] for v in results["violations"]}
    assert results["verdict"] == "violations"
    assert caught & EXPECTED_CHECKS[drift], f"{drift}: caught only by {sorted(caught)}"


def test_every_drift_has_an_expectation():
    names = {name for p in ("vicsee", "vydra") for name in drifts_for(load_provider(p))}
    assert names <= set(EXPECTED_CHECKS)
