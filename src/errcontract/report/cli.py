"""`errcontract report` and `errcontract diff`: rebuild the HTML, gate CI on regressions."""

from __future__ import annotations

import argparse
from pathlib import Path

from errcontract.core.errors import UsageError
from errcontract.core.stdout import emit
from errcontract.report.diff import diff_results, regressed
from errcontract.report.diff_render import RENDERERS
from errcontract.report.merge import merge_site
from errcontract.report.publish import replace_report_set
from errcontract.report.results import load_results


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `report` and `diff` sub-commands."""
    _register_report(subparsers)
    _register_diff(subparsers)


def _register_report(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = subparsers.add_parser(
        "report",
        help="rebuild a provider's report from a results.json, with its history",
        description="Rebuild a provider's report from its results.json: index.html and badge.svg, "
        "beside a copy of results.json and of the pytest.html and junit.xml found next to it. "
        "With --history, earlier runs are drawn (conformance and coverage over time, each code's "
        "verdict run by run) and kept in history.json.",
    )
    report.add_argument(
        "results",
        type=Path,
        nargs="+",
        metavar="RESULTS.json",
        help="a run's results file; several, or folders holding them (CI artifacts), are merged "
        "into one site with -o SITE: each run in a folder of its own, and an index over all",
    )
    report.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        default=None,
        help="where to write the set (default: the results file's folder)",
    )
    report.add_argument(
        "--history",
        type=Path,
        metavar="PATH",
        action="append",
        default=[],
        help="earlier runs: a folder searched for results and history.json files "
        "(e.g. the published site), or such a file; repeatable (default: none, "
        "and the history.json already in DIR)",
    )
    report.set_defaults(func=run_report)


def _register_diff(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = subparsers.add_parser(
        "diff",
        help="compare two results.json files; exit 1 if anything regressed",
        description="Regression check between two runs of one provider. Exit 1 if anything "
        "regressed (pass -> fail, a code gone or moved, new undocumented codes, more violations).",
    )
    diff.add_argument("base", type=Path, metavar="BASE.json", help="the earlier run's results file")
    diff.add_argument("new", type=Path, metavar="NEW.json", help="the later run's results file")
    diff.add_argument(
        "--format",
        choices=sorted(RENDERERS),
        default="text",
        help="text for a terminal, markdown for a pull request or job summary, json "
        "for tools (default: text)",
    )
    diff.set_defaults(func=run_diff)


def run_report(args: argparse.Namespace) -> int:
    if len(args.results) > 1 or args.results[0].is_dir():
        if args.output is None:
            raise UsageError("merging several runs into one site: give the site folder with -o SITE")
        emit(f"{merge_site(args.results, args.output, args.history)}\n", "the site index's path")
        return 0
    (results_path,) = args.results
    return _one_report(args, results_path)


def _one_report(args: argparse.Namespace, results_path: Path) -> int:
    results = load_results(results_path)
    out_dir = args.output if args.output is not None else results_path.resolve().parent
    hint = "choose another with -o" if args.output is not None else "choose a folder with -o"
    page = replace_report_set(results, results_path, out_dir, args.history, hint)
    emit(f"{page}\n", "the report's path")
    return 0


def run_diff(args: argparse.Namespace) -> int:
    base, new = load_results(args.base), load_results(args.new)
    changes = diff_results(base, new)
    emit(RENDERERS[args.format](base, new, changes), "the diff")
    return 1 if regressed(changes) else 0
