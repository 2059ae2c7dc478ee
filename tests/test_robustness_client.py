"""The client alone against real misbehaving sockets: the bounds a whole run relies on."""

from __future__ import annotations

import time

import pytest

from errcontract.client.http import ClientSettings, NotSent, TargetClient
from errcontract.core.exchange import RequestSpec
from errcontract.core.redact import Redactor
from tests.faulty_servers import (
    Connection,
    LoopbackServer,
    Request,
    VicSeeKeys,
    faithful_vicsee,
    http_response,
    trickles_body,
    trickles_head,
)

KEY = "sk-PLANTED-client-5e1a9c3f7b2d"
TASK = RequestSpec(
    method="GET",
    path="/api/v1/tasks/t-404",
    endpoint="get_task",
    headers={"Authorization": f"Bearer {KEY}"},
    key_fixture="api_key",
)


def client_for(url: str, timeout_s: float = 0.5) -> TargetClient:
    return TargetClient(ClientSettings(base_url=url, timeout_s=timeout_s), Redactor([KEY]))


@pytest.mark.parametrize("fault", [trickles_head, trickles_body], ids=["status-and-headers", "body"])
def test_trickling_answer_ends_at_the_timeout_as_a_transport_error(fault: object) -> None:
    with LoopbackServer(fault) as server, client_for(server.url) as client:
        started = time.monotonic()
        exchange = client.send(TASK)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0  # one --timeout (0.5 s), not the minutes the trickle would take
    assert exchange.status is None and "within 0.5 s" in (exchange.transport_error or "")


def test_target_that_dies_mid_run_stops_the_probing_after_failures_in_a_row() -> None:
    with LoopbackServer(faithful_vicsee(VicSeeKeys(valid={KEY}))) as server:
        client = client_for(server.url)
        assert client.send(TASK).status == 404
    refused: list[str] = []
    with client:
        for _ in range(20):
            try:
                client.send(TASK)
            except NotSent as exc:
                refused.append(str(exc))
    assert client.stats.transport_errors == client.settings.gone_after
    assert len(refused) == 20 - client.settings.gone_after
    assert "stopped answering" in refused[0]


def echoes_the_key(request: Request, conn: Connection) -> None:
    """A 404 whose message and X-Debug header quote the Authorization header received."""
    sent = request.headers["authorization"]
    body = f'{{"success": false, "error": {{"code": "TASK_NOT_FOUND", "message": "no task for {sent}"}}}}'
    conn.send(http_response(404, {"Content-Type": "application/json", "X-Debug": sent}, body.encode()))


def test_key_echoed_by_the_target_is_masked_as_the_response_arrives() -> None:
    with LoopbackServer(echoes_the_key) as server, client_for(server.url) as client:
        exchange = client.send(TASK)
    assert exchange.status == 404
    assert KEY.encode() not in exchange.body and KEY not in exchange.headers["x-debug"]
    assert "no task for Bearer sk-P" in exchange.json()["error"]["message"]


def test_request_httpx_cannot_build_is_not_sent_and_not_counted():
    from errcontract.client.http import ClientSettings, NotSent, TargetClient
    from errcontract.core.exchange import RequestSpec
    from errcontract.core.redact import Redactor

    client = TargetClient(ClientSettings(base_url="http://127.0.0.1:9"), Redactor())
    spec = RequestSpec("GET", "/api/v1/models", None, query={"q": "x" * 70000})
    with pytest.raises(NotSent, match="cannot be built"):
        client.send(spec)
    client.close()
    assert client.stats.sent == 0
