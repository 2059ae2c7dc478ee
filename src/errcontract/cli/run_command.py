"""The `run` sub-command's command line; every option also reads ERRCONTRACT_<NAME>."""

from __future__ import annotations

import argparse

from errcontract.cli.orchestrate import run_all
from errcontract.contract.model import provider_names
from errcontract.run.options import (
    SETTINGS,
    RunOptions,
    fixture_flag,
    fixture_help,
    fixture_metavar,
    fixture_names,
    options_from,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    providers = provider_names()
    parser = subparsers.add_parser(
        "run",
        help="check a target (default: the embedded mocks) against the contracts",
        description="Check a target against its error contract; no --target: the embedded mocks. "
        f"Providers found in contracts/: {', '.join(providers) or 'none'}. "
        "Exit 0 no violation, 1 violations, 2 usage error, 3 target unreachable.",
    )
    for setting in SETTINGS:
        metavar = f"{{{','.join([*providers, 'all'])}}}" if setting.dest == "provider" else setting.metavar
        parser.add_argument(
            setting.flag,
            dest=setting.dest,
            type=setting.kind,
            default=None,
            metavar=metavar,
            help=setting.help_text(),
        )
    fixtures = parser.add_argument_group(
        "fixtures",
        "what the contracts' `fixtures` sections name; keys are better passed through the environment",
    )
    for name in fixture_names():
        fixtures.add_argument(
            fixture_flag(name),
            dest=f"fx_{name}",
            default=None,
            metavar=fixture_metavar(name),
            help=fixture_help(name),
        )
    fixtures.add_argument(
        "--fixture", action="append", metavar="NAME=VALUE", help="any contract fixture by name (repeatable)"
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument(
        "--no-preflight",
        action="store_true",
        help="skip the preflight (wrong key, base URL or provider stop the run with exit 2)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show pytest's own output instead of one live line per provider",
    )
    parser.add_argument(
        "pytest_args",
        nargs="*",
        metavar="PYTEST-ARG",
        help="after --: extra pytest arguments (e.g. -- -k 401); shows pytest's output",
    )
    parser.set_defaults(func=run_command)


def options_from_args(args: argparse.Namespace) -> RunOptions:
    options = options_from(lambda dest: getattr(args, dest, None), strict=args.strict)
    options.preflight = not args.no_preflight
    options.verbose = bool(args.verbose)
    return options


def run_command(args: argparse.Namespace) -> int:
    return run_all(options_from_args(args), list(args.pytest_args))
