"""Readers of recorded traffic: HAR (streamed), vcrpy cassettes, JSON Lines; scrubbing; routing."""

from __future__ import annotations

import gzip
import json
import multiprocessing
from pathlib import Path

import pytest

from errcontract.contract.model import every_contract, load_provider
from errcontract.traffic.entry import BadRecording, Recorded, Skipped
from errcontract.traffic.pipeline import BATCH, ReadAhead, Scrubbed, scrubbed
from errcontract.traffic.read import read_traffic
from errcontract.traffic.route import Routed, Router, Unrouted, endpoint_prefix
from errcontract.traffic.scrub import RECORDED_KEY, Scrubber
from tests.traffic_files import (
    OPENAI,
    b64,
    cassette_interaction,
    gzipped,
    har_entry,
    openai_error_body,
    write_har,
    write_yaml_cassette,
)

DATA = Path(__file__).parent / "data" / "traffic" / "pydantic-ai"


def entries(path: Path) -> list[Recorded | Skipped]:
    return list(read_traffic(path))


def test_har_entries_are_read_with_bodies_times_and_aborted_requests(tmp_path):
    error = openai_error_body("invalid_request_error", None)
    path = write_har(
        tmp_path / "calls.har",
        [
            har_entry(f"{OPENAI}/models", 200, '{"data": []}'),
            har_entry(f"{OPENAI}/chat/completions", 400, b64(error.encode()), "POST", encoding="base64"),
            {**har_entry(f"{OPENAI}/models", 0), "response": {"status": 0, "_error": "net::ERR_ABORTED"}},
            {"request": "not an object"},
        ],
    )
    first, second, aborted, odd = entries(path)
    assert isinstance(first, Recorded) and first.status == 200 and first.where == "calls.har:1"
    assert first.started_at == pytest.approx(1796576400.0)
    assert isinstance(second, Recorded) and json.loads(second.response_body)["error"]["code"] is None
    assert isinstance(aborted, Recorded) and aborted.status is None
    assert aborted.aborted == "no response: net::ERR_ABORTED"
    assert isinstance(odd, Skipped) and "no request object" in odd.reason


def test_har_1_1_reads_as_1_2(tmp_path):
    path = write_har(tmp_path / "old.har", [har_entry(f"{OPENAI}/models", 200)], version="1.1")
    assert [e.status for e in entries(path) if isinstance(e, Recorded)] == [200]


def test_a_truncated_har_is_bad_input_naming_where_it_stops(tmp_path):
    path = write_har(tmp_path / "cut.har", [har_entry(f"{OPENAI}/models", 200)] * 3)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(BadRecording, match=r"cut\.har: cut short or not valid JSON after entry 1"):
        entries(path)


def test_json_that_is_not_har_is_bad_input(tmp_path):
    path = tmp_path / "other.har"
    path.write_text('{"name": "not a HAR", "items": [1, 2]}', encoding="utf-8")
    with pytest.raises(BadRecording, match=r"other\.har: not a HAR file \(no log\.entries\)"):
        entries(path)


def test_a_har_body_still_gzipped_is_decoded(tmp_path):
    error = openai_error_body("invalid_request_error", None)
    headers = [
        *[{"name": "Content-Encoding", "value": "gzip"}],
        {"name": "Content-Type", "value": "application/json"},
    ]
    entry = har_entry(
        f"{OPENAI}/models", 400, b64(gzipped(error)), response_headers=headers, encoding="base64"
    )
    (read,) = entries(write_har(tmp_path / "gz.har", [entry]))
    assert (
        isinstance(read, Recorded)
        and json.loads(read.response_body)["error"]["type"] == "invalid_request_error"
    )


def test_a_yaml_cassette_with_a_gzip_binary_body_is_decoded(tmp_path):
    error = openai_error_body("invalid_request_error", "model_not_found")
    interaction = cassette_interaction(
        f"{OPENAI}/models/x",
        404,
        gzipped(error),  # vcrpy keeps the bytes the server sent: YAML !!binary (base64)
        {
            "Content-Type": ["application/json"],
            "Content-Encoding": ["gzip"],
            "Date": ["Sun, 06 Dec 2026 17:00:00 GMT"],
        },
    )
    path = write_yaml_cassette(tmp_path / "cassette.yaml", [interaction])
    assert b"!!binary" in path.read_bytes()
    (read,) = entries(path)
    assert isinstance(read, Recorded) and read.status == 404
    assert json.loads(read.response_body)["error"]["code"] == "model_not_found"
    assert read.started_at == pytest.approx(1796576400.0)  # the Date header: vcrpy keeps no time


