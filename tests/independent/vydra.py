"""An independent Vydra server, written from Vydra's docs only (errors page + API reference facts).

Run: python -m tests.independent.vydra [--port N]; prints {"url", "fixtures"} on one line.
Where the docs are silent this server makes its own choices (see CHOICES).
"""

from __future__ import annotations

import math
import re
import secrets
import threading
import time
import uuid
from collections import deque
from datetime import UTC, datetime
from urllib.parse import urlsplit

from tests.independent._http import Reply, Request, json_reply, parse_json, serve

CHOICES = """
- check order: route, auth, rate limit, scope, path resource (slug/job id), body/query, credits
- scopes: GET /models models:read; POST /models/{slug} models:write; POST /upload upload:write;
  jobs jobs:read / jobs:write; /organization and /account/rate-limits any valid key; "*" and
  "<area>:*" grant their area
- the scheme word "Bearer" is matched case-insensitively; an empty Authorization header is MISSING_AUTH
- the rate-limited organization (Free, 10/min) is kept full by other clients: every request 429,
  Retry-After = seconds to the next minute; the main organization: 250000/min, sliding window
- context goes under `details` (always present); 429 details {retryAfter, limits}; 402 details
  {creditsRequired, creditsRemaining}
- input.model naming an unknown model: 404 MODEL_NOT_FOUND; an inactive model slug: MODEL_NOT_FOUND
- unknown routes and methods: 404 NOT_FOUND (no auth needed); any non-job id: JOB_NOT_FOUND
- DELETE on a finished job: 200, unchanged, refund {applied: false, creditsRefunded: 0}
- URLs (input.imageUrl, imageUrl, webhookUrl) must be http(s) with a dotted host (else INVALID_URL);
  a URL field of another JSON type is INVALID_INPUT
- jobs: pending for 0.5 s, processing until 3 s, then completed; the cancellable fixture job stays
  processing until cancelled
- upload: size checked before type; type from the part's Content-Type, or from the file name's
  extension when that is missing or application/octet-stream; an empty file, or a `file` part
  without a filename, is INVALID_INPUT
"""

BASE = ("api", "v1")
MAX_JSON = 1024 * 1024
MAX_FILE = 20 * 1024 * 1024
DOCS = "https://vydra.app/docs/errors"
KEY_RE = re.compile(r"vydra_live_user_[A-Za-z0-9]+_[A-Za-z0-9]+")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

MESSAGES = {  # the error page's Description column, word for word
    "MISSING_AUTH": "No Authorization header provided",
    "INVALID_FORMAT": "API key format is invalid",
    "KEY_NOT_FOUND": "API key doesn't exist",
    "KEY_REVOKED": "API key was revoked",
    "KEY_EXPIRED": "API key has expired",
    "INVALID_INPUT": "Missing or invalid request parameters",
    "INVALID_FILE_TYPE": "Uploaded file type not allowed",
    "FILE_TOO_LARGE": "File exceeds size limit",
    "INVALID_URL": "Provided URL is invalid or inaccessible",
    "INSUFFICIENT_CREDITS": "Not enough credits for this operation",
    "INSUFFICIENT_SCOPE": "API key lacks required permission",
    "NOT_FOUND": "Requested resource doesn't exist",
    "MODEL_NOT_FOUND": "Specified model doesn't exist",
    "JOB_NOT_FOUND": "Job ID doesn't exist",
    "RATE_LIMIT_EXCEEDED": "Rate limit exceeded",
    "INTERNAL_ERROR": "Something went wrong on our end",
}
STATUS = {
    "MISSING_AUTH": 401,
    "INVALID_FORMAT": 401,
    "KEY_NOT_FOUND": 401,
    "KEY_REVOKED": 401,
    "KEY_EXPIRED": 401,
    "INVALID_INPUT": 400,
    "INVALID_FILE_TYPE": 400,
    "FILE_TOO_LARGE": 400,
    "INVALID_URL": 400,
    "INSUFFICIENT_CREDITS": 402,
    "INSUFFICIENT_SCOPE": 403,
    "NOT_FOUND": 404,
    "MODEL_NOT_FOUND": 404,
    "JOB_NOT_FOUND": 404,
    "RATE_LIMIT_EXCEEDED": 429,
    "INTERNAL_ERROR": 500,
}

