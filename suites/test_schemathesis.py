"""Schemathesis on each provider's OpenAPI (`contracts/<provider>/openapi.yaml`), negative mode,
through its pytest integration: one test per provider (id provider/schemathesis), one subtest
per operation. Cases are sent through errcontract's client and judged by its checks (see
`errcontract.run.schemathesis_adapter`), so their findings land in results.json like every other request.
"""

from __future__ import annotations

from typing import Any

import pytest

from errcontract.run.plugin import AFTER_CALL_KEY, selected_providers
from errcontract.run.schemathesis_adapter import (
    check_case,
    finish_in_background,
    lazy_schema,
    load_schema,
    openapi_path,
    prepare_node,
)
from errcontract.run.session import RunRegistry


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "st_provider" in metafunc.fixturenames:
        providers = selected_providers(metafunc.config)
        metafunc.parametrize("st_provider", providers, ids=[f"{p}/schemathesis" for p in providers])


@pytest.fixture
def st_schema(errcontract_runs: RunRegistry, st_provider: str, request: pytest.FixtureRequest) -> Any:
    prepare_node(request.node)
    run = errcontract_runs.get(st_provider)
    if run.options.schemathesis_per_operation() == 0:
        pytest.skip("--schemathesis-examples 0: Schemathesis is left out of this run")
    if run.client.budget_left() == 0:  # its cases would be drawn only to be refused
        pytest.skip(f"request budget used up (--max-requests {run.options.max_requests}) before Schemathesis")
    schema = load_schema(run)
    if schema is None:
        pytest.skip(f"no OpenAPI description: {openapi_path(run.contract)} is missing")
    request.node.stash[AFTER_CALL_KEY] = lambda interrupted: finish_in_background(run, interrupted)
    return schema


schemathesis_cases = lazy_schema("st_schema")


@schemathesis_cases.parametrize()  # type: ignore[untyped-decorator]  # Schemathesis's, untyped
def test_schemathesis_cases_keep_the_contract(
    case: Any, errcontract_runs: RunRegistry, st_provider: str
) -> None:
    check_case(errcontract_runs.get(st_provider), case)
