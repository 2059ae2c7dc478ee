"""Requests per second of the reference mock on loopback, beside a minimal Starlette app.

Both run on the same uvicorn settings (errcontract.mock.server.make_server) in a thread of this
process and take the same number of keep-alive requests from one httpx client. The mock is
measured on a realistic mix: an authenticated, rate-limited, billed request with a JSON body
for each provider. Run: python benchmarks/bench_mock.py [N]
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from errcontract.contract.model import load_provider
from errcontract.mock.server import bind_socket, make_server, serve_in_thread, url_of
from errcontract.mock.testing import auth_headers

Sender = Callable[[httpx.Client], httpx.Response]


async def _echo(request: Request) -> JSONResponse:
    """The least a JSON API does: parse the body, answer JSON."""
    body = await request.json()
    return JSONResponse({"ok": True, "fields": len(body)})


REPEATS = 3  # best of three: a shared machine's noise only ever slows a run down


def _rate(url: str, n_requests: int, send: Sender, headers: dict[str, str]) -> float:
    best = 0.0
    with httpx.Client(base_url=url, headers=headers) as client:
        send(client)  # warm the connection
        for _ in range(REPEATS):
            started = time.perf_counter()
            for _ in range(n_requests):
                send(client)
            best = max(best, n_requests / (time.perf_counter() - started))
    return best


def baseline_rps(n_requests: int) -> float:
    """A one-route Starlette JSON echo on the mock's uvicorn settings (same request shape)."""
    sock = bind_socket(0)
    server = make_server(Starlette(routes=[Route("/echo", _echo, methods=["POST"])]))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.005)
    try:
        body = {"model": "m", "prompt": "benchmark"}
        return _rate(url_of(sock), n_requests, lambda c: c.post("/echo", json=body), {})
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _vicsee_generate(model: str) -> Sender:
    body = {"model": model, "prompt": "benchmark"}
    return lambda client: client.post("/api/v1/generate", json=body)


def mock_rps(provider: str, n_requests: int) -> float:
    contract = load_provider(provider)
    with serve_in_thread(provider) as mock:
        headers = auth_headers(contract, mock.fixtures["api_key"])
        if provider == "vicsee":
            send = _vicsee_generate(mock.fixtures["model"])
        else:
            body = {"workflow": "generate_image", "input": {"prompt": "benchmark"}}
            send = lambda client: client.post("/api/v1/jobs", json=body)  # noqa: E731
        return _rate(mock.url, n_requests, send, headers)


def measure_mock_throughput(n_requests: int = 2000) -> dict[str, float]:
    """{"mock_rps", "baseline_rps", "ratio"}: the mock's slower provider against the baseline."""
    baseline = baseline_rps(n_requests)
    per_provider = {p: mock_rps(p, n_requests) for p in ("vicsee", "vydra")}
    mock = min(per_provider.values())
    return {
        "mock_rps": round(mock, 1),
        "baseline_rps": round(baseline, 1),
        "ratio": round(mock / baseline, 3),
        **{f"{p}_rps": round(v, 1) for p, v in per_provider.items()},
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    for name, value in measure_mock_throughput(count).items():
        print(f"{name}\t{value}")
