"""`errcontract report` and `errcontract diff`: rebuild the HTML, gate CI on regressions."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from errcontract.errors import UsageError
from errcontract.report.diff import diff_results, regressed
from errcontract.report.diff_render import RENDERERS
from errcontract.report.publish import replace_provider_page
from errcontract.report.results import load_results


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` and `diff` sub-commands."""
    report = subparsers.add_parser(
        "report", help="rebuild index.html and badge.svg from a results.json",
        description="Rebuild a provider's HTML report (index.html, badge.svg) from its results.json.",
    )
    report.add_argument("results", type=Path, metavar="RESULTS.json")
    report.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="where to write (default: the results file's folder)")
    report.set_defaults(func=run_report)

    diff = subparsers.add_parser(
        "diff", help="compare two results.json files; exit 1 if anything regressed",
        description="Regression check between two runs of one provider. Exit 1 if anything "
        "regressed (pass -> fail, a code gone or moved, new undocumented codes, more violations).",
    )
    diff.add_argument("base", type=Path, metavar="BASE.json")
    diff.add_argument("new", type=Path, metavar="NEW.json")
    diff.add_argument("--format", choices=sorted(RENDERERS), default="text")
    diff.set_defaults(func=run_diff)


def run_report(args: argparse.Namespace) -> int:
    results = load_results(args.results)
    out_dir = args.output if args.output is not None else args.results.resolve().parent
    hint = "choose another with -o" if args.output is not None else "choose a folder with -o"
    page = replace_provider_page(results, out_dir, hint)
    emit(f"{page}\n", "the report's path")
    return 0


def run_diff(args: argparse.Namespace) -> int:
    base, new = load_results(args.base), load_results(args.new)
    changes = diff_results(base, new)
    emit(RENDERERS[args.format](base, new, changes), "the diff")
    return 1 if regressed(changes) else 0


def emit(text: str, what: str) -> None:
    """Write to stdout now; a stdout that cannot take it (a full disk, a closed pipe) is a usage
    error (one line, exit 2), not a traceback or a silently lost diff."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError):  # the last flush at exit must not fail again
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        raise UsageError(f"cannot write {what} to standard output ({exc.strerror or exc})") from None
