"""A fourth provider is a folder, no Python: written into a tmp contracts root and run end to end.

"Acme" has lower-case codes, no mock.yaml, no fixture beyond its key, and a case with a null
code told apart by another member (`kind`), as OpenAI's are. A small conformant server (written
here, not errcontract's mock) answers on 127.0.0.1; `errcontract run --provider acme --target`
must find it conformant, and find it out when the null-code case gets a code string.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from errcontract.mock.server import bind_socket, make_server, url_of
from tests.live_runs import errcontract_command

KEY = "acme-key-0001"

CONTRACT = """
provider: acme
title: Acme Widgets
contract_version: "1.0.0"
sources:
  guide: {title: "Acme API guide (made up for this test)"}
base_path: /v1
auth: {header: Authorization, scheme: Bearer, source: "guide: auth"}
envelope:
  code_pointer: /error/code
  message_pointer: /error/message
  schema: error.schema.json
  profiles: {stated: "#/$defs/stated"}
  source: "guide: errors"
statuses:
  "200": {description: OK, source: "guide: statuses"}
  "400": {description: Bad Request, source: "guide: statuses"}
  "401": {description: Unauthorized, source: "guide: statuses"}
  "404": {description: Not Found, source: "guide: statuses"}
fixtures:
  api_key: {description: a valid key, secret: true}
documented_values:
  id: {values: [w-1], source: "guide: widgets (the sample widget every account has)"}
endpoints:
  create_widget:
    method: POST
    path: /widgets
    auth: true
    body: json
    required_fields: [name]
    fields: {name: string, size: integer}
    success_status: 200
    request: {json: {name: probe, size: 1}}
    source: "guide: widgets"
  get_widget:
    method: GET
    path: /widgets/{id}
    auth: true
    body: none
    success_status: 200
    request: {path_params: {id: w-1}}
    source: "guide: widgets"
codes:
  bad_request:
    status: [400]
    match: {/error/kind: invalid, /error/code: null}
    message: The request is malformed
    endpoints: [create_widget]
    provoke: {endpoint: create_widget, defect: {remove_field: name}}
    defect_class: body
    source: "guide: errors (code null, kind invalid)"
  unauthorized:
    status: [401]
    message: Missing or unknown key
    endpoints: ["*"]
    provoke: {endpoint: get_widget, defect: {remove_header: Authorization}}
    defect_class: auth
    source: "guide: errors"
  widget_not_found:
    status: [404]
    message: No such widget
    endpoints: [get_widget]
    provoke: {endpoint: get_widget, defect: {path_params: {id: w-404}}}
    defect_class: widget
    source: "guide: errors"
defect_classes:
  auth: {locations: [header]}
  body: {locations: [body, query]}
  widget: {locations: [path]}
headers: {}
examples:
  - name: missing-name
    status: 400
    code: bad_request
    body: {error: {kind: invalid, code: null, message: name is required}}
    source: "guide: errors, example"
