"""Nasty input never gets a 5xx from a faithful mock: every error is a documented 4xx status
with a code documented for that status, in the provider's JSON envelope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from errcontract.contract.model import Contract, load_provider
from errcontract.mock.server import serve_in_thread
from errcontract.mock.testing import auth_headers, error_code
from tests.helpers import mocked_providers

PROVIDERS = mocked_providers()
LONG = "x" * 20000
DEEP = b"[" * 100000 + b"]" * 100000

# (description, method, endpoint name or raw path, request options); {key} is the valid key.
NASTY: list[tuple[str, str, str, dict[str, Any]]] = [
    ("json array body", "POST", "@json", {"content": b"[1, 2]"}),
    ("json string body", "POST", "@json", {"content": b'"hello"'}),
    ("json null body", "POST", "@json", {"content": b"null"}),
    ("deeply nested json", "POST", "@json", {"content": DEEP}),
    ("invalid utf-8 body", "POST", "@json", {"content": b'{"model": "\xff\xfe"}'}),
    ("huge string field", "POST", "@json", {"content": b'{"prompt": "' + b"a" * 2_000_000 + b'"}'}),
    (
        "wrong field types",
        "POST",
        "@json",
        {"json": {"model": 1, "prompt": [], "workflow": {}, "input": "x", "options": 3}},
    ),
    (
        "non-ascii and control text",
        "POST",
        "@json",
        {"json": {"model": "模型\x00", "prompt": "\x07é", "workflow": "ü", "input": {}}},
    ),
    ("text/plain content type", "POST", "@json", {"content": b"{}", "type": "text/plain"}),
    ("no content type", "POST", "@json", {"content": b"{}", "type": None}),
    ("unicode path id", "GET", "@id", {"id": "задача-✓"}),
    ("very long path id", "GET", "@id", {"id": LONG}),
    ("dot-dot path id", "GET", "@id", {"id": ".."}),
    ("encoded slash path id", "GET", "@id", {"id": "a%2Fb"}),
    (
        "odd query values",
        "GET",
        "@query",
        {"params": {"limit": "١٢", "offset": "-1", "status": "\u202e", "mode": "x" * 500}},
    ),
    ("huge query number", "GET", "@query", {"params": {"limit": "9" * 40}}),
    ("empty authorization", "GET", "@id", {"auth": ""}),
    # h11 refuses header values with leading or trailing whitespace, so none are sent here.
    ("bearer with nothing", "GET", "@id", {"auth": "Bearer"}),
    ("whitespace inside authorization", "GET", "@id", {"auth": "Bearer \t  \t x"}),
    ("very long authorization", "GET", "@id", {"auth": "Bearer " + LONG}),
    ("lower-case scheme and tab", "GET", "@id", {"auth": "bearer\t{key}"}),
    ("unknown method", "PATCH", "@json", {"json": {}}),
    ("unknown route", "GET", "/api/v1/../../etc/passwd", {}),
    ("root", "GET", "/", {}),
    ("multipart without boundary", "POST", "@upload", {"content": b"x", "type": "multipart/form-data"}),
    (
        "malformed multipart",
        "POST",
        "@upload",
        {"content": b"--b\r\nnonsense", "type": "multipart/form-data; boundary=b"},
    ),
    ("multipart without a file", "POST", "@upload", {"data": {"file": "not a file"}}),
]


@pytest.fixture(scope="module")
def mocks() -> Iterator[dict[str, tuple[Contract, httpx.Client, str]]]:
    with ExitStack() as stack:
        served = {}
        for provider in PROVIDERS:
            mock = stack.enter_context(serve_in_thread(provider))
            client = stack.enter_context(httpx.Client(base_url=mock.url, timeout=30))
            served[provider] = (load_provider(provider), client, mock.fixtures["api_key"])
        yield served


def _path(contract: Contract, target: str, options: dict[str, Any]) -> str | None:
    """The raw path for a target: '@json' a JSON endpoint, '@id' one with {id}, '@query' one with
    a documented query, '@upload' a multipart one (None when the provider has no such endpoint)."""
    if not target.startswith("@"):
        return target
    tests = {
        "@json": lambda e: e.body == "json",
        "@id": lambda e: "{id}" in e.path,
        "@query": lambda e: bool(e.query),
        "@upload": lambda e: e.body == "multipart",
    }
    for endpoint in contract.endpoints.values():
        if tests[target](endpoint):
            return contract.base_path + endpoint.path.replace("{id}", options.get("id", "x"))
    return None


def _request_options(contract: Contract, key: str, options: dict[str, Any]) -> dict[str, Any]:
    headers = auth_headers(contract, key)
    if "auth" in options:
        headers[contract.auth.header] = options["auth"].replace("{key}", key)
    if "content" in options:
        kind = options.get("type", "application/json")
        if kind is not None:
            headers["Content-Type"] = kind
    sent = {k: options[k] for k in ("content", "json", "params", "data") if k in options}
    if "data" in options:
        sent["files"] = {"other": ("a.png", b"x", "image/png")}
    return {"headers": headers, **sent}


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(("case", "method", "target", "options"), NASTY, ids=[n[0] for n in NASTY])
def test_nasty_input_gets_a_documented_4xx_or_success_never_5xx(
    mocks: dict[str, tuple[Contract, httpx.Client, str]],
    provider: str,
    case: str,
    method: str,
    target: str,
    options: dict[str, Any],
) -> None:
    contract, client, key = mocks[provider]
    path = _path(contract, target, options)
    if path is None:
        pytest.skip(f"{provider} has no endpoint of kind {target}")
    response = client.request(method, path, **_request_options(contract, key, options))
    successes = {e.success_status for e in contract.endpoints.values()}
    assert response.status_code < 500
    if response.status_code not in successes:
        assert response.headers["content-type"].startswith("application/json")
        assert error_code(contract, response) in contract.codes_by_status[response.status_code]
