"""The `run` sub-command's command line; every option also reads ERRCONTRACT_<NAME>."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from errcontract.options import (
    SETTINGS,
    RunOptions,
    env_default,
    fixture_flag,
    fixture_names,
    parse_fixture_pairs,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="check a target (default: the embedded mocks) against the contracts",
        description="Check a target against its error contract; no --target: the embedded mocks. "
        "Exit 0 no violation, 1 violations, 2 usage error, 3 target unreachable.",
    )
    for setting in SETTINGS:
        parser.add_argument(setting.flag, dest=setting.dest, type=setting.kind, default=None,
                            help=f"{setting.help} (env {setting.env})")
    for name in fixture_names():
        parser.add_argument(fixture_flag(name), dest=f"fx_{name}", default=None,
                            help=f"fixture {name} (env ERRCONTRACT_{name.upper()})")
    parser.add_argument("--fixture", action="append", metavar="NAME=VALUE", help="any contract fixture")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument("pytest_args", nargs="*", help="after --: extra pytest arguments")
    parser.set_defaults(func=run_command)


def options_from_args(args: argparse.Namespace) -> RunOptions:
    values = {}
    for setting in SETTINGS:
        given = getattr(args, setting.dest)
        values[setting.dest] = given if given is not None else env_default(setting)
    fixtures = {}
    for name in fixture_names():
        value = getattr(args, f"fx_{name}", None) or os.environ.get(f"ERRCONTRACT_{name.upper()}")
        if value:
            fixtures[name] = value
    fixtures.update(parse_fixture_pairs(args.fixture))
    strict = args.strict or os.environ.get("ERRCONTRACT_STRICT", "").lower() in ("1", "true", "yes")
    options = RunOptions(**{**values, "report_dir": Path(values["report_dir"])}, strict=strict,
                         fixtures=fixtures)
    options.validate()
    return options


def run_command(args: argparse.Namespace) -> int:
    from errcontract.runner.orchestrate import run_all

    return run_all(options_from_args(args), list(args.pytest_args))
