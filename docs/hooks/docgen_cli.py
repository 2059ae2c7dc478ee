"""The command-line reference, generated from errcontract's own argparse parser (no hand-kept copy).

Every sub-command the parser knows gets a section: its description, its usage, and a table of its
arguments (flags, value, default, help as `--help` prints it). A sub-command added to the CLI
appears here at the next build.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager

from docgen_text import code, table, text

from errcontract import __version__
from errcontract.cli.main import build_parser

WIDTH = "80"  # argparse wraps to the terminal's width: fixed, so the page does not depend on it


def _subparsers_action(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        return {}
    return dict(_subparsers_action(parser).choices)


def _help_of(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    return parser._get_formatter()._expand_help(action)


def _value(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.choices is not None:
        return " \\| ".join(code(c) for c in action.choices)
    metavar = action.metavar or (action.dest.upper() if action.option_strings else action.dest)
    return code(metavar if isinstance(metavar, str) else " ".join(metavar))


def _default(action: argparse.Action) -> str:
    if action.nargs == 0 or action.default in (None, argparse.SUPPRESS, [], ""):
        return ""
    return code(action.default)


def arguments_table(parser: argparse.ArgumentParser) -> str:
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        names = ", ".join(code(s) for s in action.option_strings) or code(action.metavar or action.dest)
        rows.append([names, _value(action), _default(action), text(_help_of(parser, action))])
    return table(["argument", "value", "default", "what it does"], rows) if rows else "No arguments.\n"


@contextmanager
def _fixed_width() -> Iterator[None]:
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous


def cli_page() -> str:
    with _fixed_width():
        return _page(build_parser())


def _page(parser: argparse.ArgumentParser) -> str:
    commands = subcommands(parser)
    summaries = (
        {a.dest: a.help or "" for a in _subparsers_action(parser)._choices_actions} if commands else {}
    )
    out = [
        "# Command line\n",
        f"Generated from the parser of errcontract {__version__} when this site was built: what "
        "`errcontract COMMAND --help` prints, as tables. `errcontract --version` prints the version. "
        "Every option of `errcontract run` also reads the environment variable "
        "`ERRCONTRACT_<OPTION>` (`--api-key` from `ERRCONTRACT_API_KEY`): keys belong there, not on "
        "the command line.\n",
        table(
            ["command", "what it does"],
            [
                [f"[{code('errcontract ' + n)}](#{n})", text(summaries.get(n) or p.description or "")]
                for n, p in commands.items()
            ],
        ),
    ]
    for name, sub in commands.items():
        out.append(f"## errcontract {name} {{ #{name} }}\n")
        out.append(command_body(sub))
    return "\n".join(out)


def command_body(sub: argparse.ArgumentParser) -> str:
    out = [text(sub.description) + "\n"] if sub.description else []
    out.append(f"```text\n{sub.format_usage().strip()}\n```\n")
    out.append(arguments_table(sub))
    if sub.epilog:
        out.append(f"```text\n{sub.epilog.strip()}\n```\n")
    return "\n".join(out)


def command_help(name: str) -> str:
    """One sub-command's usage and arguments (for a page that embeds it), or a note if it is absent."""
    with _fixed_width():
        sub = subcommands(build_parser()).get(name)
        if sub is None:
            return f'!!! note "`errcontract {name}` is not in errcontract {__version__}"\n'
        return command_body(sub)