PLANS = {  # rpm, rph, rpd, concurrent (api: Rate limits); "scale" is this server's own big plan
    "free": (10, 100, 500, 2),
    "starter": (30, 500, 5_000, 5),
    "creator": (60, 1_500, 20_000, 10),
    "scale": (250_000, 5_000_000, 50_000_000, 50),
}
WORKFLOWS = {  # credits, kind, required input fields
    "generate_image": (4, "image", ("prompt",)),
    "edit_image": (6, "image", ("imageUrl", "prompt")),
    "generate_video": (25, "video", ("prompt",)),
}
MODELS = {  # slug: provider, isActive, credits, kind, needs imageUrl
    "sdxl-lightning": ("stability", True, 2, "image", False),
    "ideogram-v3": ("ideogram", True, 6, "image", False),
    "qwen-image-edit": ("alibaba", True, 5, "image", True),
    "kling-v2-video": ("kuaishou", True, 30, "video", False),
    "dalle-2": ("openai", False, 3, "image", False),
}
ASPECTS = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3")
JOB_STATUSES = ("pending", "processing", "completed", "failed", "cancelled")
IMAGE_TYPES = {
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
}
EXTENSIONS = {
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Org:
    def __init__(self, oid: str, name: str, plan: str, credits: int, saturated: bool = False):
        self.id, self.name, self.plan, self.credits, self.saturated = oid, name, plan, credits, saturated
        self.window: deque[float] = deque()
        self.day_count = 0

    @property
    def rpm(self) -> int:
        return PLANS[self.plan][0]


class Key:
    def __init__(
        self, org: Org, scopes: tuple[str, ...], revoked: bool = False, expires_at: float | None = None
    ):
        self.org, self.scopes, self.revoked, self.expires_at = org, scopes, revoked, expires_at

    def allows(self, scope: str | None) -> bool:
        if scope is None or "*" in self.scopes:
            return True
        area = scope.split(":")[0]
        return scope in self.scopes or f"{area}:*" in self.scopes


class Vydra:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.orgs = {
            "studio": Org("org_" + secrets.token_hex(6), "Northwind Studio", "scale", 3_000_000),
            "empty": Org("org_" + secrets.token_hex(6), "Dry Gulch Media", "starter", 0),
            "busy": Org("org_" + secrets.token_hex(6), "Hammered Inc", "free", 1_000, saturated=True),
            "elsewhere": Org("org_" + secrets.token_hex(6), "Someone Else", "creator", 500),
        }
        now = time.time()
        specs = [
            ("api_key", "studio", ("*",), False, None),
            ("api_key_no_credits", "empty", ("*",), False, None),
            ("api_key_revoked", "studio", ("*",), True, None),
            ("api_key_expired", "studio", ("*",), False, now - 86_400),
            ("api_key_limited_scope", "studio", ("upload:*",), False, None),
            ("api_key_rate_limited", "busy", ("*",), False, None),
            (None, "elsewhere", ("*",), False, None),
        ]
        self.keys: dict[str, Key] = {}
        self.fixtures: dict[str, str] = {}
        for fixture, org, scopes, revoked, expires in specs:
            user = "u" + secrets.token_hex(4)
            token = f"vydra_live_user_{user}_{secrets.token_hex(20)}"
            self.keys[token] = Key(self.orgs[org], scopes, revoked, expires)
            if fixture:
                self.fixtures[fixture] = token
        self.jobs: dict[str, dict] = {}
        for fixture, org, status, workflow in (
            ("job_id", "studio", "completed", "generate_image"),
            (None, "studio", "failed", "edit_image"),
            ("cancellable_job_id", "studio", "processing", "generate_video"),  # runs until cancelled
            (None, "elsewhere", "completed", "generate_video"),
        ):
            job = self._new_job(
                self.orgs[org],
                workflow,
                {"prompt": "a red fox in snow"},
                None,
                WORKFLOWS[workflow][0],
                created=now - 7_200,
                fixed=status,
            )
            if fixture:
                self.fixtures[fixture] = job["id"]
        self.fixtures["model"] = "sdxl-lightning"

    # ---- envelope -------------------------------------------------------------------------
    def error(
        self,
        code: str,
        key: Key | None = None,
        details: dict | None = None,
        extra_headers: list[tuple[str, str]] | None = None,
    ) -> Reply:
        body = {
            "error": MESSAGES[code],
            "code": code,
            "details": details or {},
            "requestId": "req_" + secrets.token_hex(8),
            "docs": f"{DOCS}#{code.lower()}",
        }
        return json_reply(STATUS[code], body, self._limit_headers(key) + list(extra_headers or []))

    def invalid(self, key: Key, field: str, reason: str) -> Reply:
        return self.error("INVALID_INPUT", key, {"field": field, "reason": reason})

    def ok(self, payload: object, key: Key | None, status: int = 200) -> Reply:
        return json_reply(status, payload, self._limit_headers(key))

    def protocol_error(self, status: int) -> Reply:
        return self.error("INVALID_INPUT") if status < 500 else self.internal_error()

    def internal_error(self) -> Reply:
        return self.error("INTERNAL_ERROR")

    # ---- rate limits (sliding minute per organization) ------------------------------------
    def _prune(self, org: Org, now: float) -> None:
        while org.window and org.window[0] <= now - 60:
            org.window.popleft()

    def _reset_in(self, org: Org, now: float) -> int:
        if org.saturated:  # other clients refill the window every minute, on the minute
            return max(1, math.ceil(60 - now % 60))
        return max(1, math.ceil(org.window[0] + 60 - now)) if org.window else 60

    def _limit_headers(self, key: Key | None) -> list[tuple[str, str]]:
        if key is None:
            return []
        org, now = key.org, time.time()
        with self.lock:
            self._prune(org, now)
            remaining = 0 if org.saturated else max(0, org.rpm - len(org.window))
            reset = math.ceil(now) + self._reset_in(org, now)
        return [
            ("x-ratelimit-limit", str(org.rpm)),
            ("x-ratelimit-remaining", str(remaining)),
            ("x-ratelimit-reset", str(reset)),
        ]

    def _take(self, key: Key) -> Reply | None:
        org, now = key.org, time.time()
        with self.lock:
            self._prune(org, now)
            if org.saturated or len(org.window) >= org.rpm:
                retry = self._reset_in(org, now)
                used = (org.rpm if org.saturated else len(org.window)) + 1
            else:
                org.window.append(now)
                org.day_count += 1
                return None
        details = {"retryAfter": retry, "limits": {"type": "minute", "limit": org.rpm, "used": used}}
        return self.error("RATE_LIMIT_EXCEEDED", key, details, [("retry-after", str(retry))])

    # ---- auth -----------------------------------------------------------------------------
    def authenticate(self, req: Request) -> Key | Reply:
        header = req.header("authorization")
        if header is None or not header.strip():
            return self.error("MISSING_AUTH")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not KEY_RE.fullmatch(token):
            return self.error("INVALID_FORMAT")
        key = self.keys.get(token)
        if key is None:
            return self.error("KEY_NOT_FOUND")
        if key.revoked:
            return self.error("KEY_REVOKED")
        if key.expires_at is not None and key.expires_at <= time.time():
            return self.error("KEY_EXPIRED")
        return key

    def _maybe_key(self, req: Request) -> Key | None:
        if not req.header("authorization"):
            return None
        key = self.authenticate(req)
        if isinstance(key, Key):
            self._take(key)
            return key
        return None

    # ---- routing --------------------------------------------------------------------------
    def handle(self, req: Request) -> Reply:
        segs = req.segments
        if len(segs) > 2 and segs[-1] == "":
            segs = segs[:-1]
        rest = segs[2:] if tuple(segs[:2]) == BASE else None
        method = "GET" if req.method == "HEAD" else req.method
        route, scope = self._route(rest, method)
        if route is None:
            return self.error("NOT_FOUND", self._maybe_key(req), {"path": req.raw_path[:200]})
        if route == "health":
            return self.ok({"status": "ok", "time": _iso(time.time())}, self._maybe_key(req))
        key = self.authenticate(req)
        if isinstance(key, Reply):
            return key
        limited = self._take(key)
        if limited is not None:
            return limited
        if not key.allows(scope):
            return self.error("INSUFFICIENT_SCOPE", key, {"required": scope, "granted": list(key.scopes)})
        return getattr(self, route)(req, key, rest)

    @staticmethod
    def _route(rest: list[str] | None, method: str) -> tuple[str | None, str | None]:
        if rest is None:
            return None, None
        table = {
            (("jobs",), "POST"): ("create_job", "jobs:write"),
            (("jobs",), "GET"): ("list_jobs", "jobs:read"),
            (("models",), "GET"): ("list_models", "models:read"),
            (("upload",), "POST"): ("upload", "upload:write"),
            (("organization",), "GET"): ("organization", None),
            (("account", "rate-limits"), "GET"): ("rate_limits", None),
            (("health",), "GET"): ("health", None),
        }
        if (tuple(rest), method) in table:
            return table[(tuple(rest), method)]
        if len(rest) == 2 and rest[0] == "jobs" and method in ("GET", "DELETE"):
            return ("get_job", "jobs:read") if method == "GET" else ("cancel_job", "jobs:write")
        if len(rest) == 2 and rest[0] == "models" and method == "POST":
            return "run_model", "models:write"
        return None, None

    # ---- helpers --------------------------------------------------------------------------
    def _json_object(self, req: Request, key: Key) -> dict | Reply:
        if req.body_truncated or len(req.body) > MAX_JSON:
            return self.invalid(key, "body", "Request body too large")
        if not req.body.strip():
            return self.invalid(key, "body", "Request body is required")
        ok, data = parse_json(req.body)
        if not ok:
            return self.invalid(key, "body", "Malformed JSON body")
        if not isinstance(data, dict):
            return self.invalid(key, "body", "Request body must be a JSON object")
        return data

    @staticmethod
    def _url_ok(value: str) -> bool:
        if len(value) > 2048 or any(c.isspace() for c in value):
            return False
        try:
            parts = urlsplit(value)
            host = parts.hostname
            parts.port  # noqa: B018 (raises ValueError on a port out of range)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and bool(host) and "." in host

    def _check_fields(self, key: Key, data: dict, required: tuple[str, ...], prefix: str) -> Reply | None:
        for name in required:
            value = data.get(name)
            if not isinstance(value, str) or not value.strip():
                return self.invalid(key, prefix + name, f"Missing required field: {prefix}{name} (string)")
        for name in ("imageUrl",):
            if name in data and data[name] is not None:
                if not isinstance(data[name], str):
                    return self.invalid(key, prefix + name, f"Field {prefix}{name} must be a string")
                if not self._url_ok(data[name]):
                    return self.error("INVALID_URL", key, {"field": prefix + name})
        for name in ("aspect_ratio", "aspectRatio"):
            if name in data and data[name] is not None and data[name] not in ASPECTS:
                return self.invalid(key, prefix + name, f"{prefix}{name} must be one of {', '.join(ASPECTS)}")
        return None

    def _charge(self, key: Key, cost: int) -> Reply | None:
        with self.lock:
            if key.org.credits >= cost:
                key.org.credits -= cost
                return None
            remaining = key.org.credits
        details = {"creditsRequired": cost, "creditsRemaining": remaining}
        return self.error("INSUFFICIENT_CREDITS", key, details)

    def _new_job(
        self,
        org: Org,
        workflow: str,
        inp: dict,
        model: str | None,
        cost: int,
        created: float | None = None,
        fixed: str | None = None,
    ) -> dict:
        jid = str(uuid.uuid4())
        job = {
            "id": jid,
            "org": org,
            "workflow": workflow,
            "model": model,
            "input": inp,
            "cost": cost,
            "created": created or time.time(),
            "fixed": fixed,
            "refunded": 0,
        }
        with self.lock:
            self.jobs[jid] = job
        return job

    @staticmethod
    def _status(job: dict) -> str:
        if job["fixed"]:
            return job["fixed"]
        age = time.time() - job["created"]
        return "pending" if age < 0.5 else "processing" if age < 3 else "completed"

    def _view(self, job: dict) -> dict:
        status = self._status(job)
        kind = WORKFLOWS[job["workflow"]][1]
        ext = "mp4" if kind == "video" else "webp"
        output = (
            {"url": f"https://cdn.vydra.example/jobs/{job['id']}.{ext}", "type": kind}
            if status == "completed"
            else None
        )
        return {
            "id": job["id"],
            "status": status,
            "workflow": job["workflow"],
            "model": job["model"],
            "creditsCharged": job["cost"],
            "creditsRefunded": job["refunded"],
            "createdAt": _iso(job["created"]),
            "output": output,
            "_links": {"self": f"/api/v1/jobs/{job['id']}"},
        }

    def _find_job(self, key: Key, jid: str) -> dict | Reply:
        job = self.jobs.get(jid) if UUID_RE.fullmatch(jid) else None
        if job is None or job["org"] is not key.org:
            return self.error("JOB_NOT_FOUND", key, {"id": jid[:100]})
        return job

    # ---- endpoints ------------------------------------------------------------------------
    def create_job(self, req: Request, key: Key, rest: list[str]) -> Reply:
        data = self._json_object(req, key)
        if isinstance(data, Reply):
            return data
        workflow = data.get("workflow")
        if not isinstance(workflow, str) or not workflow.strip():
            return self.invalid(key, "workflow", "Missing required field: workflow (string)")
        if workflow not in WORKFLOWS:
            return self.invalid(key, "workflow", f"Unknown workflow: {workflow[:80]}")
        inp = data.get("input")
        if not isinstance(inp, dict):
            return self.invalid(key, "input", "Missing required field: input (object)")
        cost, kind, required = WORKFLOWS[workflow]
        bad = self._check_fields(key, inp, required, "input.")
        if bad:
            return bad
        model = inp.get("model")
        if model is not None:
            if not isinstance(model, str):
                return self.invalid(key, "input.model", "Field input.model must be a string")
            spec = MODELS.get(model)
            if spec is None or not spec[1]:
                return self.error("MODEL_NOT_FOUND", key, {"model": model[:100]})
            if spec[3] != kind:
                return self.invalid(key, "input.model", f"Model {model} cannot run workflow {workflow}")
        hook = data.get("webhookUrl")
        if hook is not None:
            if not isinstance(hook, str):
                return self.invalid(key, "webhookUrl", "Field webhookUrl must be a string")
            if not self._url_ok(hook):
                return self.error("INVALID_URL", key, {"field": "webhookUrl"})
        short = self._charge(key, cost)
        if short:
            return short
        job = self._new_job(key.org, workflow, inp, model, cost)
        view = self._view(job)
        shown = ("id", "status", "workflow", "creditsCharged", "createdAt", "_links")
        return self.ok({k: view[k] for k in shown}, key, 201)

    def list_jobs(self, req: Request, key: Key, rest: list[str]) -> Reply:
        numbers = {}
        for name, low, high, default in (("limit", 1, 100, 20), ("offset", 0, 10**9, 0)):
            raw = req.query_first(name)
            if raw is None:
                numbers[name] = default
                continue
            if not re.fullmatch(r"[0-9]{1,10}", raw) or not low <= int(raw) <= high:
                return self.invalid(key, name, f"{name} must be an integer from {low} to {high}")
            numbers[name] = int(raw)
        status = req.query_first("status")
        if status is not None and status not in JOB_STATUSES:
            return self.invalid(key, "status", f"status must be one of {', '.join(JOB_STATUSES)}")
        with self.lock:
            mine = [j for j in self.jobs.values() if j["org"] is key.org]
        views = sorted((self._view(j) for j in mine), key=lambda v: v["createdAt"], reverse=True)
        if status:
            views = [v for v in views if v["status"] == status]
        page = views[numbers["offset"] : numbers["offset"] + numbers["limit"]]
        return self.ok({"data": page, "total": len(views), **numbers}, key)

    def get_job(self, req: Request, key: Key, rest: list[str]) -> Reply:
        job = self._find_job(key, rest[1])
        return job if isinstance(job, Reply) else self.ok(self._view(job), key)

    def cancel_job(self, req: Request, key: Key, rest: list[str]) -> Reply:
        job = self._find_job(key, rest[1])
        if isinstance(job, Reply):
            return job
        refunded = 0
        with self.lock:
            if self._status(job) in ("pending", "processing"):
                job["fixed"] = "cancelled"
                refunded = job["refunded"] = job["cost"]
                job["org"].credits += refunded
        view = self._view(job)
        view["refund"] = {"applied": refunded > 0, "creditsRefunded": refunded}
        return self.ok(view, key)

    def list_models(self, req: Request, key: Key, rest: list[str]) -> Reply:
        active = req.query_first("isActive")
        if active is not None and active not in ("true", "false"):
            return self.invalid(key, "isActive", "isActive must be true or false")
        provider = req.query_first("provider")
        data = [
            {
                "slug": slug,
                "provider": p,
                "isActive": on,
                "credits": c,
                "type": kind,
                "inputs": ["prompt", "imageUrl"] if img else ["prompt"],
            }
            for slug, (p, on, c, kind, img) in MODELS.items()
            if (provider is None or p == provider) and (active is None or on == (active == "true"))
        ]
        return self.ok({"data": data, "count": len(data)}, key)

    def run_model(self, req: Request, key: Key, rest: list[str]) -> Reply:
        spec = MODELS.get(rest[1])
        if spec is None or not spec[1]:
            return self.error("MODEL_NOT_FOUND", key, {"slug": rest[1][:100]})
        data = self._json_object(req, key)
        if isinstance(data, Reply):
            return data
        bad = self._check_fields(key, data, ("imageUrl", "prompt") if spec[4] else ("prompt",), "")
        if bad:
            return bad
        short = self._charge(key, spec[2])
        if short:
            return short
        rid = str(uuid.uuid4())
        ext = "mp4" if spec[3] == "video" else "png"
        return self.ok(
            {
                "id": rid,
                "model": rest[1],
                "status": "completed",
                "output": {"url": f"https://cdn.vydra.example/runs/{rid}.{ext}", "type": spec[3]},
                "creditsCharged": spec[2],
                "durationMs": 1234,
            },
            key,
        )

    def upload(self, req: Request, key: Key, rest: list[str]) -> Reply:
        part = self._file_part(req)
        if part is None:
            return self.invalid(key, "file", "No file provided")
        filename, ctype, content = part
        if req.body_truncated or len(content) > MAX_FILE:
            return self.error("FILE_TOO_LARGE", key, {"maxBytes": MAX_FILE})
        if not content:
            return self.invalid(key, "file", "The file is empty")
        if ctype in ("", "application/octet-stream"):
            ctype = EXTENSIONS.get(filename.rsplit(".", 1)[-1].lower(), ctype) if "." in filename else ctype
        if ctype not in IMAGE_TYPES:
            return self.error("INVALID_FILE_TYPE", key, {"allowed": ["jpeg", "jpg", "png", "webp", "gif"]})
        stored = f"uploads/{key.org.id}/{uuid.uuid4()}.{IMAGE_TYPES[ctype]}"
        return self.ok(
            {
                "url": f"https://cdn.vydra.example/{stored}",
                "filename": filename[:255],
                "size": len(content),
                "type": ctype,
                "key": stored,
            },
            key,
        )

    @staticmethod
    def _file_part(req: Request) -> tuple[str, str, bytes] | None:
        ctype = req.header("content-type") or ""
        if not ctype.lower().startswith("multipart/form-data"):
            return None
        match = re.search(r'boundary=(?:"([^"]+)"|([^;\s]+))', ctype, re.IGNORECASE)
        if not match:
            return None
        boundary = (match.group(1) or match.group(2)).encode("latin-1", "replace")
        for chunk in req.body.split(b"--" + boundary)[1:]:
            if chunk.startswith(b"--"):
                break
            head, sep, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
            if not sep:
                continue
            headers = {}
            for line in head.decode("utf-8", "replace").split("\r\n"):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            disposition = headers.get("content-disposition", "")
            name = re.search(r'(?:^|;)\s*name="([^"]*)"', disposition)
            if not name or name.group(1) != "file":
                continue
            fname = re.search(r'filename="([^"]*)"', disposition)
            if not fname:  # a plain form field named file, not a file
                return None
            part_type = headers.get("content-type", "").split(";")[0].strip().lower()
            return fname.group(1), part_type, content.removesuffix(b"\r\n")
        return None

    def organization(self, req: Request, key: Key, rest: list[str]) -> Reply:
        org = key.org
        view = {"id": org.id, "name": org.name, "plan": org.plan, "creditsRemaining": org.credits}
        return self.ok(view, key)

    def rate_limits(self, req: Request, key: Key, rest: list[str]) -> Reply:
        org = key.org
        rpm, rph, rpd, concurrent = PLANS[org.plan]
        with self.lock:
            minute = org.rpm if org.saturated else len(org.window)
            running = sum(
                1
                for j in self.jobs.values()
                if j["org"] is org and self._status(j) in ("pending", "processing")
            )
        limits = {"rpm": rpm, "rph": rph, "rpd": rpd, "concurrent": concurrent}
        usage = {"minute": minute, "day": org.day_count, "concurrent": running}
        return self.ok({"plan": org.plan, "limits": limits, "usage": usage}, key)


def main() -> None:
    app = Vydra()
    serve(app, app.fixtures)


if __name__ == "__main__":
    main()
