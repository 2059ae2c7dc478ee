"""VicSee-shaped conformant answers: the faithful target and its daily-limit variant.

`faithful_vicsee` answers the recipes a live run sends with conformant VicSee errors (the
contract's envelope, codes and rate-limit headers); `DailyLimit` is the same target with a daily
request limit, after which it answers 429 RATE_LIMITED.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.faulty_servers.loopback import Connection, Handler, Request, http_response

RESET_FAR_AWAY = "2099-01-01T00:00:00.000Z"
KNOWN_MODEL = "vicsee-image-1"  # the contract's default `model` fixture


@dataclass
class VicSeeKeys:
    """Which keys the faithful target knows, and what each account is like."""

    valid: set[str] = field(default_factory=set)
    no_credits: set[str] = field(default_factory=set)
    pending_task: str = "task-pending-0001"


def vicsee_error(status: int, code: str, message: str, limits: dict[str, str] | None = None) -> bytes:
    body = json.dumps({"success": False, "error": {"code": code, "message": message}}).encode()
    return http_response(status, {"Content-Type": "application/json", **(limits or {})}, body)


def rate_limit_headers(limit: int = 500, remaining: int = 499) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": RESET_FAR_AWAY,
    }


def faithful_vicsee(keys: VicSeeKeys, limits: Callable[[], dict[str, str]] = rate_limit_headers) -> Handler:
    """Conformant VicSee errors for every recipe errcontract sends (docs: Errors page, API pages)."""

    def handle(request: Request, conn: Connection) -> None:
        conn.send(vicsee_answer(request, keys, limits))

    return handle


def vicsee_answer(request: Request, keys: VicSeeKeys, limits: Callable[[], dict[str, str]]) -> bytes:
    route = request.path.split("?")[0]
    if route == "/api/v1/models" and request.method == "GET":  # the one endpoint with no auth
        body = json.dumps({"success": True, "data": [{"id": KNOWN_MODEL}]}).encode()
        return http_response(200, {"Content-Type": "application/json"}, body)
    if not (route.startswith("/api/v1/tasks/") or route in ("/api/v1/generate", "/api/v1/tools/upscale")):
        return vicsee_error(404, "NOT_FOUND", "No such route")  # outside the docs: any 404 will do
    auth = request.headers.get("authorization")
    if auth is None:
        return vicsee_error(401, "MISSING_AUTH_HEADER", "Missing Authorization header")
    if not auth.startswith("Bearer "):
        return vicsee_error(401, "INVALID_AUTH_FORMAT", "Invalid Authorization format")
    key = auth.removeprefix("Bearer ")
    if not key.startswith("sk-"):
        return vicsee_error(401, "INVALID_KEY_FORMAT", "Invalid API key format")
    if key not in keys.valid | keys.no_credits:
        return vicsee_error(401, "INVALID_API_KEY", "Invalid or inactive API key")
    if "/tasks/" in request.path:
        return _task_answer(request.path, keys, limits())
    return _generate_answer(request.body, key in keys.no_credits, limits())


def _task_answer(path: str, keys: VicSeeKeys, limits: dict[str, str]) -> bytes:
    task = path.split("/tasks/", 1)[1].split("/")[0].split("?")[0]
    if task != keys.pending_task:
        return vicsee_error(404, "TASK_NOT_FOUND", "Task not found", limits)
    if "/download" in path:
        return vicsee_error(403, "TASK_NOT_COMPLETE", "Task is not complete", limits)
    body = json.dumps({"success": True, "data": {"id": task, "status": "pending"}}).encode()
    return http_response(200, {"Content-Type": "application/json", **limits}, body)


def _generate_answer(raw: bytes, no_credits: bool, limits: dict[str, str]) -> bytes:
    try:
        body = json.loads(raw)
    except ValueError:
        return vicsee_error(400, "INVALID_JSON", "Invalid JSON body", limits)
    if not isinstance(body, dict):
        return vicsee_error(400, "INVALID_JSON", "Invalid JSON body", limits)
    if "model" not in body:
        return vicsee_error(400, "MISSING_MODEL", "model is required", limits)
    if not isinstance(body.get("prompt"), str):  # absent or not text: the docs' prompt is a string
        return vicsee_error(400, "MISSING_PROMPT", "prompt is required", limits)
    if body["model"] != KNOWN_MODEL:
        return vicsee_error(400, "INVALID_MODEL", "Invalid model", limits)
    if no_credits:
        message = "Insufficient credits. Required: 60, Available: 0"
        return vicsee_error(402, "INSUFFICIENT_CREDITS", message, limits)
    return vicsee_error(500, "INTERNAL_ERROR", "a billable request reached the test target", limits)


class DailyLimit:
    """A faithful VicSee target whose daily limit is `limit` requests; after it, 429 RATE_LIMITED
    with X-RateLimit-Remaining 0 and a reset far away (docs: Rate Limit Errors (429))."""

    def __init__(self, limit: int, keys: VicSeeKeys) -> None:
        self.limit = limit
        self.keys = keys
        self.answered_429 = 0
        self.after_first_429 = 0  # requests that arrived after the first 429 was sent
        self._used = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request, conn: Connection) -> None:
        with self._lock:
            self._used += 1
            used = self._used
            self.after_first_429 += 1 if self.answered_429 else 0
            self.answered_429 += 1 if used > self.limit else 0
        headers = rate_limit_headers(self.limit, max(0, self.limit - used))
        if used > self.limit:
            message = f"Rate limit exceeded. Limit: {self.limit}/day. Resets at: {RESET_FAR_AWAY}"
            conn.send(vicsee_error(429, "RATE_LIMITED", message, headers))
        else:
            conn.send(vicsee_answer(request, self.keys, lambda: headers))


class BurstLimit:
    """A faithful VicSee target whose headers show room, but which refuses every request after
    the first `limit` with 429 RATE_LIMITED, its window full and a Retry-After an hour away (the
    account's other clients used it up). Each answer waits `delay_s`, so the run's requests are in flight
    together; it counts the 429s, the requests that arrived after the first 429 was sent, and
    the most requests in flight at once."""

    def __init__(self, limit: int, keys: VicSeeKeys, delay_s: float = 0.05) -> None:
        self.limit = limit
        self.keys = keys
        self.delay_s = delay_s
        self.answered_429 = 0
        self.after_first_429 = 0
        self.most_in_flight = 0
        self._first_429_sent = False
        self._used = 0
        self._in_flight = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request, conn: Connection) -> None:
        with self._lock:
            self._used += 1
            used = self._used
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
            self.after_first_429 += 1 if self._first_429_sent else 0
        time.sleep(self.delay_s)
        try:
            if used > self.limit:
                headers = {**rate_limit_headers(500, 0), "Retry-After": "3600"}  # the window: full now
                message = f"Rate limit exceeded. Limit: 500/day. Resets at: {RESET_FAR_AWAY}"
                conn.send(vicsee_error(429, "RATE_LIMITED", message, headers))
                with self._lock:
                    self.answered_429 += 1
                    self._first_429_sent = True
            else:
                conn.send(vicsee_answer(request, self.keys, rate_limit_headers))
        finally:
            with self._lock:
                self._in_flight -= 1
