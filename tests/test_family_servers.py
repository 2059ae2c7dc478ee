"""A provider in the google and jsonapi families, written only from the family, run end to end.

The contracts in tests/data/families name their family and add their cases; no Python knows
them. Each is judged against a small stdlib server written here from the same standard (AIP-193,
JSON:API), on 127.0.0.1: conformant, the run passes every case it can provoke; drifted (a body
member stating another status), the family's rule catches it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.live_runs import errcontract_command

KEY = "family-key-0001"
READ_ONLY = "family-key-read-only-0002"  # a key without permission on shelves
DATA = Path(__file__).parent / "data" / "families"
INFO = "type.googleapis.com/google.rpc.ErrorInfo"

Answer = tuple[int, str, Any]  # status, content type, body


def google_error(status: int, name: str, reason: str, message: str, drift: bool) -> Answer:
    info = {"@type": INFO, "reason": reason, "domain": "shelves.example.com"}
    code = 400 if drift and status != 400 else status
    return (
        status,
        "application/json",
        {"error": {"code": code, "message": message, "status": name, "details": [info]}},
    )


def shelves(method: str, path: str, headers: Any, raw: bytes, drift: str) -> Answer:
    """AIP-193 from the family alone: canonical names for each status, one ErrorInfo each, and
    permission checked before existence (drift `existence-first` checks it after)."""
    member = drift == "status-member"
    key = headers.get("Authorization")
    if key not in (f"Bearer {KEY}", f"Bearer {READ_ONLY}"):
        return google_error(401, "UNAUTHENTICATED", "API_KEY_INVALID", "Missing or unknown key", member)
    denied = key == f"Bearer {READ_ONLY}" and path.startswith("/v1/shelves")
    if denied and (drift != "existence-first" or path == "/v1/shelves/1"):
        return google_error(
            403, "PERMISSION_DENIED", "SHELVES_READ_DENIED", "The key may not read shelves", member
        )
    if method == "POST" and path == "/v1/shelves":
        try:
            body = json.loads(raw)
        except ValueError:
            return google_error(400, "INVALID_ARGUMENT", "BAD_JSON", "The body is not JSON", member)
        if not isinstance(body, dict) or "theme" not in body:
            return google_error(400, "INVALID_ARGUMENT", "THEME_REQUIRED", "A shelf needs a theme", member)
        if not isinstance(body["theme"], str) or set(body) != {"theme"}:
            return google_error(400, "INVALID_ARGUMENT", "BAD_SHELF", "theme must be a string", member)
        return 200, "application/json", {"name": "shelves/2", "theme": body["theme"]}
    if method == "GET" and path == "/v1/shelves/1":
        return 200, "application/json", {"name": "shelves/1", "theme": "poetry"}
    return google_error(404, "NOT_FOUND", "SHELF_NOT_FOUND", "No such shelf", member)


def articles(method: str, path: str, headers: Any, raw: bytes, drift: str) -> Answer:
    """JSON:API from the family alone: an errors array, each status a string."""

    def error(status: int, code: str, title: str) -> Answer:
        shown = "400" if drift == "status-member" and status != 400 else str(status)
        return (
            status,
            "application/vnd.api+json",
            {"errors": [{"status": shown, "code": code, "title": title}]},
        )

    if headers.get("Authorization") != f"Bearer {KEY}":
        return error(401, "unauthorized", "Unauthorized")
    if method == "GET" and path == "/api/articles/1":
        return 200, "application/vnd.api+json", {"data": {"type": "articles", "id": "1"}}
    return error(404, "article_not_found", "Not Found")


def serve(answer: Callable[..., Answer], drift: str) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = self.path.split("?", 1)[0]
            status, ctype, body = answer(self.command, path, self.headers, raw, drift)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def target() -> Iterator[Callable[..., str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Callable[..., Answer], drift: str = "") -> str:
        server, url = serve(answer, drift)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def run(tmp_path: Path, provider: str, url: str) -> tuple[int, dict[str, Any]]:
    root = tmp_path / "contracts"
    root.mkdir(parents=True)
    shutil.copytree(DATA / provider, root / provider)
    command = errcontract_command("run", "--provider", provider, "--target", url)
    command += ["--report-dir", str(tmp_path / "reports"), "--examples", "40"]
    if provider == "shelves-google":
        command += ["--fixture", f"api_key_read_only={READ_ONLY}"]
    env = {**os.environ, "ERRCONTRACT_CONTRACTS": str(root), "ERRCONTRACT_API_KEY": KEY}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
    results = json.loads((tmp_path / "reports" / provider / "results.json").read_text(encoding="utf-8"))
    return proc.returncode, results


def verdicts(results: dict[str, Any]) -> dict[str, str]:
    return {c["code"]: c["verdict"] for c in results["codes"]}


def test_a_google_family_provider_runs_conformant_against_an_aip_193_server(tmp_path, target):
    code, results = run(tmp_path, "shelves-google", target(shelves))
    assert code == 0, results["violations"][:3]
    assert verdicts(results) == {
        "THEME_REQUIRED": "pass",
        "INVALID_ARGUMENT": "pass",
        "UNAUTHENTICATED": "pass",
        "PERMISSION_DENIED": "pass",
        "NOT_FOUND": "pass",
    }


def test_a_google_error_code_other_than_the_status_fails_the_cases_it_touches(tmp_path, target):
    code, results = run(tmp_path, "shelves-google", target(shelves, drift="status-member"))
    assert code == 1
    assert {f["check"] for f in results["violations"]} == {"status_member"}
    assert verdicts(results)["NOT_FOUND"] == "fail" and verdicts(results)["THEME_REQUIRED"] == "pass"


def test_a_jsonapi_family_provider_runs_conformant_and_a_wrong_status_string_warns(tmp_path, target):
    code, results = run(tmp_path, "articles-jsonapi", target(articles))
    assert code == 0, results["violations"][:3]
    assert verdicts(results) == {"unauthorized": "pass", "article_not_found": "pass"}
    code, results = run(tmp_path / "drifted", "articles-jsonapi", target(articles, drift="status-member"))
    assert code == 0  # exemplified: several problems may share a more general status
    assert {f["check"] for f in results["warnings"]} == {"status_member"}


def test_existence_checked_before_permission_fails_the_permission_case(tmp_path, target):
    """AIP-193: 'Permission must be checked prior to checking if the resource or parent exists'."""
    code, results = run(tmp_path, "shelves-google", target(shelves, drift="existence-first"))
    assert code == 1
    assert verdicts(results)["PERMISSION_DENIED"] == "fail"
    assert {f["check"] for f in results["violations"]} == {"status_precedence"}
