"""What the client puts on the wire and what it makes of the answer: compressed bodies decoded
and bounded, no cookie carried between probes, every request under the target root."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable

import pytest

from errcontract.client.http import ClientSettings, TargetClient
from errcontract.core.exchange import RequestSpec
from errcontract.core.redact import Redactor
from tests.faulty_servers import Connection, LoopbackServer, Request, http_response

ENVELOPE = {"success": False, "error": {"code": "TASK_NOT_FOUND", "message": "no such task"}}
TASK = RequestSpec(method="GET", path="/api/v1/tasks/t-404", endpoint="get_task")


def client_for(url: str, max_body_bytes: int = 1 << 20) -> TargetClient:
    return TargetClient(ClientSettings(base_url=url, max_body_bytes=max_body_bytes), Redactor())


def answers_encoded(coding: str, body: bytes) -> Callable[[Request, Connection], None]:
    """A 404 whose body is `body`, sent with `Content-Encoding: coding`."""

    def handle(request: Request, conn: Connection) -> None:
        headers = {"Content-Type": "application/json", "Content-Encoding": coding}
        conn.send(http_response(404, headers, body))

    return handle


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODED = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,  # zlib-wrapped, as the RFC says
    "deflate-raw": raw_deflate,  # what some servers send as "deflate"
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_compressed_error_body_is_judged_decoded(name: str) -> None:
    body = ENCODED[name](json.dumps(ENVELOPE).encode())
    coding = name.removesuffix("-raw")
    with LoopbackServer(answers_encoded(coding, body)) as server, client_for(server.url) as client:
        exchange = client.send(TASK)
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"
    assert exchange.status == 404 and exchange.json() == ENVELOPE
    assert not exchange.truncated


def test_decompression_bomb_is_cut_at_the_body_limit() -> None:
    bomb = gzip.compress(b"\x00" * (64 << 20))  # 64 MB of zeros in ~64 kB
    limit = 1 << 20
    with LoopbackServer(answers_encoded("gzip", bomb)) as server, client_for(server.url, limit) as client:
        exchange = client.send(TASK)
    assert len(bomb) < limit
    assert exchange.truncated and len(exchange.body) == limit


@pytest.mark.parametrize("coding", ["br", "gzip, gzip"])
def test_body_in_an_encoding_not_offered_is_kept_as_sent(coding: str) -> None:
    body = b"\x8b\x02\x80not-decodable"
    with LoopbackServer(answers_encoded(coding, body)) as server, client_for(server.url) as client:
        exchange = client.send(TASK)
    assert exchange.body == body


def test_body_that_does_not_decode_is_kept_as_sent() -> None:
    body = json.dumps(ENVELOPE).encode()  # says gzip, is plain JSON
    with LoopbackServer(answers_encoded("gzip", body)) as server, client_for(server.url) as client:
        exchange = client.send(TASK)
    assert exchange.body == body


def sets_a_session_cookie(request: Request, conn: Connection) -> None:
    headers = {"Content-Type": "application/json", "Set-Cookie": "session=abc123; Path=/"}
    conn.send(http_response(404, headers, json.dumps(ENVELOPE).encode()))


def test_cookie_set_by_the_target_is_not_sent_with_the_next_probe() -> None:
    with LoopbackServer(sets_a_session_cookie) as server, client_for(server.url) as client:
        client.send(TASK)
        client.send(TASK)
    assert [r.headers.get("cookie") for r in server.requests] == [None, None]


def test_a_path_that_looks_like_another_host_stays_under_the_target_root() -> None:
    spec = RequestSpec(method="GET", path="//other.invalid/api/v1/tasks/x", endpoint="get_task")
    with LoopbackServer(sets_a_session_cookie) as server, client_for(server.url + "/root/") as client:
        exchange = client.send(spec)
    assert exchange.status == 404
    assert server.requests[0].path == "/root/other.invalid/api/v1/tasks/x"


def test_spec_headers_replace_the_defaults_whatever_their_case() -> None:
    spec = RequestSpec("GET", "/api/v1/tasks/x", "get_task", headers={"user-agent": "probe"})
    with LoopbackServer(sets_a_session_cookie) as server, client_for(server.url) as client:
        client.send(spec)
    received = server.requests[0]
    assert received.headers["user-agent"] == "probe" and received.headers["accept"] == "*/*"
    assert received.header_names.count("user-agent") == 1
