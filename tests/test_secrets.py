"""Keys never leave the run: not in stdout, stderr, results.json, JUnit, pytest-html, the HTML
reports or any reproducer, and never sent to a host other than the target.

The target here is as careless as real ones are: it echoes the key it received back in its error
messages, in a response header, and in an HTML page cut 60 characters in (where a snippet would
cut the key in half, beyond the reach of a whole-key search).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from errcontract.contract.locate import shipped_contracts
from tests.faulty_servers import (
    Connection,
    Handler,
    LoopbackServer,
    Request,
    VicSeeKeys,
    assert_clean,
    http_response,
    rate_limit_headers,
    redirects_to,
    run_errcontract,
    split_response,
    vicsee_answer,
)
from tests.helpers import edit

KEYS = {
    "--api-key": "sk-PLANTEDvalid-4b1e9d7c3a5f",
    "--api-key-no-credits": "sk-PLANTEDbroke-8e2c6a0f4d1b",
    "--api-key-revoked": "sk-PLANTEDrevoked-3f7a1c9e5b2d",
    "--api-key-expired": "sk-PLANTEDexpired-6d0b4f8a2c7e",
    "--api-key-limited-scope": "sk-PLANTEDscope-1a5e9c3d7f0b",
    "--api-key-rate-limited": "sk-PLANTEDlimited-9c3e7a1f5d2b",
}
PENDING_TASK = "task-pending-0001"
TARGET_KEYS = VicSeeKeys(
    valid={KEYS["--api-key"]}, no_credits={KEYS["--api-key-no-credits"]}, pending_task=PENDING_TASK
)


def key_fragments(key: str) -> list[str]:
    """The key, its first and last 10 characters, its middle: a mask keeps only 4 at each end."""
    return [key, key[:10], key[-10:], key[4:-4]]


def echoing_target(other_host: str) -> Handler:
    """Faithful answers that echo the key sent (message and X-Seen-Key header); a wrong scheme gets
    an HTML page quoting it; a download is redirected to `other_host`."""

    def handle(request: Request, conn: Connection) -> None:
        sent = request.headers.get("authorization", "")
        if "/download" in request.path:
            return redirects_to(other_host)(request, conn)
        if sent.startswith("Token "):  # the one recipe that sends the real key with a wrong scheme
            page = f"<html><body><p>Unsupported Authorization: {sent}</p></body></html>".encode()
            return conn.send(http_response(401, {"Content-Type": "text/html"}, page))
        status, headers, body = split_response(vicsee_answer(request, TARGET_KEYS, rate_limit_headers))
        document = json.loads(body)
        if "error" in document:
            document["error"]["message"] += f" (you sent {sent})"
        headers["X-Seen-Key"] = sent
        return conn.send(http_response(status, headers, json.dumps(document).encode()))

    return handle


def test_planted_keys_appear_in_no_output_and_reach_no_other_host(tmp_path: Path) -> None:
    other_host = LoopbackServer(echoing_target("http://localhost:1"))
    target = LoopbackServer(echoing_target(other_host.url.replace("127.0.0.1", "localhost")))
    keys = [part for flag, key in KEYS.items() for part in (flag, key)]
    with other_host, target:
        outcome = run_errcontract(
            [
                "--provider",
                "vicsee",
                "--target",
                target.url,
                "--pending-task-id",
                PENDING_TASK,
                "--timeout",
                "2",
                "--examples",
                "5",
                *keys,
            ],
            tmp_path / "reports",
        )
    assert not target.crashes and not other_host.crashes
    assert_clean(outcome, [fragment for key in KEYS.values() for fragment in key_fragments(key)])
    assert outcome.exit_code == 1, outcome.stdout  # the echoing target breaks its contract
    files = {Path(name).name for name in outcome.outputs()}
    assert {"results.json", "junit.xml", "pytest.html", "index.html"} <= files
    sent = [r.headers.get("authorization", "") for r in target.requests]
    assert any(KEYS["--api-key"] in value for value in sent)  # the keys were really used
    assert other_host.requests == []


# -- the key bare in a named header, or in the query string --------------------------------------
ANTHROPIC_KEY = "sk-ant-PLANTEDbare-7c1e4a9b2d5f"


def anthropic_echo(request: Request, conn: Connection) -> None:
    """Anthropic's error shape, echoing whatever credential came: the x-api-key header and the
    whole request target (a query key included) in the message and in a response header."""
    seen = f"{request.headers.get('x-api-key', '')} {request.path}"
    status = (
        200 if ANTHROPIC_KEY in seen and "/models" in request.path and "no-such" not in request.path else 401
    )
    if status == 200:
        body = {"data": [{"id": "claude-echo", "type": "model"}], "has_more": False}
    else:
        body = {
            "type": "error",
            "error": {"type": "authentication_error", "message": f"bad key: {seen}"},
            "request_id": "req_1",
        }
    headers = {"Content-Type": "application/json", "request-id": "req_1", "X-Seen": seen}
    conn.send(http_response(status, headers, json.dumps(body).encode()))


@pytest.mark.parametrize("auth", ["header", "query"])
def test_a_bare_or_query_key_appears_in_no_output(tmp_path: Path, auth: str) -> None:
    env: dict[str, str] = {"ERRCONTRACT_API_KEY": ANTHROPIC_KEY}
    if auth == "query":  # Anthropic's contract with its key in ?key= (a user's folder replaces it)
        mine = tmp_path / "mine"
        shutil.copytree(shipped_contracts() / "anthropic", mine / "anthropic")
        edit(mine / "anthropic" / "contract.yaml", "  header: x-api-key\n", "  query: key\n")
        env["ERRCONTRACT_CONTRACTS"] = str(mine)
    target = LoopbackServer(anthropic_echo)
    with target:
        outcome = run_errcontract(
            ["--provider", "anthropic", "--target", target.url, "--timeout", "2", "--examples", "5"],
            tmp_path / "reports",
            env=env,
        )
    assert not target.crashes
    assert_clean(outcome, key_fragments(ANTHROPIC_KEY))
    where = [r.path if auth == "query" else r.headers.get("x-api-key", "") for r in target.requests]
    assert any(ANTHROPIC_KEY in w for w in where)  # the key was really sent, where the contract says
    results = (tmp_path / "reports" / "anthropic" / "results.json").read_text(encoding="utf-8")
    shown = "?key=$ERRCONTRACT_API_KEY" if auth == "query" else "x-api-key: $ERRCONTRACT_API_KEY"
    assert shown in results  # reproducers carry the variable
