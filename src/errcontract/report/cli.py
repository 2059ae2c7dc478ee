"""`errcontract report` and `errcontract diff`: rebuild the HTML, gate CI on regressions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from errcontract.report.diff import diff_results, regressed
from errcontract.report.diff_render import RENDERERS
from errcontract.report.html import write_provider_report
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
    page = write_provider_report(results, out_dir)
    print(page)
    return 0


def run_diff(args: argparse.Namespace) -> int:
    base, new = load_results(args.base), load_results(args.new)
    changes = diff_results(base, new)
    sys.stdout.write(RENDERERS[args.format](base, new, changes))
    return 1 if regressed(changes) else 0
