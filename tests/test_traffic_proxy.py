"""`errcontract proxy`: a client gets the upstream's answers unchanged (streams as they arrive),
every exchange is judged on the side, and SIGINT/SIGTERM writes the report set with the run's
exit code; an upstream that is down gets the client a 502 in the proxy's own words."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from errcontract.mock.process import running_mock
from tests.faulty_servers import Connection, LoopbackServer, Request, response_head
from tests.faulty_servers.loopback import refused_port
from tests.live_runs import errcontract_command

VARYING = {
    "date",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-requests",
    "x-ratelimit-reset-tokens",
    "connection",
    "keep-alive",
}


class ProxyRun:
    def __init__(self, proc: subprocess.Popen[str], url: str) -> None:
        self.proc = proc
        self.url = url

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, out, err


@contextmanager
def proxy(upstream: str, report_dir: Path, *extra: str, provider: str = "openai") -> Iterator[ProxyRun]:
    command = errcontract_command(
        "proxy", "--provider", provider, "--upstream", upstream, "--report-dir", str(report_dir), *extra
    )
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("errcontract proxy: http://127.0.0.1:"), first + proc.stderr.read()
        yield ProxyRun(proc, first.split()[2])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def answers(base: str, key: str) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    """The same five requests, each answered: status, headers (those that vary left out), body."""
    auth = {"Authorization": f"Bearer {key}"}
    requests = [
        ("GET", "/v1/models", {"Authorization": "Bearer sk-not-a-key-0123456789"}, None),
        ("GET", "/v1/models", auth, None),
        ("GET", "/v1/models/no-such-model", auth, None),
        ("POST", "/v1/chat/completions", auth, {"model": "gpt-4o-mini"}),
        ("GET", "/v1/models", {}, None),
    ]
    out = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for method, path, headers, body in requests:
            response = client.request(method, path, headers=headers, json=body)
            kept = [(k, v) for k, v in response.headers.multi_items() if k not in VARYING]
            out.append((response.status_code, kept, response.content))
    return out


def results_in(report_dir: Path) -> dict[str, Any]:
    (path,) = report_dir.glob("*/results.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_client_gets_the_same_answers_and_a_faithful_upstream_is_conformant(tmp_path):
    with (
        running_mock("openai") as mock,
        proxy(mock.url, tmp_path / "r", "--record", str(tmp_path / "seen.har")) as run,
    ):
        key = mock.fixtures["api_key"]
        direct = answers(mock.url, key)
        through = answers(run.url, key)
        code, out, err = run.stop(signal.SIGINT)
    assert through == direct
    assert [a[0] for a in through] == [401, 200, 404, 400, 401]
    assert code == 0, out + err
    results = results_in(tmp_path / "r")
    assert results["verdict"] == "conformant"
    passed = {c["code"] for c in results["codes"] if c["verdict"] == "pass"}
    assert {"invalid_api_key", "missing_api_key", "model_not_found", "invalid_request"} <= passed
    har = json.loads((tmp_path / "seen.har").read_text(encoding="utf-8"))
    assert len(har["log"]["entries"]) == 5
    assert key not in (tmp_path / "seen.har").read_text(encoding="utf-8")


def test_a_drifted_upstream_exits_1_naming_the_drifts_code(tmp_path):
    with running_mock("openai", drift="text-plain-errors") as mock, proxy(mock.url, tmp_path / "r") as run:
        httpx.get(f"{run.url}/v1/models", headers={"Authorization": "Bearer sk-not-a-key-0123456789"})
        code, out, err = run.stop(signal.SIGTERM)
    assert code == 1, out + err
    assert "invalid_api_key" in out and "error sent as text/plain, not JSON" in out
    results = results_in(tmp_path / "r")
    assert {c["code"]: c["verdict"] for c in results["codes"]}["invalid_api_key"] == "fail"


def test_an_upstream_that_is_down_gets_a_502_in_the_proxys_words_and_is_recorded(tmp_path):
    with refused_port() as port, proxy(f"http://127.0.0.1:{port}", tmp_path / "r") as run:
        response = httpx.get(f"{run.url}/v1/models")
        code, out, err = run.stop()
    assert response.status_code == 502
    assert response.text.startswith(
        f"errcontract proxy: the upstream http://127.0.0.1:{port} could not be reached"
    )
    assert code == 3, out + err  # nothing ever answered: unreachable, as a run says it
    assert "Traceback" not in err
    results = results_in(tmp_path / "r")
    assert results["verdict"] == "unreachable" and "did not answer" in results["errors"][0]["message"]


def sse_upstream(release: threading.Event) -> Any:
    """Two server-sent events: the second only once the test saw the first through the proxy."""

    def handle(request: Request, conn: Connection) -> None:
        headers = {
            "Content-Type": "text/event-stream",
            "Set-Cookie": "a=1",
            "X-Seen-Auth": request.headers.get("authorization", ""),
        }
        conn.send(
            response_head(200, headers, None).replace(
                b"Connection: close\r\n", b"Transfer-Encoding: chunked\r\nConnection: close\r\n"
            )
        )
        first = b'data: {"n": 1}\n\n'
        conn.send(b"%x\r\n%s\r\n" % (len(first), first))
        release.wait(30)
        second = b"data: [DONE]\n\n"
        conn.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(second), second))

    return handle


PLANTED = "sk-proj-PLANTEDproxyKEY0123456789abcdefgh"


def test_a_stream_is_passed_on_as_it_arrives_and_no_key_reaches_the_reports(tmp_path):
    release = threading.Event()
    with (
        LoopbackServer(sse_upstream(release)) as upstream,
        proxy(upstream.url, tmp_path / "r", "--record", str(tmp_path / "s.har")) as run,
    ):
        with httpx.stream(
            "POST",
            f"{run.url}/v1/chat/completions",
            headers={"Authorization": f"Bearer {PLANTED}"},
            json={"model": "m", "messages": [], "stream": True},
            timeout=30,
        ) as response:
            chunks = response.iter_raw()
            first = next(chunks)
            assert first == b'data: {"n": 1}\n\n'  # before the upstream sent the rest
            release.set()
            rest = b"".join(chunks)
        assert rest == b"data: [DONE]\n\n"
        assert response.headers["x-seen-auth"] == f"Bearer {PLANTED}"  # forwarded as sent
        code, out, err = run.stop()
    assert code == 0, out + err
    files = b"".join(
        p.read_bytes() for p in [*(tmp_path / "r").rglob("*"), tmp_path / "s.har"] if p.is_file()
    )
    assert PLANTED.encode() not in files + out.encode() + err.encode()
    assert PLANTED[8:-4].encode() not in files
    scan = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan", "--all-files", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert json.loads(scan.stdout)["results"] == {}, scan.stdout[-2000:]


def test_reports_are_flushed_while_the_proxy_runs(tmp_path):
    with running_mock("openai") as mock, proxy(mock.url, tmp_path / "r", "--flush-every", "0.2") as run:
        httpx.get(f"{run.url}/v1/models")
        for _ in range(600):  # up to a minute on a loaded machine: the flush comes within 0.2 s
            if list((tmp_path / "r").glob("*/results.json")):
                break
            threading.Event().wait(0.1)
        flushed = results_in(tmp_path / "r")
        code, _, _ = run.stop()
    assert flushed["summary"]["passed"] == 1 and code == 0