ambiguities: []
"""

ERROR_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$ref": "#/$defs/stated",
    "$defs": {
        "stated": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["kind", "code", "message"],
                    "properties": {
                        "kind": {"type": "string"},
                        "code": {"type": ["string", "null"]},
                        "message": {"type": "string"},
                    },
                }
            },
        }
    },
}


def _error_response(code: Any) -> dict[str, Any]:
    properties = {"kind": {"type": "string"}, "code": {"enum": [code]}, "message": {"type": "string"}}
    inner = {"type": "object", "required": ["kind", "code", "message"], "properties": properties}
    schema = {"type": "object", "required": ["error"], "properties": {"error": inner}}
    return {"description": "error", "content": {"application/json": {"schema": schema}}}


OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Acme", "version": "1.0.0"},
    "servers": [{"url": "/v1"}],
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/widgets": {
            "post": {
                "operationId": "create_widget",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": {"description": "ok"},
                    "400": _error_response(None),
                    "401": _error_response("unauthorized"),
                },
            }
        },
        "/widgets/{id}": {
            "get": {
                "operationId": "get_widget",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "ok"},
                    "401": _error_response("unauthorized"),
                    "404": _error_response("widget_not_found"),
                },
            }
        },
    },
}


def write_acme(root: Path) -> Path:
    folder = root / "acme"
    folder.mkdir(parents=True)
    (folder / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (folder / "error.schema.json").write_text(json.dumps(ERROR_SCHEMA, indent=2), encoding="utf-8")
    (folder / "openapi.yaml").write_text(yaml.safe_dump(OPENAPI, sort_keys=False), encoding="utf-8")
    return folder


# -- the small server -----------------------------------------------------------------------------
def _error(status: int, kind: str, code: str | None, message: str) -> Response:
    return JSONResponse({"error": {"kind": kind, "code": code, "message": message}}, status_code=status)


def _valid_widget(raw: bytes, content_type: str) -> bool:
    if content_type.split(";")[0].strip().lower() != "application/json":
        return False
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(body, dict) or set(body) - {"name", "size"}:
        return False
    name, size = body.get("name"), body.get("size", 1)
    return (
        isinstance(name, str)
        and 0 < len(name) <= 200
        and name.isprintable()
        and type(size) is int
        and 0 <= size <= 10**6
    )


def acme_app(null_code: str | None = None) -> Any:
    """Conformant Acme; `null_code` set: its 400s carry that code instead of null (a drift)."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        raw = await request.body()
        path, method = scope["path"], request.method
        if request.headers.get("authorization") != f"Bearer {KEY}":
            response = _error(401, "auth", "unauthorized", "Missing or unknown key")
        elif path == "/v1/widgets" and method == "POST":
            ok = _valid_widget(raw, request.headers.get("content-type", ""))
            response = (
                JSONResponse({"id": "w-2"}) if ok else _error(400, "invalid", null_code, "name is required")
            )
        elif path.startswith("/v1/widgets/") and path.count("/") == 3 and method == "GET":
            found = path.rsplit("/", 1)[1] == "w-1" and not request.query_params
            response = (
                JSONResponse({"id": "w-1"})
                if found
                else _error(404, "missing", "widget_not_found", "No such widget")
            )
        else:
            response = _error(404, "missing", "widget_not_found", "No such widget")
        await response(scope, receive, send)

    return app


@pytest.fixture
def serve() -> Iterator[Any]:
    servers = []

    def start(app: Any) -> str:
        sock = bind_socket(0)
        server = make_server(app)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        servers.append((server, thread, sock))
        return url_of(sock)

    yield start
    for server, thread, sock in servers:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def acme_root(tmp_path: Path) -> Path:
    root = tmp_path / "contracts"
    root.mkdir()  # provider folders only: the meta-schemas are the package's
    write_acme(root)
    return root


def run_acme(root: Path, url: str, report_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ERRCONTRACT_CONTRACTS": str(root), "ERRCONTRACT_API_KEY": KEY}
    command = [
        *errcontract_command(),
        "run",
        "--provider",
        "acme",
        "--target",
        url,
        "--report-dir",
        str(report_dir),
        "--examples",
        "40",
    ]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


def verdicts(report_dir: Path) -> dict[str, str]:
    results = json.loads((report_dir / "acme" / "results.json").read_text(encoding="utf-8"))
    return {c["code"]: c["verdict"] for c in results["codes"]}


def test_fourth_provider_lints_and_runs_conformant_against_its_server(acme_root, serve, tmp_path):
    lint = subprocess.run(
        errcontract_command("lint", str(acme_root)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
    proc = run_acme(acme_root, serve(acme_app()), tmp_path / "reports")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert verdicts(tmp_path / "reports") == {
        "bad_request": "pass",
        "unauthorized": "pass",
        "widget_not_found": "pass",
    }


def test_fourth_provider_null_code_case_given_a_code_string_fails(acme_root, serve, tmp_path):
    proc = run_acme(acme_root, serve(acme_app(null_code="400")), tmp_path / "reports")
    assert proc.returncode == 1, proc.stdout[-4000:] + proc.stderr[-2000:]
    found = verdicts(tmp_path / "reports")
    assert found["bad_request"] == "fail" and found["unauthorized"] == "pass"
    assert "undocumented code '400' for HTTP 400 (documented: bad_request)" in proc.stdout


def test_a_mockless_provider_of_the_users_folder_asked_for_without_a_target_says_what_to_pass(
    acme_root, tmp_path
):
    env = {**os.environ, "ERRCONTRACT_CONTRACTS": str(acme_root)}
    proc = subprocess.run(
        errcontract_command("run", "--provider", "acme", "--report-dir", str(tmp_path / "reports")),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "errcontract: error: no embedded mock for acme: pass --provider acme --target URL"
    ]
    assert not (tmp_path / "reports").exists()
