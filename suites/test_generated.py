"""Generated malformed requests, one test per provider (id provider/generated): draw
`--examples` requests from `--seed`, send them, and fail with every violation found, each with
its curl reproducer (keys redacted) and, on the embedded mock, a shrunk one.

The run judges and records every exchange as it arrives, so all of them land in results.json whatever
this test's verdict.
"""

from __future__ import annotations

import pytest

from errcontract.run.fuzz import run_fuzz
from errcontract.run.plugin import EVIDENCE_KEY, selected_providers
from errcontract.run.session import RunRegistry


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "fuzz_provider" in metafunc.fixturenames:
        providers = selected_providers(metafunc.config)
        metafunc.parametrize("fuzz_provider", providers, ids=[f"{p}/generated" for p in providers])


def test_generated_requests_keep_the_contract(
    errcontract_runs: RunRegistry, fuzz_provider: str, request: pytest.FixtureRequest
) -> None:
    run = errcontract_runs.get(fuzz_provider)
    report = run_fuzz(run)
    failing = [r.shrunk or r.judged for r in report.failures]
    request.node.stash[EVIDENCE_KEY] = [j.evidence() for j in failing[:3] if j is not None]
    if report.failures:
        pytest.fail(report.failure_text(), pytrace=False)
    if report.sent == 0:
        reasons = "; ".join(report.not_sent) or "no endpoint can be fuzzed with the fixtures given"
        pytest.skip(f"no generated request was sent: {reasons}")
