"""Small helpers for driving a running mock from tests and benchmarks (httpx, loopback only)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from errcontract.contract.cases import identify, uses_matches
from errcontract.contract.model import Contract
from errcontract.core import pointer
from errcontract.core.exchange import NO_JSON, RequestSpec


def send(client: httpx.Client, spec: RequestSpec) -> httpx.Response:
    """Send a RequestSpec as described: JSON body, raw content or a multipart upload."""
    options: dict[str, Any] = {"headers": spec.headers, "params": spec.query}
    if spec.json_body is not NO_JSON:
        options["content"] = json.dumps(spec.json_body, ensure_ascii=False).encode()
    elif spec.content is not None:
        options["content"] = spec.content
    if spec.upload is not None:
        upload = spec.upload
        options["files"] = {upload.field: (upload.filename, bytes(upload.size), upload.content_type)}
    return client.request(spec.method, spec.path, **options)


def error_code(contract: Contract, response: httpx.Response) -> Any:
    """The code at the contract's code pointer, or NO_JSON when the body is not JSON; for a
    contract whose cases are recognised by `match` (a null code, several members), the
    documented case the body is (`cases.identify`), else None."""
    try:
        body = response.json()
    except ValueError:
        return NO_JSON
    if uses_matches(contract):
        return identify(contract, body, response.status_code)
    return pointer.get(body, contract.envelope.code_pointer)


def auth_headers(contract: Contract, key: str) -> dict[str, str]:
    """The headers a request to the mock carries with `key` (a query-key contract: none but the
    constant ones; see `auth_query`)."""
    headers = {h.name: h.value for h in contract.request_headers}
    contract.auth.place(headers, {}, key)
    return headers


def auth_query(contract: Contract, key: str) -> dict[str, str]:
    """The query parameters a request carries with `key` (none unless the key goes in the query)."""
    query: dict[str, str] = {}
    contract.auth.place({}, query, key)
    return query
