"""Every one-defect recipe, sent to `errcontract mock PROVIDER` running as a child process,
gets its code's documented status and code, a JSON content type and the rate-limit headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from errcontract.contract.model import Contract, load_provider
from errcontract.core.errors import ErrcontractError
from errcontract.mock.process import MockHandle, running_mock
from errcontract.mock.testing import error_code, send
from errcontract.requests.recipes import build_request, recipe_code
from tests.helpers import mocked_providers

PROVIDERS = mocked_providers()
HEADER_FORMATS = {
    "integer": re.compile(r"\d+"),
    "unix-seconds": re.compile(r"\d{10}"),
    "iso8601": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"),
    "duration": re.compile(r"(\d+(\.\d+)?(h|ms|m|s))+"),  # OpenAI's "1s", "6m0s"
}


Served = tuple[Contract, MockHandle, httpx.Client]


@pytest.fixture(scope="module")
def mocks() -> Iterator[dict[str, Served]]:
    """One child-process mock per provider for the whole module."""
    with ExitStack() as stack:
        served = {}
        for provider in PROVIDERS:
            handle = stack.enter_context(running_mock(provider))
            client = stack.enter_context(httpx.Client(base_url=handle.url))
            served[provider] = (load_provider(provider), handle, client)
        yield served


def _recipe_cases() -> list[tuple[str, str]]:
    return [(p, name) for p in PROVIDERS for name in load_provider(p).recipes]


@pytest.mark.parametrize(("provider", "recipe"), _recipe_cases())
def test_recipe_gets_documented_status_code_content_type_and_rate_headers(
    mocks: dict[str, Served], provider: str, recipe: str
) -> None:
    contract, handle, client = mocks[provider]
    code = recipe_code(contract, recipe)
    response = send(client, build_request(contract, recipe, handle.fixtures))
    assert response.status_code in code.statuses
    assert error_code(contract, response) == code.name
    assert response.headers["content-type"].split(";")[0] == "application/json"
    if response.status_code != 401:
        for name, spec in contract.headers.rate_limit_fields.items():
            assert HEADER_FORMATS[spec.format].fullmatch(response.headers[name]), name
    for name, spec in contract.headers.for_status(code.statuses[0]).items():
        assert HEADER_FORMATS[spec.format].fullmatch(response.headers[name]), name


@pytest.mark.parametrize("provider", PROVIDERS)
def test_fixtures_are_exactly_the_contracts_and_keys_match_the_key_pattern(
    mocks: dict[str, Served], provider: str
) -> None:
    contract, handle, _ = mocks[provider]
    assert set(handle.fixtures) == set(contract.fixtures)
    for name in contract.secret_fixtures:
        assert re.search(contract.auth.key_pattern, handle.fixtures[name]), name


def test_keys_are_random_per_start() -> None:
    with running_mock("vicsee") as first, running_mock("vicsee") as second:
        assert first.fixtures["api_key"] != second.fixtures["api_key"]
        assert first.pid != second.pid


def test_unknown_drift_makes_running_mock_raise_with_the_reason() -> None:
    with (
        pytest.raises(ErrcontractError, match="unknown drift 'no-such-drift'"),
        running_mock("vydra", drift="no-such-drift"),
    ):
        pass  # pragma: no cover - never entered