def test_a_json_cassette_and_a_gzipped_cassette_are_read(tmp_path):
    interaction = cassette_interaction(f"{OPENAI}/models", 200, '{"data": []}')
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps({"interactions": [interaction], "version": 1}), encoding="utf-8")
    assert [e.status for e in entries(path) if isinstance(e, Recorded)] == [200]
    zipped = tmp_path / "cassette.yaml.gz"
    zipped.write_bytes(gzip.compress(write_yaml_cassette(tmp_path / "c.yaml", [interaction]).read_bytes()))
    assert [e.status for e in entries(zipped) if isinstance(e, Recorded)] == [200]


def test_a_cassette_entry_of_an_unknown_shape_is_counted_with_why(tmp_path):
    path = write_yaml_cassette(tmp_path / "odd.yaml", [{"request": {"method": "GET"}}, {"something": 1}])
    reasons = [e.reason for e in entries(path) if isinstance(e, Skipped)]
    assert reasons == [
        "cassette entry of an unknown shape (no method or uri)",
        "cassette entry of an unknown shape (no request)",
    ]


def test_pydantic_ai_parsed_body_cassettes_are_read():
    read = entries(DATA / "test_openrouter_errors_raised.yaml")
    assert [e.status for e in read if isinstance(e, Recorded)] == [429, 429, 429]
    first = read[0]
    assert isinstance(first, Recorded) and json.loads(first.response_body)["error"]["code"] == 429


def test_json_lines_exchanges_with_a_bad_line_counted(tmp_path):
    lines = [
        {
            "time": "2026-12-06T17:00:00Z",
            "method": "GET",
            "url": f"{OPENAI}/models",
            "response": {"status": 200},
        },
        "not json",
        {
            "method": "POST",
            "url": f"{OPENAI}/chat/completions",
            "request": {"headers": [["content-type", "application/json"]], "body": "{}"},
            "response": {
                "status": 400,
                "headers": {"content-type": "application/json"},
                "body_base64": b64(b"\x00\xff"),
            },
        },
        {"method": "GET", "url": f"{OPENAI}/models", "response": None, "error": "connection reset"},
    ]
    path = tmp_path / "traffic.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n", encoding="utf-8"
    )
    ok, bad, binary, reset = entries(path)
    assert isinstance(ok, Recorded) and ok.status == 200
    assert isinstance(bad, Skipped) and bad.where == "traffic.jsonl:2" and bad.reason == "line is not JSON"
    assert isinstance(binary, Recorded) and binary.response_body == b"\x00\xff"
    assert isinstance(reset, Recorded) and reset.aborted == "no response: connection reset"


def test_an_unreadable_or_empty_file_is_bad_input(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(BadRecording, match="empty"):
        entries(empty)
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"{\x00\x01 not json at all")
    with pytest.raises(BadRecording, match="neither HAR"):
        entries(garbage)


# -- scrubbing -----------------------------------------------------------------------------------
KEY = "sk-proj-PLANTEDabcdefghijklmnop1234"


def test_credentials_are_replaced_in_headers_query_bodies_and_echoes():
    entry = Recorded(
        where="x:1",
        method="POST",
        url=f"{OPENAI}/chat/completions?key=AIzaPLANTEDgoogle0123456789abcdefghijkl&limit=3",
        request_headers=(
            ("Authorization", f"Bearer {KEY}"),
            ("x-api-key", "planted-anthropic-key-123456"),
            ("Cookie", "session=planted-cookie-value-1; theme=dark"),
        ),
        request_body=json.dumps({"model": "m", "api_key": "planted-body-key-999999"}).encode(),
        status=401,
        response_headers=(("Set-Cookie", "sid=planted-set-cookie-777777; Path=/"), ("X-Echo", KEY)),
        response_body=json.dumps(
            {"error": {"message": f"bad key {KEY}, also gsk_PLANTEDgroqkey0123456789ab"}}
        ).encode(),
    )
    scrub = Scrubber()
    clean = scrub(entry)
    text = repr(clean)
    for planted in (
        KEY,
        "AIzaPLANTEDgoogle",
        "planted-anthropic-key",
        "planted-cookie-value",
        "planted-body-key",
        "planted-set-cookie",
        "gsk_PLANTED",
    ):
        assert planted not in text, planted
    assert dict(clean.request_headers)["Authorization"] == f"Bearer {RECORDED_KEY}"
    assert "limit=3" in clean.url and "theme=" in dict(clean.request_headers)["Cookie"]
    assert scrub.key_of(entry) == "key 1"
    later = scrub(Recorded("x:2", "GET", f"{OPENAI}/models", (), None, 200, (), f"echo {KEY[:30]}".encode()))
    assert KEY[:30] not in repr(later)


