"""`errcontract proxy --provider NAME --upstream URL`: a reverse proxy a user points an app or a
test suite at; it forwards everything unchanged and judges each exchange on the side.

SIGINT or SIGTERM stops it: the report set is written (a folder per target and the index, as a
run writes them) and the exit code is the run's (0 conformant, 1 violations). `--flush-every S`
publishes the reports every S seconds meanwhile; `--record FILE.har` keeps what it saw.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.routing import Mount

from errcontract.cli.summary import exit_code, print_summary
from errcontract.core.errors import UsageError
from errcontract.mock.server import bind_socket, make_server, url_of
from errcontract.observe.har_writer import HarWriter
from errcontract.observe.host import traffic_redactor
from errcontract.observe.proxy import Proxy
from errcontract.observe.session import TrafficSession, contracts_for, publish


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "proxy",
        help="a reverse proxy that forwards unchanged and judges every exchange on the side",
        description="Listen on 127.0.0.1 and forward every request to --upstream, passing the "
        "answer back unchanged (streamed and SSE answers as they arrive); judge each exchange by "
        "the provider's contract. SIGINT (Ctrl-C) or SIGTERM writes the report set and exits "
        "with the verdict's code (0 conformant, 1 violations).",
    )
    parser.add_argument("--provider", required=True, metavar="NAME", help="the contract to judge by")
    parser.add_argument(
        "--upstream", required=True, metavar="URL", help="where requests go: https://api.openai.com"
    )
    parser.add_argument(
        "--port", type=int, default=0, metavar="N", help="port to listen on (default: 0, any free one)"
    )
    parser.add_argument(
        "--record",
        type=Path,
        metavar="FILE.har",
        default=None,
        help="also write the exchanges seen as a HAR (credentials scrubbed; default: none)",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        metavar="DIR",
        default=Path("reports"),
        help="where reports are written (default: reports)",
    )
    parser.add_argument(
        "--flush-every",
        type=float,
        metavar="S",
        default=0.0,
        help="also write the reports every S seconds (default: 0, only on stop)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        default=60.0,
        help="connect and write timeout towards the upstream (default: 60)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings count as violations")
    parser.set_defaults(func=run_proxy)


def _upstream(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--upstream {url!r} is not an http(s) URL: give one such as https://api.openai.com")
    return url.rstrip("/")


def _flusher(session: TrafficSession, args: argparse.Namespace, stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(args.flush_every):
            if session.hosts:
                publish(session, args.report_dir, args.strict)

    return threading.Thread(target=loop, daemon=True, name="errcontract-proxy-flush")


def run_proxy(args: argparse.Namespace) -> int:
    _, contract = contracts_for(args.provider)
    upstream = _upstream(args.upstream)
    if args.flush_every < 0:
        raise UsageError("--flush-every must be 0 (only on stop) or a number of seconds")
    assert contract is not None
    session = TrafficSession([contract], contract)
    har = HarWriter(args.record) if args.record is not None else None
    sock = bind_socket(args.port)
    proxy = Proxy(upstream, session, har, args.timeout)
    server = make_server(Starlette(routes=[Mount("/", app=proxy)]), own_headers=False)
    print(
        f"errcontract proxy: {url_of(sock)} -> {upstream} (judged as {contract.provider}); "
        "stop with Ctrl-C or SIGTERM to write the reports",
        flush=True,
    )
    stop = threading.Event()
    flusher = _flusher(session, args, stop)
    if args.flush_every:
        flusher.start()
    try:
        server.run(sockets=[sock])
    finally:
        stop.set()  # the upstream connections close with the process (their event loop has ended)
        sock.close()
    if args.flush_every:
        flusher.join(timeout=30)
    return _finish(session, har, args, proxy.outages)


def _finish(session: TrafficSession, har: HarWriter | None, args: argparse.Namespace, outages: int) -> int:
    session.finish()
    if har is not None:
        print(f"errcontract proxy: recorded {har.close()}")
    if outages:
        print(f"errcontract proxy: the upstream could not be reached {outages} times (answered 502)")
    if not session.hosts:
        print("errcontract proxy: no exchange came through: nothing judged, no report written")
        return 0
    targets = publish(session, args.report_dir, args.strict)
    results = [t.results for t in targets]
    print_summary(results, args.report_dir, traffic_redactor(), [t.folder for t in targets])
    return exit_code(results)
