"""An independent OpenAI-compatible server, written from OpenAI's docs only (the error-codes guide,
the rate-limits guide, the API reference and its OpenAPI's Error object and Retry-After).

Run: python -m tests.independent.openai [--port N] [--variant NAME]; prints {"url", "fixtures"}.
Where the docs are silent this server makes its own choices (CHOICES); `--variant` makes another
choice the docs leave open (VARIANTS: each must still be conformant) or departs from them on
purpose (DEPARTURES: each must be caught). It shares no code or data with errcontract.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import Callable

from tests.independent._http import Reply, Request, json_reply, parse_json, serve

CHOICES = """
- a missing key: 401 code null; an unknown key: 401 invalid_api_key (OpenAI's own answers)
- a 400 carries type invalid_request_error and a code naming the mistake (missing_required_parameter,
  invalid_type, invalid_json); param names the field
- an unknown model: 404 model_not_found (type invalid_request_error), on GET /models/{id} and in a
  chat completion's body
- unknown routes and methods: 404 in the envelope (code unknown_url)
- keys of accounts in a state the guide names: no quota (a chat completion: 429 insufficient_quota),
  a full window (every request: 429 rate_limit_exceeded, Retry-After 20), no organization (401)
- rate limits: 10000 requests a minute, a sliding minute; the x-ratelimit-* headers on every served
  chat completion (limits and remaining as numbers, resets as durations); no 429 is ever needed
"""

VARIANTS = {  # choices the docs leave open: every one must come out conformant
    "codes-null": "every error but the unknown key carries code null",
    "missing-key-as-invalid-api-key": "a missing key is answered code invalid_api_key",
    "ollama-404": "an unknown model is 404 type not_found_error, code null",
    "headers-everywhere": "the rate-limit headers on every response to a known key, errors included",
    "reset-in-ms": "resets as durations in other units (250ms, 1m0.5s)",
    "no-param": "param is always null",
    "extra-members": "errors carry extra members (error.request_id, a top-level request id)",
    "not-found-for-405": "a known route with another method: 404 with code null",
}

Departure = Callable[["OpenAI", Request, Reply], Reply]


def _chat(req: Request) -> bool:
    return req.method == "POST" and req.path.rstrip("/").endswith("/chat/completions")


def _served_chat(req: Request, reply: Reply) -> bool:
    return _chat(req) and reply.status == 200


def _error_on_chat(
    status: int, type_: str, code: str | None, headers: list[tuple[str, str]] | None = None
) -> Departure:
    def depart(app: OpenAI, req: Request, reply: Reply) -> Reply:
        if not _served_chat(req, reply):
            return reply
        return app.error(status, type_, code, "Departure on purpose", headers=headers)

    return depart


def _on_errors(change: Callable[[dict], dict | bytes]) -> Departure:
    def depart(app: OpenAI, req: Request, reply: Reply) -> Reply:
        if reply.status < 400:
            return reply
        ok, body = parse_json(reply.body)
        if not ok or not isinstance(body, dict):
            return reply
        changed = change(body)
        if isinstance(changed, bytes):
            return Reply(reply.status, changed, reply.content_type, reply.headers)
        return json_reply(reply.status, changed, reply.headers)

    return depart


def _restatus(old: int, new: int) -> Departure:
    def depart(app: OpenAI, req: Request, reply: Reply) -> Reply:
        return Reply(new, reply.body, reply.content_type, reply.headers) if reply.status == old else reply

    return depart


def _without_headers(prefix: str) -> Departure:
    def depart(app: OpenAI, req: Request, reply: Reply) -> Reply:
        kept = [(n, v) for n, v in reply.headers if not n.lower().startswith(prefix)]
        return Reply(reply.status, reply.body, reply.content_type, kept)

    return depart


def _header_value(name: str, value: str) -> Departure:
    def depart(app: OpenAI, req: Request, reply: Reply) -> Reply:
        headers = [(n, value if n.lower() == name else v) for n, v in reply.headers]
        return Reply(reply.status, reply.body, reply.content_type, headers)

    return depart


def _served_without_key(app: OpenAI, req: Request, reply: Reply) -> Reply:
    if (
        reply.status == 401
        and req.header("authorization") is None
        and req.path.rstrip("/").endswith("/models")
    ):
        return app.list_models()
    return reply


def _unknown_key_served(app: OpenAI, req: Request, reply: Reply) -> Reply:
    ok, body = parse_json(reply.body)
    if reply.status == 401 and ok and isinstance(body, dict) and body["error"]["code"] == "invalid_api_key":
        return app.list_models()
    return reply


def _crash_on_missing_messages(app: OpenAI, req: Request, reply: Reply) -> Reply:
    ok, body = parse_json(reply.body)
    if reply.status == 400 and ok and isinstance(body, dict) and body["error"].get("param") == "messages":
        return Reply(500, b"Internal Server Error", "text/plain")
    return reply


def _error_in_a_200(app: OpenAI, req: Request, reply: Reply) -> Reply:
    return Reply(200, reply.body, reply.content_type, reply.headers) if reply.status == 400 else reply


def _models_of_64_mb(app: OpenAI, req: Request, reply: Reply) -> Reply:
    if req.method == "GET" and req.path.rstrip("/").endswith("/models") and reply.status == 200:
        return Reply(200, b'{"object": "list", "data": [' + b" " * (64 << 20) + b"]}")
    return reply


def _frozen_remaining(app: OpenAI, req: Request, reply: Reply) -> Reply:
    limit = next((v for n, v in reply.headers if n == "x-ratelimit-limit-requests"), None)
    return _header_value("x-ratelimit-remaining-requests", limit)(app, req, reply) if limit else reply


def _gateway(status: int) -> Departure:
    def depart(app: OpenAI, req: Request, reply: Reply) -> Reply:
        if not _served_chat(req, reply):
            return reply
        page = f"<html><body><h1>{status}</h1>upstream trouble</body></html>".encode()
        return Reply(status, page, "text/html")

    return depart


def _drop(member: str) -> Callable[[dict], dict]:
    def change(body: dict) -> dict:
        body["error"].pop(member, None)
        return body

    return change


def _set(member: str, value: object) -> Callable[[dict], dict]:
    def change(body: dict) -> dict:
        body["error"][member] = value
        return body

    return change


def _flatten(body: dict) -> dict:
    return dict(body["error"])


def _unknown_model_400(app: OpenAI, req: Request, reply: Reply) -> Reply:
    ok, body = parse_json(reply.body)
    if (
        reply.status == 404
        and ok
        and isinstance(body, dict)
        and body["error"].get("code") == "model_not_found"
    ):
        return app.error(400, "invalid_request_error", "model_not_found", "The model does not exist")
    return reply


def _missing_messages_404(app: OpenAI, req: Request, reply: Reply) -> Reply:
    ok, body = parse_json(reply.body)
    if reply.status == 400 and ok and isinstance(body, dict) and body["error"].get("param") == "messages":
        return app.error(404, "invalid_request_error", "model_not_found", "The model does not exist")
    return reply


DEPARTURES: dict[str, tuple[str, Departure]] = {
    # a documented code at a status the docs do not give it
    "quota-code-at-403": (
        "a chat completion is refused 403 insufficient_quota",
        _error_on_chat(403, "insufficient_quota", "insufficient_quota"),
    ),
    "credit-code-at-500": (
        "a chat completion fails 500 credit_balance_exhausted",
        _error_on_chat(500, "insufficient_quota", "credit_balance_exhausted"),
    ),
    "slow-down-at-400": (
        "a chat completion is refused 400 slow_down",
        _error_on_chat(400, "rate_limit_error", "slow_down"),
    ),
    "quota-code-at-401": (
        "a chat completion is refused 401 insufficient_quota",
        _error_on_chat(401, "insufficient_quota", "insufficient_quota"),
    ),
    # the type stated beside a code
    "slow-down-wrong-type": (
        "429 slow_down with type invalid_request_error",
        _error_on_chat(429, "invalid_request_error", "slow_down", [("retry-after", "2")]),
    ),
    "overloaded-wrong-type": (
        "503 server_is_overloaded with type server_error",
        _error_on_chat(503, "server_error", "server_is_overloaded"),
    ),
    # rate-limit headers and Retry-After
    "rate-limit-headers-absent": (
        "served chat completions carry no x-ratelimit-* header",
        _without_headers("x-ratelimit-"),
    ),
    "remaining-frozen": ("x-ratelimit-remaining-requests stays at the limit", _frozen_remaining),
    "retry-after-zero": (
        "a 429 rate limit with Retry-After: 0",
        _error_on_chat(429, "requests", "rate_limit_exceeded", [("retry-after", "0")]),
    ),
    "retry-after-date": (
        "a 429 rate limit with an HTTP-date Retry-After",
        _error_on_chat(
            429, "requests", "rate_limit_exceeded", [("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]
        ),
    ),
    "remaining-not-a-number": (
        "x-ratelimit-remaining-requests is 'many'",
        _header_value("x-ratelimit-remaining-requests", "many"),
    ),
    # statuses
    "gateway-502": ("a chat completion answered by a gateway's 502 HTML page", _gateway(502)),
    "gateway-504": ("a chat completion answered by a gateway's 504 HTML page", _gateway(504)),
    "teapot": ("every 400 is sent as 418", _restatus(400, 418)),
    "auth-as-403": ("every 401 is sent as 403", _restatus(401, 403)),
    "not-found-as-400": ("every 404 is sent as 400", _restatus(404, 400)),
    "errors-as-200": ("every 400 is sent as 200", _error_in_a_200),
    # justification
    "unknown-model-400-model-not-found": (
        "an unknown model is 400 carrying model_not_found",
        _unknown_model_400,
    ),
    "missing-messages-404": (
        "a chat completion without messages is 404 model_not_found",
        _missing_messages_404,
    ),
    "crash-on-missing-messages": (
        "a chat completion without messages crashes: 500 text/plain",
        _crash_on_missing_messages,
    ),
    # the envelope
    "flattened-envelope": ("errors are the bare error object, no {error: ...}", _on_errors(_flatten)),
    "no-message": ("errors leave out error.message", _on_errors(_drop("message"))),
    "no-type": ("errors leave out error.type", _on_errors(_drop("type"))),
    "param-missing": ("errors leave out error.param", _on_errors(_drop("param"))),
    "code-a-number": ("error.code is a number", _on_errors(_set("code", 401))),
    "errors-as-text": (
        "error bodies are plain text",
        _on_errors(lambda body: b"error: " + str(body["error"].get("message")).encode()),
    ),
    # access control
    "models-without-key": ("GET /models serves a request without a key", _served_without_key),
    "unknown-key-served": ("an unknown key is served", _unknown_key_served),
    # reading
    "models-of-64-mb": ("GET /models answers a 64 MB list", _models_of_64_mb),
}

MODELS = {
    "indie-chat-1": 1722470400,
    "indie-chat-1-mini": 1722470500,
    "indie-embed-2": 1700000000,
}
RPM = 10_000
MINUTE_S = 60.0


class OpenAI:
    def __init__(self, variant: str | None = None) -> None:
        self.variant = variant if variant in VARIANTS else None
        self.departure = DEPARTURES[variant][1] if variant in DEPARTURES else None
        self.lock = threading.Lock()
        self.key = "sk-indie-" + secrets.token_urlsafe(30)
        self.hits: deque[float] = deque()
        # keys of accounts in a state the guide names: no quota left, a full window, no organization
        self.broke, self.crowded, self.lonely = ("sk-indie-" + secrets.token_urlsafe(30) for _ in range(3))
        self.fixtures = {
            "api_key": self.key,
            "api_key_no_quota": self.broke,
            "api_key_rate_limited": self.crowded,
            "api_key_no_organization": self.lonely,
            "model": "indie-chat-1-mini",
        }

    # ---- envelope -------------------------------------------------------------------------
    def error(
        self,
        status: int,
        type_: str,
        code: str | None,
        message: str,
        param: str | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> Reply:
        if self.variant == "codes-null" and code != "invalid_api_key":
            code = None
        if self.variant == "no-param":
            param = None
        error: dict[str, object] = {"message": message, "type": type_, "param": param, "code": code}
        body: dict[str, object] = {"error": error}
        if self.variant == "extra-members":
            error["request_id"] = "req_" + secrets.token_hex(8)
            body["request"] = {"id": error["request_id"]}
        return json_reply(status, body, headers)

    # ---- rate limits ------------------------------------------------------------------------
    def _count(self) -> list[tuple[str, str]]:
        """One request in the sliding minute; the headers that say where the key stands."""
        now = time.monotonic()
        with self.lock:
            while self.hits and self.hits[0] <= now - MINUTE_S:
                self.hits.popleft()
            self.hits.append(now)
            used, oldest = len(self.hits), self.hits[0]
        until = max(0.0, oldest + MINUTE_S - now)
        reset = f"{int(until * 1000)}ms" if self.variant == "reset-in-ms" else f"{until:.0f}s"
        return [
            ("x-ratelimit-limit-requests", str(RPM)),
            ("x-ratelimit-limit-tokens", "2000000"),
            ("x-ratelimit-remaining-requests", str(max(0, RPM - used))),
            ("x-ratelimit-remaining-tokens", "1999000"),
            ("x-ratelimit-reset-requests", reset),
            ("x-ratelimit-reset-tokens", "1m0.5s" if self.variant == "reset-in-ms" else "0s"),
        ]

    # ---- routing ----------------------------------------------------------------------------
    def handle(self, req: Request) -> Reply:
        reply = self._handle(req)
        return self.departure(self, req, reply) if self.departure else reply

    def _handle(self, req: Request) -> Reply:
        segs = [s for s in req.segments if s != ""] if req.segments[-1:] == [""] else req.segments
        if segs[:1] != ["v1"]:
            return self._no_route(req)
        rest, method = segs[1:], ("GET" if req.method == "HEAD" else req.method)
        known = rest in (["models"], ["chat", "completions"]) or (len(rest) == 2 and rest[0] == "models")
        if not known:
            return self._no_route(req)
        wanted = "POST" if rest == ["chat", "completions"] else "GET"
        if method != wanted:
            if self.variant == "not-found-for-405":
                return self.error(404, "invalid_request_error", None, f"No {method} on {req.path}")
            return self._no_route(req)
        refused = self._authenticate(req)
        if refused is not None:
            return refused
        if (req.header("authorization") or "").partition(" ")[2].strip() == self.crowded:
            return self._window_full()  # the organization's window is full: every request waits
        if rest == ["models"]:
            return self._with_headers(req, self.list_models())
        if rest[0] == "models":
            return self._with_headers(req, self.retrieve(rest[1]))
        return self.chat(req)

    def _with_headers(self, req: Request, reply: Reply) -> Reply:
        if self.variant != "headers-everywhere":
            return reply
        return Reply(reply.status, reply.body, reply.content_type, [*reply.headers, *self._count()])

    def _no_route(self, req: Request) -> Reply:
        return self.error(
            404, "invalid_request_error", "unknown_url", f"Unknown request URL: {req.method} {req.path}"
        )

    def _authenticate(self, req: Request) -> Reply | None:
        header = req.header("authorization")
        if header is None or not header.strip():
            code = "invalid_api_key" if self.variant == "missing-key-as-invalid-api-key" else None
            message = "You didn't provide an API key. Provide it in an Authorization header (Bearer)."
            return self.error(401, "invalid_request_error", code, message)
        scheme, _, key = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return self.error(
                401, "invalid_request_error", None, "The Authorization header must be 'Bearer KEY'."
            )
        key = key.strip()
        if key == self.lonely:
            message = "You must be a member of an organization to use the API."
            return self.error(401, "invalid_request_error", "no_organization", message)
        if key not in (self.key, self.broke, self.crowded):
            return self.error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.")
        return None

    # ---- models -----------------------------------------------------------------------------
    def list_models(self) -> Reply:
        data = [{"id": m, "object": "model", "created": c, "owned_by": "indie"} for m, c in MODELS.items()]
        return json_reply(200, {"object": "list", "data": data})

    def _unknown_model(self, name: str, in_body: bool) -> Reply:
        if self.variant == "ollama-404":
            return self.error(404, "not_found_error", None, f'model "{name}" not found')
        message = f"The model `{name}` does not exist or you do not have access to it."
        return self.error(
            404, "invalid_request_error", "model_not_found", message, "model" if in_body else None
        )

    def retrieve(self, name: str) -> Reply:
        if name not in MODELS:
            return self._unknown_model(name, in_body=False)
        return json_reply(200, {"id": name, "object": "model", "created": MODELS[name], "owned_by": "indie"})

    # ---- chat completions ---------------------------------------------------------------------
    def chat(self, req: Request) -> Reply:
        key = (req.header("authorization") or "").partition(" ")[2].strip()
        if key == self.broke:
            message = "You exceeded your current quota, please check your plan and billing details."
            return self.error(429, "insufficient_quota", "insufficient_quota", message)
        return self._chat(req)

    def _window_full(self) -> Reply:
        headers = [
            ("retry-after", "20"),
            ("x-ratelimit-limit-requests", "3"),
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "20s"),
        ]
        message = "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1."
        return self.error(429, "requests", "rate_limit_exceeded", message, headers=headers)

    def _chat(self, req: Request) -> Reply:
        ok, body = parse_json(req.body)
        if not ok:
            return self.error(
                400,
                "invalid_request_error",
                "invalid_json",
                "We could not parse the JSON body of your request.",
            )
        if not isinstance(body, dict):
            return self.error(400, "invalid_request_error", "invalid_type", "The body must be a JSON object.")
        for field, kind in (("model", str), ("messages", list)):
            if field not in body:
                return self.error(
                    400,
                    "invalid_request_error",
                    "missing_required_parameter",
                    f"Missing required parameter: '{field}'.",
                    field,
                )
            if not isinstance(body[field], kind) or isinstance(body[field], bool):
                return self.error(
                    400, "invalid_request_error", "invalid_type", f"Invalid type for '{field}'.", field
                )
        problem = self._bad_messages(body["messages"]) or self._bad_options(body)
        if problem is not None:
            return self.error(400, "invalid_request_error", "invalid_value", problem[1], problem[0])
        if body["model"] not in MODELS:
            return self._unknown_model(body["model"], in_body=True)
        headers = self._count()
        answer = {
            "id": "chatcmpl-" + secrets.token_hex(12),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6},
        }
        return json_reply(200, answer, headers)

    @staticmethod
    def _bad_messages(messages: list) -> tuple[str, str] | None:
        if not messages:
            return "messages", "messages must hold at least one message"
        for item in messages:
            if not isinstance(item, dict) or item.get("role") not in (
                "system",
                "developer",
                "user",
                "assistant",
                "tool",
            ):
                return "messages", "each message needs a valid role"
        return None

    @staticmethod
    def _bad_options(body: dict) -> tuple[str, str] | None:
        limit = body.get("max_completion_tokens")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            return "max_completion_tokens", "max_completion_tokens must be a positive integer"
        temperature = body.get("temperature")
        if temperature is not None and (
            isinstance(temperature, bool)
            or not isinstance(temperature, int | float)
            or not 0 <= temperature <= 2
        ):
            return "temperature", "temperature must be a number between 0 and 2"
        return None


def main() -> None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--variant", default=None, choices=[*VARIANTS, *DEPARTURES])
    known, rest = parser.parse_known_args(sys.argv[1:])
    app = OpenAI(known.variant)
    serve(app, app.fixtures, rest)


if __name__ == "__main__":
    main()