def test_a_credential_the_recorder_dropped_is_no_key():
    entry = Recorded("x:1", "GET", f"{OPENAI}/models", (("authorization", "DUMMY"),), None, 200, (), b"")
    assert Scrubber().key_of(entry) is None


# -- routing -------------------------------------------------------------------------------------
def recorded(url: str, method: str = "GET") -> Recorded:
    return Recorded("f:1", method, url, (), None, 200, (), b"{}")


def test_contract_hosts_route_entries_and_count_other_hosts():
    router = Router(every_contract())
    (openai,) = router.route(recorded(f"{OPENAI}/models"))
    (other,) = router.route(recorded("https://api.groq.com/openai/v1/models"))
    (outside,) = router.route(recorded("https://api.openai.com/dashboard"))
    assert isinstance(openai, Routed) and openai.target.url == "https://api.openai.com/v1"
    assert isinstance(other, Unrouted) and router.other_hosts == {"api.groq.com": 1}
    assert isinstance(outside, Unrouted) and "outside openai's base path /v1" in outside.reason


def test_under_a_provider_each_hosts_prefix_is_found_from_its_endpoints():
    contract = load_provider("openai")
    assert endpoint_prefix(contract, "POST", "/openai/v1/chat/completions") == "/openai/v1"
    assert endpoint_prefix(contract, "GET", "/models/gpt-4o") == ""
    router = Router([contract], contract)
    held = list(router.route(recorded("https://api.groq.com/openai/v1/files")))
    assert held == []  # no endpoint of the contract yet: held until the prefix is known
    routed = list(router.route(recorded("https://api.groq.com/openai/v1/models")))
    assert [r.target.prefix for r in routed if isinstance(r, Routed)] == ["/openai/v1", "/openai/v1"]
    assert routed[1].target.found_by == "discovered from f:1"
    list(router.route(recorded("https://api.anthropic.com/v1/messages", "POST")))
    (left,) = router.finish()
    assert isinstance(left, Unrouted) and "names one of openai's endpoints" in left.reason


def test_the_reader_process_sends_every_entry_scrubbed_as_scrubbing_here_would(tmp_path):
    key = [{"name": "Authorization", "value": "Bearer sk-proj-pipelinekey00000000000000"}]
    rows = [har_entry(f"{OPENAI}/models", 200, '{"data": []}', request_headers=key)] * (BATCH + 3)
    path = write_har(tmp_path / "many.har", rows)
    scrub = Scrubber()
    here = [scrubbed(scrub, e) for e in read_traffic(path)]
    reader = ReadAhead([path])
    there = list(reader)
    assert there == here and len(there) == BATCH + 3  # more than one batch, in file order
    assert reader.secrets == tuple(scrub.secrets) and reader.secrets
    assert all(isinstance(i, Scrubbed) and "pipelinekey" not in repr(i.entry) for i in there)


def test_a_file_the_reader_process_cannot_read_is_its_one_line_and_no_process_is_left(tmp_path):
    path = write_har(tmp_path / "cut.har", [har_entry(f"{OPENAI}/models", 200)] * 3)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(BadRecording, match=r"cut\.har: cut short or not valid JSON after entry 1"):
        list(ReadAhead([path]))
    with pytest.raises(BadRecording, match=r"none\.har: no such file"):
        list(ReadAhead([tmp_path / "none.har"]))
    assert multiprocessing.active_children() == []
