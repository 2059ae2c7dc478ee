"""What each drift of `mock/drifts/semantics.py` changes, seen on the wire beside the faithful
mock (used by test_mock_drifts.py's table: every drift has a direct test of its claim)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from errcontract.core.exchange import pointer_get
from errcontract.requests.recipes import auth_value, base_request


def _role(pair: Any, role: str) -> str:
    fields = pair.contract.headers.rate_limit_fields
    return next(n for n, f in fields.items() if f.role == role)


def _get(
    mock: Any, pair: Any, endpoint: str, key: str | None = "api_key", ids: dict[str, str] | None = None
) -> httpx.Response:
    contract = pair.contract
    spec = base_request(contract, contract.endpoints[endpoint], mock.fixtures, set(), path_params=ids)
    headers = dict(spec.headers)
    if key is None:
        headers.pop(contract.auth.header, None)
    else:
        headers[contract.auth.header] = auth_value(contract, mock.fixtures[key])
    with httpx.Client(base_url=mock.url) as client:
        return client.request(
            spec.method,
            spec.path,
            headers=headers,
            params=spec.query or None,
            json=None if spec.body_bytes() is None else spec.json_body,
        )


def _keyed_get(pair: Any) -> str:
    """An authenticated GET whose documented request the mock serves (fixtures fill its ids)."""
    return next(n for n, e in pair.contract.endpoints.items() if e.auth and e.method == "GET")


def check_frozen_remaining(pair: Any) -> None:
    name = _role(pair, "remaining")
    endpoint = _keyed_get(pair)
    for mock, moves in ((pair.faithful, True), (pair.drifted, False)):
        first, second = (_get(mock, pair, endpoint).headers[name] for _ in range(2))
        assert (int(second) < int(first)) is moves


def check_rate_limited_with_room(pair: Any) -> None:
    name = _role(pair, "remaining")
    endpoint = _keyed_get(pair)
    faithful, drifted = (_get(mock, pair, endpoint) for mock in (pair.faithful, pair.drifted))
    assert faithful.status_code == 200
    assert drifted.status_code == 429 and int(drifted.headers[name]) > 0


def check_moving_reset(pair: Any) -> None:
    name = _role(pair, "reset")
    endpoint = _keyed_get(pair)
    faithful = {_get(pair.faithful, pair, endpoint).headers[name] for _ in range(2)}
    drifted = [_get(pair.drifted, pair, endpoint).headers[name] for _ in range(2)]
    assert len(faithful) == 1 and drifted[0] != drifted[1]


def check_frozen_remaining_moving_reset(pair: Any) -> None:
    """The count stays put while the reset says a day from now (not what the faithful one says)."""
    check_frozen_remaining(pair)
    name = _role(pair, "reset")
    endpoint = _keyed_get(pair)
    faithful, drifted = (_get(mock, pair, endpoint).headers[name] for mock in (pair.faithful, pair.drifted))
    assert faithful != drifted


def check_ownership_checked_on_one_endpoint(pair: Any) -> None:
    routes = [n for n, e in pair.contract.endpoints.items() if e.path_params and e.method == "GET"]
    first, other = routes[0], routes[1]
    for endpoint, drifted_status in ((first, 403), (other, 200)):
        ids = {"id": pair.faithful.fixtures["foreign_task_id"]}
        assert _get(pair.faithful, pair, endpoint, ids=ids).status_code == 403
        ids = {"id": pair.drifted.fixtures["foreign_task_id"]}
        assert _get(pair.drifted, pair, endpoint, ids=ids).status_code == drifted_status


def check_auth_skipped_on_one_endpoint(pair: Any) -> None:
    last = [n for n, e in pair.contract.endpoints.items() if e.auth][-1]
    assert _get(pair.faithful, pair, last, key=None).status_code == 401
    assert _get(pair.drifted, pair, last, key=None).status_code == 200


def check_cancel_without_refund(pair: Any) -> None:
    spec = pair.contract.refunds
    for mock, refunded in ((pair.faithful, True), (pair.drifted, False)):
        balance = _balance(mock, pair, spec)
        contract = pair.contract
        create = base_request(contract, contract.endpoints[spec.create], mock.fixtures, set())
        with httpx.Client(base_url=mock.url) as client:
            job = client.post(create.path, headers=create.headers, json=create.json_body).json()
        _cancel(mock, pair, spec, pointer_get(job, spec.id_pointer))
        assert (_balance(mock, pair, spec) == balance) is refunded


def _balance(mock: Any, pair: Any, spec: Any) -> Any:
    return pointer_get(_get(mock, pair, spec.balance.endpoint).json(), spec.balance.pointer)


def _cancel(mock: Any, pair: Any, spec: Any, job_id: str) -> None:
    contract = pair.contract
    cancel = base_request(contract, contract.endpoints[spec.cancel], mock.fixtures, set(), {"id": job_id})
    with httpx.Client(base_url=mock.url) as client:
        assert client.request(cancel.method, cancel.path, headers=cancel.headers).status_code == 200


def check_open_endpoint_demands_a_key(pair: Any) -> None:
    opened = next(n for n, e in pair.contract.endpoints.items() if not e.auth)
    assert 200 <= _get(pair.faithful, pair, opened, key=None).status_code < 300
    assert _get(pair.drifted, pair, opened, key=None).status_code == 401


SEMANTIC_CHECKS: dict[str, Callable[[Any], None]] = {
    "open-endpoint-demands-a-key": check_open_endpoint_demands_a_key,
    "frozen-remaining": check_frozen_remaining,
    "moving-reset": check_moving_reset,
    "frozen-remaining-moving-reset": check_frozen_remaining_moving_reset,
    "rate-limited-with-room": check_rate_limited_with_room,
    "ownership-checked-on-one-endpoint": check_ownership_checked_on_one_endpoint,
    "auth-skipped-on-one-endpoint": check_auth_skipped_on_one_endpoint,
    "cancel-without-refund": check_cancel_without_refund,
}
