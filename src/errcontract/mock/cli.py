"""`errcontract mock PROVIDER`: serve a provider's reference mock (or one of its drifts)."""

from __future__ import annotations

import argparse
import json
import sys

from errcontract.contract.locate import add_contracts_option
from errcontract.contract.model import has_embedded_mock, load_provider, no_mock_message, provider_names
from errcontract.core.children import stop_when_orphaned
from errcontract.core.errors import UsageError
from errcontract.mock.app import build_app
from errcontract.mock.drifts import drifts_for
from errcontract.mock.server import bind_socket, make_server, url_of


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "mock",
        help="serve a provider's reference mock on 127.0.0.1",
        description="Serve a faithful mock of PROVIDER built from its contract, or a named drift. "
        'Prints one JSON line {"url", "fixtures"} on start, then serves until stopped.',
    )
    names = provider_names()
    parser.add_argument(
        "provider",
        metavar="PROVIDER",
        help=f"a provider folder under contracts/ (found: {', '.join(names) or 'none'})",
    )
    parser.add_argument(
        "--port", type=int, default=0, metavar="N", help="port on 127.0.0.1 (default: 0, a free one)"
    )
    parser.add_argument("--drift", metavar="NAME", help="serve this drift instead of the faithful mock")
    parser.add_argument("--list-drifts", action="store_true", help="print NAME<TAB>what is wrong")
    parser.add_argument(
        "--test-mode", action="store_true", help="enable fault injection with the X-Errcontract-Fault header"
    )
    parser.add_argument(
        "--parent-pid",
        type=int,
        metavar="PID",
        help="stop serving as soon as this process (the one starting the mock) is gone",
    )
    add_contracts_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    names = provider_names()
    if args.provider not in names:
        raise UsageError(f"unknown provider {args.provider!r}: choose one of {', '.join(names)}")
    if not has_embedded_mock(args.provider):
        raise UsageError(no_mock_message(args.provider))
    contract = load_provider(args.provider)
    if args.list_drifts:
        for name, drift in drifts_for(contract).items():
            print(f"{name}\t{drift.description}")
        return 0
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: must be 0-65535")
    if args.parent_pid is not None:
        stop_when_orphaned(args.parent_pid)
    app, fixtures = build_app(contract, drift=args.drift, test_mode=args.test_mode)
    sock = bind_socket(args.port)
    print(json.dumps({"url": url_of(sock), "fixtures": fixtures}), flush=True)
    make_server(app).run(sockets=[sock])
    sys.stdout.flush()
    return 0
