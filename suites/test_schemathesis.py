"""Schemathesis on each provider's OpenAPI (`contracts/<provider>/openapi.yaml`), negative mode,
through its pytest integration: one test per provider (id provider/schemathesis), one subtest
per operation. Cases are sent through errcontract's client and judged by its checks (see
`errcontract.run.schemathesis_adapter`), so their findings land in results.json like every other request.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from errcontract.run.plugin import selected_providers
from errcontract.run.schemathesis_adapter import check_case, load_schema, openapi_path, operation_selected
from errcontract.run.session import RunRegistry


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "st_provider" in metafunc.fixturenames:
        providers = selected_providers(metafunc.config)
        metafunc.parametrize("st_provider", providers, ids=[f"{p}/schemathesis" for p in providers])


@pytest.fixture
def st_schema(errcontract_runs: RunRegistry, st_provider: str, request: pytest.FixtureRequest) -> Any:
    # Schemathesis 4.32.5's lazy schemas read `node._nodeid`, which pytest 9 items no longer have.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    run = errcontract_runs.get(st_provider)
    schema = load_schema(run)
    if schema is None:
        pytest.skip(f"no OpenAPI description: {openapi_path(run.contract)} is missing")
    return schema


lazy_schema = schemathesis.pytest.from_fixture("st_schema").include(operation_selected)


@lazy_schema.parametrize()
def test_schemathesis_cases_keep_the_contract(
    case: Any, errcontract_runs: RunRegistry, st_provider: str
) -> None:
    check_case(errcontract_runs.get(st_provider), case)
