"""The `run` sub-command's command line; every option also reads ERRCONTRACT_<NAME>."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from errcontract.cli.orchestrate import run_all
from errcontract.cli.profile import Profile
from errcontract.cli.targets import read_targets_file, unique
from errcontract.contract.locate import add_contracts_option, replaced_providers
from errcontract.contract.model import provider_names
from errcontract.core.errors import UsageError
from errcontract.core.flags import fixture_flag
from errcontract.run.option_table import (
    SETTINGS,
    fixture_help,
    fixture_metavar,
    fixture_names,
)
from errcontract.run.options import RunOptions, options_from

TARGET_FLAG = re.compile(r"--target\b")  # not --targets-file
TARGETS_HELP = (
    "; repeat it (or use --targets-file) to check one provider at several targets side by side, "
    "one report folder each; keys and fixtures given apply to every target"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    providers = provider_names()
    parser = subparsers.add_parser(
        "run",
        help="check a target (default: the embedded mocks) against the contracts",
        description="Check a target against its error contract; no --target: the embedded mocks. "
        f"Providers found in contracts/: {', '.join(providers) or 'none'}. "
        "Exit 0 no violation, 1 violations, 2 usage error, 3 target unreachable; 129, 130, 143 "
        "interrupted by SIGHUP, SIGINT (Ctrl-C), SIGTERM, the previous reports kept (run it "
        "under `timeout --preserve-status`: plain `timeout` exits 124 instead).",
    )
    _add_settings(parser, providers)
    _add_fixtures(parser)
    _add_switches(parser)
    parser.set_defaults(func=run_command)


def _add_settings(parser: argparse.ArgumentParser, providers: list[str]) -> None:
    """Every run setting (each also read from ERRCONTRACT_<NAME>), --targets-file and --profile."""
    for setting in SETTINGS:
        metavar = f"{{{','.join([*providers, 'all'])}}}" if setting.dest == "provider" else setting.metavar
        several = setting.dest == "target"
        parser.add_argument(
            setting.flag,
            dest=setting.dest,
            type=setting.kind,
            default=None,
            action="append" if several else "store",
            metavar=metavar,
            help=setting.help_text() + (TARGETS_HELP if several else ""),
        )
    parser.add_argument(
        "--targets-file",
        type=Path,
        metavar="FILE",
        help="check the provider at every URL in FILE (one a line, # comments), side by side",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print where the run's wall time went, phase by phase"
    )


def _add_fixtures(parser: argparse.ArgumentParser) -> None:
    """One flag per fixture the contracts name, and --fixture NAME=VALUE for any of them."""
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


def _add_switches(parser: argparse.ArgumentParser) -> None:
    """--strict, --no-preflight, --verbose and the pytest arguments after --."""
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    add_contracts_option(parser)
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


def targets_of(args: argparse.Namespace) -> list[str]:
    """Every --target given, then those of --targets-file, each once."""
    given = list(args.target or [])
    if args.targets_file is not None:
        given += read_targets_file(args.targets_file)
    return unique(given)


def options_from_args(args: argparse.Namespace, targets: list[str]) -> RunOptions:
    first = targets[0] if targets else None
    try:
        options = options_from(
            lambda dest: first if dest == "target" else getattr(args, dest, None), strict=args.strict
        )
    except UsageError as exc:
        if args.target or args.targets_file is None:
            raise
        # the targets came from --targets-file alone: the message names the option used
        raise UsageError(TARGET_FLAG.sub("--targets-file", str(exc))) from None
    options.preflight = not args.no_preflight
    options.verbose = bool(args.verbose)
    return options


def run_command(args: argparse.Namespace) -> int:
    profile = Profile(enabled=bool(args.profile))
    say_replaced_providers()
    targets = targets_of(args)
    options = options_from_args(args, targets)
    if not targets and options.target:  # ERRCONTRACT_TARGET: a target all the same
        targets = [options.target]
    return run_all(options, list(args.pytest_args), targets, profile)


def say_replaced_providers() -> None:
    """One line per shipped provider the user's contracts folder replaces (same name)."""
    for name, folder in replaced_providers().items():
        print(f"errcontract: {name}: using {folder}, which replaces the shipped {name}", flush=True)
