"""An independent VicSee server, written from VicSee's docs only (errors page + API reference facts).

Run: python -m tests.independent.vicsee [--port N]; prints {"url", "fixtures"} on one line.
Where the docs are silent this server makes its own choices (see CHOICES).
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from tests.independent._http import Reply, Request, json_reply, parse_json, serve

CHOICES = """
- check order: route, auth, rate limit, body (JSON, model presence, model validity, prompt), credits
- TASK_NOT_COMPLETE and NO_RESULT are 404; a failed task's download is NO_RESULT
- accounts: main Enterprise (limit 2000000/day in the headers), no-credits Pro, rate-limited
  Starter whose 100/day other clients have used up (every authenticated request 429)
- every counted request (anything from a recognised key but a 429) lowers X-RateLimit-Remaining
- unknown routes and methods: 404 TASK_NOT_FOUND (the only documented 404 code)
- prompt may also come as input.prompt (the newer reference); options must be an object,
  resolution 1K/2K/4K and duration 10/15 when given (else 400 INVALID_JSON)
- upscale needs `image`, an http(s) URL (else 400 INVALID_JSON); the Content-Type is not checked
"""

# `--variant NAME`: another choice the docs leave open (must stay conformant), or a departure on
# purpose (must be found).
VARIANTS = {
    "rolling-day": "the day is a rolling 24 hours: X-RateLimit-Reset is a day after each request",
    "headers-on-401": "the rate-limit headers on every response, 401s included (an untouched day)",
}
DEPARTURES = {
    "remaining-frozen-moving-reset": "X-RateLimit-Remaining stays at the limit; the reset moves a day ahead",
    "remaining-frozen": "X-RateLimit-Remaining stays at the limit",
}

BASE = ("api", "v1")
MAX_JSON = 2 * 1024 * 1024
DOCS = "https://vicsee.com/docs/errors"

MESSAGES = {  # the error page's Message column, word for word
    "MISSING_AUTH_HEADER": "Missing Authorization header",
    "INVALID_AUTH_FORMAT": "Invalid Authorization format",
    "INVALID_KEY_FORMAT": "Invalid API key format",
    "INVALID_API_KEY": "Invalid or inactive API key",
    "INVALID_JSON": "Invalid JSON body",
    "MISSING_MODEL": "model is required",
    "MISSING_PROMPT": "prompt is required",
    "INVALID_MODEL": "Invalid model",
    "INSUFFICIENT_CREDITS": "Not enough credits",
    "RATE_LIMITED": "Rate limit exceeded",
    "TASK_NOT_FOUND": "Task not found",
    "FORBIDDEN": "Access denied",
    "TASK_NOT_COMPLETE": "Task is not complete",
    "NO_RESULT": "No result available",
    "INTERNAL_ERROR": "Internal server error",
}
STATUS = {
    "MISSING_AUTH_HEADER": 401,
    "INVALID_AUTH_FORMAT": 401,
    "INVALID_KEY_FORMAT": 401,
    "INVALID_API_KEY": 401,
    "INVALID_JSON": 400,
    "MISSING_MODEL": 400,
    "MISSING_PROMPT": 400,
    "INVALID_MODEL": 400,
    "INSUFFICIENT_CREDITS": 402,
    "RATE_LIMITED": 429,
    "TASK_NOT_FOUND": 404,
    "FORBIDDEN": 403,
    "TASK_NOT_COMPLETE": 404,
    "NO_RESULT": 404,
    "INTERNAL_ERROR": 500,
}

CATALOG = {
    "vs-photo-2": {"name": "VicSee Photo 2", "type": "image", "credits": 8},
    "vs-photo-2-hd": {"name": "VicSee Photo 2 HD", "type": "image", "credits": 20},
    "vs-motion-1": {"name": "VicSee Motion 1", "type": "video", "credits": 50},
}
UPSCALE_CREDITS = 3
IMAGE_URL = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?")
PLANS = {"starter": 100, "pro": 500, "enterprise": 2_000_000}  # enterprise: "unlimited", in headers a number
DONE_AFTER_S = 1.5
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _now() -> datetime:
    return datetime.now(UTC)


class Account:
    def __init__(self, name: str, plan: str, credits: int, saturated: bool = False):
        self.name, self.plan, self.credits, self.saturated = name, plan, credits, saturated
        self.day = _now().date()
        self.used = 0

    @property
    def limit(self) -> int:
        return PLANS[self.plan]


class VicSee:
    def __init__(self, variant: str | None = None) -> None:
        self.variant = variant
        self.lock = threading.Lock()
        self.accounts = {
            "acme": Account("acme", "enterprise", 5_000_000),
            "lowbal": Account("lowbal", "pro", 0),
            "crowded": Account("crowded", "starter", 2_000, saturated=True),
            "stranger": Account("stranger", "pro", 900),
        }
        self.keys: dict[str, Account] = {}
        self.fixtures: dict[str, str] = {}
        for fixture, account in (
            ("api_key", "acme"),
            ("api_key_no_credits", "lowbal"),
            ("api_key_rate_limited", "crowded"),
            (None, "stranger"),
        ):
            key = "sk-vs-" + secrets.token_hex(24)
            self.keys[key] = self.accounts[account]
            if fixture:
                self.fixtures[fixture] = key
        self.tasks: dict[str, dict] = {}
        started = time.monotonic() - 3600
        for fixture, owner, status, result in (
            ("pending_task_id", "acme", "pending", None),
            ("no_result_task_id", "acme", "completed", None),
            ("foreign_task_id", "stranger", "completed", "image"),
            (None, "acme", "completed", "image"),
            (None, "acme", "failed", None),
        ):
            tid = self._task_id()
            self.tasks[tid] = {
                "id": tid,
                "owner": owner,
                "model": "vs-photo-2",
                "prompt": "a lighthouse at dusk",
                "mediaType": "image",
                "createdAt": _iso(_now() - timedelta(hours=1)),
                "fixed": status,
                "started": started,
                "result": result,
            }
            if fixture:
                self.fixtures[fixture] = tid
        self.fixtures["model"] = "vs-photo-2"

    @staticmethod
    def _task_id() -> str:
        return "tsk_" + secrets.token_hex(10)

    # ---- envelope -------------------------------------------------------------------------
    def error(self, code: str, account: Account | None = None, **extra: object) -> Reply:
        body = {
            "success": False,
            "error": {"code": code, "message": MESSAGES[code], "docs": f"{DOCS}#{code.lower()}", **extra},
            "requestId": "req_" + secrets.token_hex(8),
        }
        return json_reply(STATUS[code], body, self._limit_headers(account))

    def ok(self, data: object, account: Account | None) -> Reply:
        return json_reply(200, {"success": True, "data": data}, self._limit_headers(account))

    def protocol_error(self, status: int) -> Reply:
        return self.error("INVALID_JSON") if status < 500 else self.internal_error()

    def internal_error(self) -> Reply:
        return self.error("INTERNAL_ERROR")

    # ---- rate limits ----------------------------------------------------------------------
    @staticmethod
    def _next_midnight() -> datetime:
        today = _now().date()
        return datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)

    def _limit_headers(self, account: Account | None) -> list[tuple[str, str]]:
        if account is None:
            if self.variant != "headers-on-401":
                return []
            untouched = str(PLANS["pro"])
            return [
                ("x-ratelimit-limit", untouched),
                ("x-ratelimit-remaining", untouched),
                ("x-ratelimit-reset", _iso(self._next_midnight())),
            ]
        remaining = 0 if account.saturated else max(0, account.limit - account.used)
        if self.variant in ("remaining-frozen", "remaining-frozen-moving-reset"):
            remaining = account.limit
        reset = self._next_midnight()
        if self.variant in ("rolling-day", "remaining-frozen-moving-reset"):
            reset = _now() + timedelta(days=1)
        return [
            ("x-ratelimit-limit", str(account.limit)),
            ("x-ratelimit-remaining", str(remaining)),
            ("x-ratelimit-reset", _iso(reset)),
        ]

    def _count(self, account: Account) -> bool:
        """Count one request against the user's day; False when the day's limit is used up."""
        with self.lock:
            today = _now().date()
            if account.day != today:
                account.day, account.used = today, 0
            if account.saturated or account.used >= account.limit:
                return False
            account.used += 1
            return True

    # ---- auth -----------------------------------------------------------------------------
    def authenticate(self, req: Request) -> Account | Reply:
        header = req.header("authorization")
        if header is None or not header.strip():
            return self.error("MISSING_AUTH_HEADER")
        if not header.startswith("Bearer "):
            return self.error("INVALID_AUTH_FORMAT")
        key = header[len("Bearer ") :].strip()
        if not key.startswith("sk-"):
            return self.error("INVALID_KEY_FORMAT")
        account = self.keys.get(key)
        if account is None:
            return self.error("INVALID_API_KEY")
        return account

    # ---- routing --------------------------------------------------------------------------
    def handle(self, req: Request) -> Reply:
        segs = req.segments
        if len(segs) > 2 and segs[-1] == "":
            segs = segs[:-1]
        if tuple(segs[:2]) != BASE:
            return self.not_found(req)
        rest, method = segs[2:], ("GET" if req.method == "HEAD" else req.method)
        if rest == ["models"] and method == "GET":
            return self.list_models(req)
        if rest == ["generate"] and method == "POST":
            route = self.generate
        elif rest == ["tools", "upscale"] and method == "POST":
            route = self.upscale
        elif len(rest) == 2 and rest[0] == "tasks" and method == "GET":
            route = self.get_task
        elif len(rest) == 3 and rest[0] == "tasks" and rest[2] == "download" and method == "GET":
            route = self.download
        else:
            return self.not_found(req)
        account = self.authenticate(req)
        if isinstance(account, Reply):
            return account
        if not self._count(account):
            reset = _iso(self._next_midnight())
            return self.error("RATE_LIMITED", account, limit=account.limit, resetsAt=reset)
        return route(req, account, rest)

    def _maybe_account(self, req: Request) -> Account | None:
        found = self.authenticate(req) if req.header("authorization") else None
        if isinstance(found, Account):
            self._count(found)
            return found
        return None

    def not_found(self, req: Request) -> Reply:
        return self.error("TASK_NOT_FOUND", self._maybe_account(req))

    def list_models(self, req: Request) -> Reply:
        account = self._maybe_account(req)
        models = [
            {"id": mid, "name": m["name"], "type": m["type"], "credits": m["credits"]}
            for mid, m in CATALOG.items()
        ]
        return self.ok(models, account)

    # ---- generation -----------------------------------------------------------------------
    def _json_object(self, req: Request) -> dict | None:
        if req.body_truncated or len(req.body) > MAX_JSON:
            return None
        ok, data = parse_json(req.body)
        return data if ok and isinstance(data, dict) else None

    def generate(self, req: Request, account: Account, rest: list[str]) -> Reply:
        data = self._json_object(req)
        if data is None:
            return self.error("INVALID_JSON", account)
        model = data.get("model")
        if model is None or (isinstance(model, str) and not model.strip()):
            return self.error("MISSING_MODEL", account)
        if not isinstance(model, str) or model not in CATALOG:
            return self.error("INVALID_MODEL", account)
        prompt = data.get("prompt")
        if prompt is None and isinstance(data.get("input"), dict):
            prompt = data["input"].get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            return self.error("MISSING_PROMPT", account)
        options = data.get("options")
        if options is not None and not isinstance(options, dict):
            return self.error("INVALID_JSON", account)
        options = options or {}
        if "resolution" in options and options["resolution"] not in ("1K", "2K", "4K"):
            return self.error("INVALID_JSON", account)
        duration = options.get("duration")
        if "duration" in options and (type(duration) is not int or duration not in (10, 15)):
            return self.error("INVALID_JSON", account)
        cost = CATALOG[model]["credits"] * (3 if duration == 15 else 2) // 2
        return self._start_task(account, model, prompt, CATALOG[model]["type"], cost)

    def upscale(self, req: Request, account: Account, rest: list[str]) -> Reply:
        data = self._json_object(req)
        image = data.get("image") if data is not None else None
        if not isinstance(image, str) or not IMAGE_URL.fullmatch(image):
            return self.error("INVALID_JSON", account)
        return self._start_task(account, "upscale", None, "image", UPSCALE_CREDITS)

    def _start_task(self, account: Account, model: str, prompt: str | None, media: str, cost: int) -> Reply:
        with self.lock:
            if account.credits < cost:
                available = account.credits
                short = True
            else:
                account.credits -= cost
                short = False
            remaining = account.credits
            tid = self._task_id()
            created = _iso(_now())
            if not short:
                self.tasks[tid] = {
                    "id": tid,
                    "owner": account.name,
                    "model": model,
                    "prompt": prompt,
                    "mediaType": media,
                    "createdAt": created,
                    "fixed": None,
                    "started": time.monotonic(),
                    "result": media,
                }
        if short:
            return self.error("INSUFFICIENT_CREDITS", account, required=cost, available=available)
        return self.ok(
            {
                "id": tid,
                "model": model,
                "status": "processing",
                "creditsUsed": cost,
                "creditsRemaining": remaining,
                "createdAt": created,
            },
            account,
        )

    # ---- tasks ----------------------------------------------------------------------------
    @staticmethod
    def _state(task: dict) -> tuple[str, str | None]:
        if task["fixed"] is not None:
            return task["fixed"], task["result"]
        if time.monotonic() - task["started"] < DONE_AFTER_S:
            return "processing", None
        return "completed", task["result"]

    def _own_task(self, account: Account, tid: str) -> dict | Reply:
        task = self.tasks.get(tid)
        if task is None:
            return self.error("TASK_NOT_FOUND", account)
        if task["owner"] != account.name:
            return self.error("FORBIDDEN", account)
        return task

    @staticmethod
    def _result_url(task: dict) -> str:
        ext = "mp4" if task["result"] == "video" else "png"
        return f"https://media.vicsee.example/r/{task['id']}.{ext}"

    def get_task(self, req: Request, account: Account, rest: list[str]) -> Reply:
        task = self._own_task(account, rest[1])
        if isinstance(task, Reply):
            return task
        status, result = self._state(task)
        view = {
            "id": task["id"],
            "model": task["model"],
            "status": status,
            "mediaType": task["mediaType"],
            "prompt": task["prompt"],
            "createdAt": task["createdAt"],
            "result": {"url": self._result_url(task), "type": result} if result else None,
        }
        return self.ok(view, account)

    def download(self, req: Request, account: Account, rest: list[str]) -> Reply:
        task = self._own_task(account, rest[1])
        if isinstance(task, Reply):
            return task
        status, result = self._state(task)
        if status in ("pending", "processing"):
            return self.error("TASK_NOT_COMPLETE", account)
        if not result:
            return self.error("NO_RESULT", account)
        if req.query_first("mode") == "proxy":
            ctype = "video/mp4" if result == "video" else "image/png"
            return Reply(200, PNG, ctype, self._limit_headers(account))
        expires = _iso(_now() + timedelta(hours=1))
        return self.ok({"url": self._result_url(task), "type": result, "expiresAt": expires}, account)


def main() -> None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--variant", default=None, choices=[*VARIANTS, *DEPARTURES])
    known, rest = parser.parse_known_args(sys.argv[1:])
    app = VicSee(known.variant)
    serve(app, app.fixtures, rest)


if __name__ == "__main__":
    main()
