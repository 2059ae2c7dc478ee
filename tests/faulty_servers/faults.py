"""Scripted faults: handlers that answer wrongly on purpose, and `routed` to aim them.

Each handler's docstring says exactly how it is wrong; `routed` sends only some requests to a
fault, so a run can show that it judges the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.faulty_servers.loopback import (
    REASON_PHRASES,
    Connection,
    Handler,
    Request,
    http_response,
    response_head,
)


def routed(fault: Handler, when: Callable[[Request], bool], otherwise: Handler) -> Handler:
    """Requests matching `when` meet the fault; the others get `otherwise`."""

    def handle(request: Request, conn: Connection) -> None:
        (fault if when(request) else otherwise)(request, conn)

    return handle


def is_task_request(request: Request) -> bool:
    return "/tasks/" in request.path


# -- faults: each handler's docstring says exactly how it is wrong ---------------------------------
def never_answers(request: Request, conn: Connection) -> None:
    """Reads the request, then says nothing until the server stops."""
    conn.stopping.wait()


def closes_without_response(request: Request, conn: Connection) -> None:
    """Reads the request and closes the connection without a byte of response."""


def closes_mid_body(request: Request, conn: Connection) -> None:
    """Promises a 400 JSON body of 200 bytes, sends 20 of them, and closes."""
    conn.send(response_head(400, {"Content-Type": "application/json"}, 200) + b'{"success": false, "e')


def trickles_body(request: Request, conn: Connection) -> None:
    """Sends a 404's headers at once, then its JSON body one byte every 0.1 s."""
    body = json.dumps({"success": False, "error": {"code": "TASK_NOT_FOUND", "message": "x" * 1200}})
    conn.send(response_head(404, {"Content-Type": "application/json"}, len(body)))
    for byte in body.encode():
        if conn.stopping.wait(0.1):
            return
        conn.send(bytes([byte]))


def trickles_head(request: Request, conn: Connection) -> None:
    """Sends its status line and headers one byte every 0.1 s (a read timeout never fires)."""
    head = response_head(404, {"Content-Type": "application/json", "X-Padding": "p" * 1200}, 0)
    for byte in head:
        if conn.stopping.wait(0.1):
            return
        conn.send(bytes([byte]))


def gateway_page(status: int) -> Handler:
    """An nginx-style HTML error page (502, 504, 413) where the contract promises a JSON error."""
    title = f"{status} {REASON_PHRASES[status]}"
    page = f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
    page += "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

    def handle(request: Request, conn: Connection) -> None:
        conn.send(http_response(status, {"Content-Type": "text/html", "Server": "nginx"}, page.encode()))

    return handle


def json_typed(status: int, body: bytes) -> Handler:
    """`body` (invalid UTF-8, truncated JSON) sent as `application/json`."""

    def handle(request: Request, conn: Connection) -> None:
        conn.send(http_response(status, {"Content-Type": "application/json"}, body))

    return handle


def huge_body(megabytes: int) -> Handler:
    """A 404 whose JSON body is `megabytes` MB long (a message of spaces), sent as fast as it can."""
    piece = b" " * (1 << 20)

    def handle(request: Request, conn: Connection) -> None:
        total = megabytes << 20
        conn.send(response_head(404, {"Content-Type": "application/json"}, total))
        conn.send(b'{"success": false, "error": {"code": "TASK_NOT_FOUND", "message": "')
        for _ in range(megabytes - 1):
            conn.send(piece)

    return handle


def huge_success(megabytes: int) -> Handler:
    """A 200 whose JSON list is `megabytes` MB long (spaces before the first item), sent as fast
    as it can: what was read of it names nothing."""
    piece = b" " * (1 << 20)

    def handle(request: Request, conn: Connection) -> None:
        conn.send(response_head(200, {"Content-Type": "application/json"}, megabytes << 20))
        conn.send(b'{"success": true, "data": [')
        for _ in range(megabytes - 1):
            conn.send(piece)

    return handle


def is_model_list_request(request: Request) -> bool:
    return request.path.rstrip("/").endswith("/models")


def redirects_to(location: str) -> Handler:
    """Answers 302 to `location` (another host), as a moved or hijacked API root might."""

    def handle(request: Request, conn: Connection) -> None:
        headers = {"Location": location + request.path, "Content-Type": "text/html"}
        conn.send(http_response(302, headers, b"<a>moved</a>"))

    return handle


def unknown_keys_400(request: Request, conn: Connection) -> None:
    """LiteLLM's proxy without its database: any bearer key (it cannot look one up) is a 400
    `no_db_connection` in OpenAI's envelope; no key at all, a 500 `text/plain`. A wrong key and a
    made-up one get the same answer."""
    if "authorization" not in request.headers:
        conn.send(http_response(500, {"Content-Type": "text/plain"}, b"Internal Server Error"))
        return
    error = {"message": "No connected db.", "type": "no_db_connection", "param": None, "code": "400"}
    conn.send(http_response(400, {"Content-Type": "application/json"}, json.dumps({"error": error}).encode()))


def web_site(request: Request, conn: Connection) -> None:
    """A front-end: 200 `text/html` (the app's shell page) to every path, key or no key."""
    page = b"<!doctype html><html><head><title>App</title></head><body><div id=root></div></body></html>"
    conn.send(http_response(200, {"Content-Type": "text/html; charset=utf-8"}, page))


def open_json(request: Request, conn: Connection) -> None:
    """A JSON catch-all: 200 `{}` to every path, key or no key (the docs require a key)."""
    conn.send(http_response(200, {"Content-Type": "application/json"}, b"{}"))
