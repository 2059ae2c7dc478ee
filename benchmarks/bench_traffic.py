"""Judging recorded traffic at scale: `errcontract judge` on a large HAR of OpenAI traffic, its
entries/s, MB/s and peak RSS, side by side with Redocly CLI's `drift` (npm @redocly/cli, a traffic
validator nobody here wrote) on the same file and the same OpenAPI document.

Run: python benchmarks/bench_traffic.py [--size-mb 300] [--redocly PATH/TO/redocly] [--keep]

The HAR is written here, streamed: chat completions (200), and OpenAI's documented errors (400,
401, 404, 429 with Retry-After), every response with the x-ratelimit-* headers, one request every
100 ms, each with an Authorization header to scrub. CPU time is the child's and its reader process's
(wait4 counts the children it reaped); peak RSS is the larger of the two processes' (wait4's
ru_maxrss), so together they use at most twice it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
API = "https://api.openai.com/v1"
KEY = "Bearer sk-proj-benchmarkkey0000000000000000"
RATE = [
    ("x-ratelimit-limit-requests", "10000"),
    ("x-ratelimit-limit-tokens", "2000000"),
    ("x-ratelimit-reset-requests", "6ms"),
    ("x-ratelimit-reset-tokens", "1ms"),
]


def _error(type_: str, code: str | None, message: str, param: str | None = None) -> str:
    return json.dumps({"error": {"message": message, "type": type_, "param": param, "code": code}})


def _completion(n: int) -> str:
    text = "The quick brown fox jumps over the lazy dog. " * 12
    return json.dumps(
        {
            "id": f"chatcmpl-{n:012d}",
            "object": "chat.completion",
            "created": 1765000000 + n,
            "model": "gpt-4o-2024-08-06",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 20, "completion_tokens": 120, "total_tokens": 140},
        }
    )


def _stream(n: int) -> str:
    """A streamed chat completion as its server-sent events (40 chunks, then [DONE])."""
    events = []
    for i in range(40):
        chunk = {
            "id": f"chatcmpl-{n:012d}",
            "object": "chat.completion.chunk",
            "created": 1765000000 + n,
            "model": "gpt-4o-2024-08-06",
            "choices": [{"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}],
        }
        events.append(f"data: {json.dumps(chunk)}\n\n")
    return "".join(events) + "data: [DONE]\n\n"


def _answer(n: int) -> tuple[str, str, int, str, list[tuple[str, str]]]:
    """(method, path, status, body, extra headers) of entry n: mostly 200s, the errors in turn."""
    kind = n % 20
    if kind == 0:
        return "POST", "/chat/completions", 400, _error("invalid_request_error", None, "Missing messages"), []
    if kind == 1:
        return (
            "GET",
            "/models",
            401,
            _error("invalid_request_error", "invalid_api_key", "Incorrect API key"),
            [],
        )
    if kind == 2:
        body = _error("invalid_request_error", "model_not_found", "The model `x` does not exist")
        return "GET", "/models/x", 404, body, []
    if kind == 3:
        body = _error("requests", "rate_limit_exceeded", "Rate limit reached for requests")
        return "POST", "/chat/completions", 429, body, [("retry-after", "2")]
    if kind < 8:  # a streamed completion (stream: true), as chat apps mostly ask
        return "POST", "/chat/completions", 200, _stream(n), [("content-type", "text/event-stream")]
    return "POST", "/chat/completions", 200, _completion(n), []


def entry(n: int) -> dict[str, Any]:
    method, path, status, body, extra = _answer(n)
    content_type = (
        "text/event-stream" if ("content-type", "text/event-stream") in extra else "application/json"
    )
    extra = [h for h in extra if h[0] != "content-type"]
    headers = [
        ("content-type", content_type),
        *RATE,
        ("x-ratelimit-remaining-requests", str(10000 - n % 10000)),
        ("x-ratelimit-remaining-tokens", str(2000000 - n % 2000000)),
        *extra,
    ]
    request_body = json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": f"hello {n}"}]})
    seconds = n / 10
    started = (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1765000000 + seconds))
        + f".{int(seconds * 1000) % 1000:03d}Z"
    )
    request: dict[str, Any] = {
        "method": method,
        "url": API + path,
        "httpVersion": "HTTP/1.1",
        "headers": [
            {"name": "authorization", "value": KEY},
            {"name": "content-type", "value": "application/json"},
        ],
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": -1,
    }
    if method == "POST":
        request["postData"] = {"mimeType": "application/json", "text": request_body}
    return {
        "startedDateTime": started,
        "time": 120,
        "request": request,
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": k, "value": v} for k, v in headers],
            "cookies": [],
            "content": {"size": len(body), "mimeType": content_type, "text": body},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(body),
        },
        "cache": {},
        "timings": {"send": 1, "wait": 110, "receive": 9},
    }


def write_har(path: Path, size_mb: float) -> int:
    """A HAR of about size_mb MB, written entry by entry; returns the number of entries."""
    limit, n = size_mb * 1024 * 1024, 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '{"log": {"version": "1.2", "creator": {"name": "bench_traffic", "version": "1"}, "entries": [\n'
        )
        while out.tell() < limit:
            out.write((",\n" if n else "") + json.dumps(entry(n)))
            n += 1
        out.write("\n]}}\n")
    return n


def measure(command: list[str]) -> dict[str, Any]:
    """Wall time, CPU time, peak RSS (MB), exit code and the load average of one child."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        output.seek(0)
        text = output.read().decode(errors="replace")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": os.waitstatus_to_exitcode(status),
        "load_avg": round(os.getloadavg()[0], 1),
        "tail": text[-600:],
    }


def figures(result: dict[str, Any], size_mb: float, entries: int) -> dict[str, Any]:
    wall, cpu = result["wall_s"] or 1e-9, result["cpu_s"] or 1e-9
    return {
        **result,
        "mb_per_s": round(size_mb / wall, 1),
        "entries_per_s": round(entries / wall),
        "mb_per_cpu_s": round(size_mb / cpu, 1),
        "entries_per_cpu_s": round(entries / cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=300)
    parser.add_argument(
        "--redocly", default=None, help="path to the redocly binary (npm install @redocly/cli)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the HAR and the reports")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-traffic-"))
    har = work / "openai.har"
    entries = write_har(har, args.size_mb)
    size = har.stat().st_size / 1024 / 1024
    results: dict[str, Any] = {"har_mb": round(size, 1), "entries": entries, "cpus": os.cpu_count()}
    ours = [sys.executable, "-m", "errcontract", "judge", str(har), "--report-dir", str(work / "reports")]
    results["errcontract"] = figures(measure(ours), size, entries)
    if args.redocly:
        theirs = [
            args.redocly,
            "drift",
            str(har),
            "--api",
            str(ROOT / "contracts/openai/openapi.yaml"),
            "--match-mode",
            "basepath",
            "--format",
            "json",
        ]
        results["redocly_drift"] = figures(measure(theirs), size, entries)
    if not args.keep:
        har.unlink()
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "bench-traffic.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
