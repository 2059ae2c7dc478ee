"""`errcontract judge`: recorded traffic judged by the run's checks, per host, into report sets.

The real sample is pydantic-ai's cassettes of its own calls to OpenAI and compatible hosts
(tests/data/traffic/pydantic-ai/SOURCE.md); each finding below was checked by hand against
OpenAI's documented envelope (components.schemas.Error: message, type, param, code required).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr

from errcontract.mock.process import running_mock
from tests.faulty_servers import Connection, LoopbackServer, Request, http_response
from tests.live_runs import errcontract_command, snapshot
from tests.traffic_files import OPENAI, har_entry, openai_error_body, write_har

DATA = Path(__file__).parent / "data" / "traffic" / "pydantic-ai"
SAMPLE = sorted(str(p) for p in DATA.glob("*.yaml"))
CF_COOKIE = "HQGTURxq.ABKK5N.52ZTgVrLU4K9GpykjN9SFqzKTjw"


def judge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        errcontract_command("judge", *args), capture_output=True, text=True, timeout=240, check=False
    )


def results_of(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def verdicts(results: dict[str, Any]) -> dict[str, str]:
    return {c["code"]: c["verdict"] for c in results["codes"] if c["verdict"] != "not-observed"}


def every_output(proc: subprocess.CompletedProcess[str], report_dir: Path) -> bytes:
    files = b"".join(p.read_bytes() for p in report_dir.rglob("*") if p.is_file())
    return proc.stdout.encode() + proc.stderr.encode() + files


def test_real_openai_traffic_is_conformant_and_compatible_hosts_leaving_the_envelope_are_flagged(tmp_path):
    reports = tmp_path / "reports"
    proc = judge(*SAMPLE, "--provider", "openai", "--report-dir", str(reports))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    folders = sorted(p.name for p in reports.iterdir() if p.is_dir())
    assert folders == [
        "openai-api.cerebras.ai-v1",
        "openai-api.groq.com-openai-v1",
        "openai-api.openai.com-v1",
        "openai-openrouter.ai-api-v1",
    ]
    assert (reports / "index.html").is_file()
    openai = results_of(reports / "openai-api.openai.com-v1")
    assert openai["verdict"] == "conformant" and openai["violations"] == []
    assert verdicts(openai) == {"invalid_request": "pass", "model_not_found": "pass"}
    by_code = {c["code"]: c for c in openai["codes"]}
    assert by_code["invalid_request"]["from"]["kind"] == "traffic"
    assert by_code["slow_down"]["reason"] == "not observed (not in the traffic)"
    groq = results_of(reports / "openai-api.groq.com-openai-v1")
    assert groq["traffic"]["prefix"] == "/openai/v1"
    assert {(v["check"], v["code"]) for v in groq["violations"]} == {
        ("envelope", "invalid_request"),  # tool_use_failed 400 without `param`
        ("envelope", "model_not_found"),  # the 404 without `param`
    }
    assert all("'param' is a required property" in v["message"] for v in groq["violations"])
    openrouter = results_of(reports / "openai-openrouter.ai-api-v1")
    assert verdicts(openrouter) == {"rate_limit_exceeded": "fail"}
    assert {v["message"] for v in openrouter["violations"]} == {
        "stated envelope broken at error: 'type' is a required property"
    }
    assert results_of(reports / "openai-api.cerebras.ai-v1")["verdict"] == "conformant"


def test_without_a_provider_only_contract_hosts_are_judged_and_others_counted(tmp_path):
    reports = tmp_path / "reports"
    proc = judge(*SAMPLE, "--report-dir", str(reports))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in reports.iterdir() if p.is_dir()) == ["openai-api.openai.com-v1"]
    traffic = results_of(reports / "openai-api.openai.com-v1")["traffic"]
    assert traffic["other_hosts"] == {"api.groq.com": 4, "openrouter.ai": 3, "api.cerebras.ai": 1}
    assert "other hosts (not judged): api.groq.com (4), openrouter.ai (3), api.cerebras.ai (1)" in proc.stdout
    page = (reports / "openai-api.openai.com-v1" / "index.html").read_text(encoding="utf-8")
    assert "Other hosts (not judged): api.cerebras.ai (1), api.groq.com (4), openrouter.ai (3)." in page
    assert "test_user_id.yaml (1 entry)" in page


def test_headers_the_recorder_dropped_are_one_warning_not_a_violation_per_response(tmp_path):
    reports = tmp_path / "reports"
    judge(*SAMPLE, "--report-dir", str(reports))
    results = results_of(reports / "openai-api.openai.com-v1")
    absent = [w for w in results["warnings"] if w["check"] == "headers_recorded"]
    assert len(absent) == 1 and "not judged (absent from the whole recording)" in absent[0]["message"]
    assert "x-ratelimit-remaining-requests" in results["traffic"]["headers_absent"]


def vicsee_entry(status: int, body: str, with_headers: bool, n: int) -> dict[str, Any]:
    headers = [{"name": "Content-Type", "value": "application/json"}]
    if with_headers:
        headers += [
            {"name": "X-RateLimit-Limit", "value": "100"},
            {"name": "X-RateLimit-Remaining", "value": str(90 - n)},
            {"name": "X-RateLimit-Reset", "value": "2026-12-07T00:00:00Z"},
        ]
    auth = [{"name": "Authorization", "value": "Bearer sk-PLANTEDvicseekey0123456789"}]
    return har_entry(
        "https://vicsee.com/api/v1/tasks/t_1",
        status,
        body,
        request_headers=auth,
        response_headers=headers,
        started=f"2026-12-06T17:00:{n:02d}.000Z",
    )


def test_a_header_missing_on_some_entries_only_is_judged_on_each(tmp_path):
    ok = '{"success": true, "data": {"id": "t_1", "status": "completed"}}'
    entries = [
        vicsee_entry(200, ok, True, 1),
        vicsee_entry(200, ok, False, 2),
        vicsee_entry(200, ok, True, 3),
    ]
    path = write_har(tmp_path / "vicsee.har", entries)
    proc = judge(str(path), "--report-dir", str(tmp_path / "r"))
    results = results_of(tmp_path / "r" / "vicsee-vicsee.com-api-v1")
    missing = [v for v in results["violations"] if v["check"] == "rate_limit_headers"]
    assert proc.returncode == 1 and len(missing) == 3, proc.stdout  # the three headers of entry 2
    assert {v["source"] for v in missing} == {"traffic vicsee.har:2"}
    assert results["headers"]["missing"] == 3


def test_a_correct_4xx_in_traffic_is_never_a_departure(tmp_path):
    bad_model = openai_error_body("invalid_request_error", "model_not_found", "The model `x` does not exist")
    path = write_har(
        tmp_path / "calls.har",
        [
            har_entry(f"{OPENAI}/models/x", 404, bad_model),
            har_entry(
                f"{OPENAI}/chat/completions",
                400,
                openai_error_body("invalid_request_error", None),
                "POST",
                post='{"model": "gpt-4o", "messages": []}',
            ),
        ],
    )
    proc = judge(str(path), "--report-dir", str(tmp_path / "r"))
    results = results_of(tmp_path / "r" / "openai-api.openai.com-v1")
    assert proc.returncode == 0, proc.stdout
    assert results["violations"] == [] and verdicts(results) == {
        "invalid_request": "pass",
        "model_not_found": "pass",
    }
    assert not [w for w in results["warnings"] if w["check"] == "code_justified"]


def test_what_the_recorded_request_shows_is_judged(tmp_path):
    """A request missing `messages` answered 200 is a served defect; the recording shows it."""
    path = write_har(
        tmp_path / "calls.har",
        [har_entry(f"{OPENAI}/chat/completions", 200, '{"id": "x"}', "POST", post='{"model": "gpt-4o"}')],
    )
    judge(str(path), "--report-dir", str(tmp_path / "r"))
    results = results_of(tmp_path / "r" / "openai-api.openai.com-v1")
    (finding,) = results["violations"]
    assert finding["check"] == "defect_rejected" and "required field messages missing" in finding["defects"]


def test_aborted_entries_and_non_json_error_bodies_are_judged_or_counted(tmp_path):
    path = write_har(
        tmp_path / "calls.har",
        [
            {**har_entry(f"{OPENAI}/models", 0), "response": {"status": 0, "_error": "net::ERR_ABORTED"}},
            har_entry(
                f"{OPENAI}/models",
                500,
                "<html>Internal error</html>",
                response_headers=[{"name": "Content-Type", "value": "text/html"}],
            ),
            har_entry(f"{OPENAI}/models", 200, "\x00\x01\x02binary"),
        ],
    )
    judge(str(path), "--report-dir", str(tmp_path / "r"))
    results = results_of(tmp_path / "r" / "openai-api.openai.com-v1")
    assert results["errors"] == [{"test": "", "message": "no response: net::ERR_ABORTED"}]
    assert {v["check"] for v in results["violations"]} == {"content_type_json", "envelope"}
    assert results["traffic"]["entries"] == 3 and results["traffic"]["judged"] == 2


def test_a_truncated_har_is_one_line_exit_2_and_nothing_written(tmp_path):
    path = write_har(tmp_path / "cut.har", [har_entry(f"{OPENAI}/models", 200)] * 5)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "keep.txt").write_text("earlier", encoding="utf-8")
    before = snapshot(reports)
    proc = judge(str(path), "--report-dir", str(reports))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("errcontract: error: ")
    assert "cut short" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(reports) == before


def test_a_file_that_is_not_traffic_is_one_line_exit_2(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text('{"hello": "world"}', encoding="utf-8")
    proc = judge(str(path), "--report-dir", str(tmp_path / "r"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert not (tmp_path / "r").exists()


PLANTED = {
    "authorization": "sk-proj-PLANTEDtrafficKEY0123456789abcdef",
    "x-api-key": "sk-ant-api03-PLANTEDanthropic0123456789abcdef",
    "cookie": "PLANTEDsessioncookie0123456789",
    "query": "AIzaPLANTEDgooglekey0123456789abcdefghij",
    "body": "PLANTEDbodysecret0123456789",
}


def test_no_credential_of_the_recording_reaches_any_output(tmp_path):
    error = openai_error_body(
        "invalid_request_error", "invalid_api_key", f"Incorrect API key {PLANTED['authorization']}"
    )
    entry = har_entry(
        f"{OPENAI}/chat/completions?key={PLANTED['query']}",
        401,
        error,
        "POST",
        request_headers=[
            {"name": "Authorization", "value": f"Bearer {PLANTED['authorization']}"},
            {"name": "x-api-key", "value": PLANTED["x-api-key"]},
            {"name": "Cookie", "value": f"session={PLANTED['cookie']}"},
        ],
        post=json.dumps({"model": "gpt-4o", "messages": [], "api_key": PLANTED["body"]}),
    )
    reports = tmp_path / "reports"
    proc = judge(
        str(write_har(tmp_path / "calls.har", [entry])),
        *SAMPLE,
        "--provider",
        "openai",
        "--report-dir",
        str(reports),
    )
    assert proc.returncode == 1, proc.stderr
    output = every_output(proc, reports)
    for secret in [*PLANTED.values(), CF_COOKIE]:
        assert secret.encode() not in output, secret[:12]
        assert secret[4:-4].encode() not in output, secret[:12]
    assert b"$ERRCONTRACT_API_KEY" in output  # reproducers use the variable
    scan = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan", "--all-files", "."],
        cwd=reports,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert scan.returncode == 0 and json.loads(scan.stdout)["results"] == {}, scan.stdout[-2000:]


def gzip_upstream(request: Request, conn: Connection) -> None:
    """An OpenAI-shaped 404, gzip-encoded on the wire (as a CDN sends it)."""
    body = gzip.compress(openai_error_body("invalid_request_error", "model_not_found").encode())
    conn.send(http_response(404, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, body))


@pytest.mark.parametrize("serializer", ["yaml", "json"])
def test_cassettes_as_vcrpy_records_them_are_judged(tmp_path, serializer):
    recorder = vcr.VCR(
        serializer=serializer,
        cassette_library_dir=str(tmp_path),
        filter_headers=["authorization"],
        decode_compressed_response=serializer == "json",  # JSON cannot hold the gzip bytes
    )
    with (
        running_mock("openai") as mock,
        LoopbackServer(gzip_upstream) as cdn,
        recorder.use_cassette(f"calls.{serializer}"),
    ):
        httpx.get(f"{mock.url}/v1/models", headers={"Authorization": "Bearer sk-not-a-key-0123456789"})
        httpx.get(f"{cdn.url}/v1/models/x", headers={"Authorization": f"Bearer {PLANTED['authorization']}"})
    cassette = tmp_path / f"calls.{serializer}"
    assert PLANTED["authorization"] not in cassette.read_text(encoding="utf-8")
    if serializer == "yaml":
        assert "!!binary" in cassette.read_text(encoding="utf-8")  # the gzip bytes, base64
    proc = judge(str(cassette), "--provider", "openai", "--report-dir", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    seen = {}
    for folder in (tmp_path / "r").iterdir():
        if folder.is_dir():
            seen.update(verdicts(results_of(folder)))
    assert seen == {"invalid_api_key": "pass", "model_not_found": "pass"}


def test_header_rules_over_time_are_judged_per_key_over_the_recorded_times(tmp_path):
    """Two keys: key 1's limit changes within the recording, key 2's does not."""
    ok = '{"success": true, "data": {"id": "t_1", "status": "completed"}}'
    entries = []
    for n in range(8):
        entry = vicsee_entry(200, ok, True, n)
        key = "sk-PLANTEDvicseekey0123456789" if n % 2 == 0 else "sk-PLANTEDsecondkey9876543210"
        entry["request"]["headers"] = [{"name": "Authorization", "value": f"Bearer {key}"}]
        if n == 6:  # key 1's limit changes
            entry["response"]["headers"][1] = {"name": "X-RateLimit-Limit", "value": "50"}
        entries.append(entry)
    path = write_har(tmp_path / "vicsee.har", entries)
    proc = judge(str(path), "--report-dir", str(tmp_path / "r"))
    results = results_of(tmp_path / "r" / "vicsee-vicsee.com-api-v1")
    limit = [v for v in results["violations"] if v["check"] == "rate_limit_limit_constant"]
    assert proc.returncode == 1 and len(limit) == 1, proc.stdout
    assert limit[0]["message"].endswith("[key: key 1]") and "100, 100, 100, 50" in limit[0]["message"]


def test_an_empty_recording_or_a_folder_is_one_line_exit_2(tmp_path):
    empty = write_har(tmp_path / "empty.har", [])
    for given, said in (
        (empty, "no entries to judge (an empty recording)"),
        (tmp_path, "a folder, not a file"),
    ):
        proc = judge(str(given), "--report-dir", str(tmp_path / "r"))
        assert proc.returncode == 2 and proc.stderr.strip().endswith(said) and proc.stderr.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_an_entry_whose_url_cannot_be_split_is_counted_not_a_crash(tmp_path):
    path = write_har(
        tmp_path / "odd.har",
        [
            har_entry("http://[::1/v1/models", 200),
            har_entry(
                f"{OPENAI}/models/x", 404, openai_error_body("invalid_request_error", "model_not_found")
            ),
        ],
    )
    proc = judge(str(path), "--report-dir", str(tmp_path / "r"))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    traffic = results_of(tmp_path / "r" / "openai-api.openai.com-v1")["traffic"]
    assert traffic["not_judged"] == {"an entry that cannot be read as an exchange (Invalid IPv6 URL)": 1}
