"""The OpenAI contract against its embedded mock: conformant, and its drifts caught.

The mock is the generic engine fed contracts/openai/mock.yaml: its errors carry each case's
members (type, code, null included) as the contract's `match` gives them. The drifts are the
generic library's, those this contract can see (see `applies` in mock/drifts.py).
"""

from __future__ import annotations

from errcontract.contract.model import load_provider
from errcontract.mock.drifts import drifts_for
from tests.test_drifts_detected import conformance_results


def test_faithful_openai_mock_is_conformant_with_every_provokable_case_passing():
    results = conformance_results("openai", None)
    assert results["violations"] == [] and results["verdict"] == "conformant"
    passed = {c["code"] for c in results["codes"] if c["verdict"] == "pass"}
    # the mock gives keys without quota, rate-limited and of a user with no organization
    keyed = {"insufficient_quota", "rate_limit_exceeded", "authentication_error"}
    assert passed == {"invalid_request", "missing_api_key", "invalid_api_key", "model_not_found", *keyed}


def test_at_least_five_drifts_apply_to_openai():
    """Each is caught by a check it declares (tests/test_drifts_detected.py runs them all); the
    generic drifts this contract cannot see (Retry-After not required, a quota error that is a
    429, which any request may meet; no details on a 429) do not apply to it. The rate-limit
    headers' presence is stated on served chat completions, so their absence and a remaining count
    that never goes down are departures it can see, and the mock's rate-limited key shows an
    ignored limit."""
    names = set(drifts_for(load_provider("openai")))
    assert len(names) >= 5
    assert "rate-limit-ignored" in names  # the mock's rate-limited key shows it
    assert not names & {
        "credits-before-auth",
        "retry-after-missing",
        "rate-limit-error-without-details",
    }
    assert {"rate-limit-headers-missing", "frozen-remaining"} <= names
