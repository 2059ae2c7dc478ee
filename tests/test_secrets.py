"""Keys never leave the run: not in stdout, stderr, results.json, JUnit, pytest-html, the HTML
reports or any reproducer, and never sent to a host other than the target.

The target here is as careless as real ones are: it echoes the key it received back in its error
messages, in a response header, and in an HTML page cut 60 characters in (where a snippet would
cut the key in half, beyond the reach of a whole-key search).
"""

from __future__ import annotations

import json
from pathlib import Path

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
