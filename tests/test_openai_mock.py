"""The OpenAI contract against its embedded mock: conformant, and its drifts caught.

The mock is the generic engine fed contracts/openai/mock.yaml: its errors carry each case's
members (type, code, null included) as the contract's `match` gives them. The drifts are the
generic library's; five of them bend behaviour this contract cannot see (it has no rate-limited
or out-of-quota key, and does not require the rate-limit headers), and are listed with why.
"""

from __future__ import annotations

import pytest

from errcontract.contract import load_provider
from errcontract.mock.drifts import drifts_for
from tests.test_drifts_detected import EXPECTED_CHECKS, FUZZ_ONLY, conformance_results

# A null code replaced by a string is a case the request does not justify (a 401 `{}` case).
OPENAI_CHECKS = {**EXPECTED_CHECKS, "lowercase-codes": {"code_justified"},
                 "auth-errors-as-403": {"code_documented", "code_justified"}}
UNSEEN = {
    "credits-before-auth": "no key of an account without quota is a fixture",
    "rate-limit-error-without-details": "no rate-limited key is a fixture; the 429 cases are observe-only",
    "rate-limit-ignored": "no rate-limited key is a fixture",
    "retry-after-missing": "no 429 is provoked, and Retry-After is judged only where present",
    "rate-limit-headers-missing": "the headers are not required (ambiguity rate-limit-headers-presence)",
}


def caught_drifts() -> list[str]:
    return sorted(set(drifts_for(load_provider("openai"))) - set(UNSEEN))


def test_faithful_openai_mock_is_conformant_with_every_provokable_case_passing():
    results = conformance_results("openai", None)
    assert results["violations"] == [] and results["verdict"] == "conformant"
    passed = {c["code"] for c in results["codes"] if c["verdict"] == "pass"}
    assert passed == {"invalid_request", "missing_api_key", "invalid_api_key", "model_not_found"}


@pytest.mark.parametrize("drift", caught_drifts())
def test_openai_drift_is_caught(drift):
    results = conformance_results("openai", drift, 100 if drift in FUZZ_ONLY else 20)
    caught = {v["check"] for v in results["violations"]}
    assert results["verdict"] == "violations"
    assert caught & OPENAI_CHECKS[drift], f"{drift}: caught only by {sorted(caught)}"


def test_at_least_five_drifts_caught_and_the_unseen_ones_are_named():
    assert len(caught_drifts()) >= 5
    assert set(UNSEEN) <= set(drifts_for(load_provider("openai")))
