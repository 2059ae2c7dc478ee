"""`errcontract` command line: one sub-command per module, each exposing `register(subparsers)`.

A sub-command's `register` adds its parser and sets `func(args) -> int`. Every ErrcontractError
becomes one line on stderr and its exit code (2 for usage and contract errors): no traceback. An
interrupted run (SIGINT, SIGTERM, SIGHUP) prints one line and exits 128 + the signal.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from errcontract import __version__
from errcontract.contract.locate import CONTRACTS_VARIABLE, contracts_option_from
from errcontract.core.errors import ErrcontractError
from errcontract.core.interrupt import KEPT, Interrupted

MODULE_OF = {  # a command line naming its sub-command imports only that module (a faster start)
    "run": "errcontract.cli.run_command",
    "mock": "errcontract.mock.cli",
    "lint": "errcontract.contract.lint",
    "new": "errcontract.contract.scaffold",
    "report": "errcontract.report.cli",
    "diff": "errcontract.report.cli",
    "judge": "errcontract.cli.judge_command",
    "proxy": "errcontract.cli.proxy_command",
}
SUBCOMMAND_MODULES = tuple(dict.fromkeys(MODULE_OF.values()))  # all of them, for --help


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as argparse does, minus usage spam
        command = self.prog.removeprefix("errcontract").strip()
        hint = f"errcontract {command} --help" if command else "errcontract --help"
        self.exit(2, f"errcontract: error: {message} (see '{hint}')\n")


def modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The sub-command modules a command line needs: the one it names, or all (for --help)."""
    first = list(sys.argv[1:] if argv is None else argv)[:1]
    return (MODULE_OF[first[0]],) if first and first[0] in MODULE_OF else SUBCOMMAND_MODULES


def build_parser(modules: Sequence[str] = SUBCOMMAND_MODULES) -> argparse.ArgumentParser:
    parser = _Parser(prog="errcontract", description="Error-contract conformance suite for HTTP APIs")
    parser.add_argument("--version", action="version", version=f"errcontract {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in modules:
        # Imported here, and only the named one, for start-up speed (not to dodge a cycle); a
        # failing import fails the command.
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    chosen = contracts_option_from(sys.argv[1:] if argv is None else argv)
    if chosen is not None:  # before the parser is built: its providers are the parser's choices
        os.environ[CONTRACTS_VARIABLE] = chosen  # and a run's children (mocks, pytest) see it too
    try:
        # Building the parser reads the contracts folder (the provider names are choices): a bad
        # ERRCONTRACT_CONTRACTS is the same one line as any other bad input.
        parser = build_parser(modules_for(argv))
        args = parser.parse_args(argv)
        return int(args.func(args))
    except ErrcontractError as exc:
        print(f"errcontract: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Interrupted as exc:
        print(f"errcontract: {exc.line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # before a run's own handlers are in place: nothing was written
        print(f"errcontract: {KEPT}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
