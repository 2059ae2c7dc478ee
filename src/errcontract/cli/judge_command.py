"""`errcontract judge FILE...`: recorded traffic (HAR, vcrpy cassettes, JSON Lines) judged as a
run judges its own requests, one report folder per target (host and API prefix) and one index.

A file that cannot be read (not one of the formats, cut short, unreadable) is one line and exit
2, with nothing written: every file is read to its end before any report is.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from errcontract.cli.summary import exit_code, print_summary
from errcontract.core.errors import UsageError
from errcontract.observe.host import traffic_redactor
from errcontract.observe.session import TrafficSession, contracts_for, publish
from errcontract.traffic.entry import BadRecording
from errcontract.traffic.pipeline import ReadAhead, Unreadable


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "judge",
        help="judge recorded traffic (HAR, vcrpy cassettes, JSON Lines) against the contracts",
        description="Judge recorded traffic by the checks a run uses: HAR 1.2/1.1 files, vcrpy or "
        "pytest-recording cassettes (YAML or JSON), or JSON Lines of exchanges. Each entry goes to "
        "the provider whose contract lists its host (or to --provider NAME, every host then "
        "judged under the API prefix found in its entries); each host is a target with its own "
        "report folder, and DIR/index.html shows them side by side. Nothing is sent anywhere.",
    )
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE", help="recordings to judge")
    parser.add_argument(
        "--provider",
        metavar="NAME",
        default=None,
        help="judge every host as this provider's API (for OpenAI-compatible hosts); "
        "default: the provider whose contract lists the host",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        metavar="DIR",
        default=Path("reports"),
        help="where reports are written: a folder per target and index.html (default: reports)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings count as violations")
    parser.set_defaults(func=run_judge)


def judge_files(files: Sequence[Path], provider: str | None) -> TrafficSession:
    """Every file read and judged to its end (BadRecording: one line, exit 2, nothing written)."""
    contracts, forced = contracts_for(provider)
    session = TrafficSession(contracts, forced)
    reader = ReadAhead(files)  # read and scrubbed in a process of its own, judged here
    try:
        for item in reader:
            if isinstance(item, Unreadable):
                session.add_unreadable(item)
            else:
                session.add_scrubbed(item)
    except BadRecording as exc:
        raise UsageError(str(exc)) from None
    session.adopt_secrets(reader.secrets)
    session.finish()
    return session


def _nothing_judged(session: TrafficSession, files: Sequence[Path]) -> UsageError:
    if not session.seq:
        return UsageError(f"{', '.join(map(str, files))}: no entries to judge (an empty recording)")
    hosts = ", ".join(f"{h} ({n})" for h, n in session.router.other_hosts.most_common(5))
    reasons = ", ".join(f"{r} ({n})" for r, n in session.not_judged.most_common(3))
    seen = f"hosts seen: {hosts}" if hosts else f"not judged: {reasons or 'no entries'}"
    return UsageError(f"no entry belongs to a provider's API ({seen}): pass --provider NAME")


def run_judge(args: argparse.Namespace) -> int:
    session = judge_files(args.files, args.provider)
    if not session.hosts:
        raise _nothing_judged(session, args.files)
    targets = publish(session, args.report_dir, args.strict)
    results = [t.results for t in targets]
    print_summary(results, args.report_dir, traffic_redactor(), [t.folder for t in targets])
    for reason, n in session.not_judged.most_common():
        print(f"not judged: {n} entries: {reason}")
    if session.router.other_hosts:
        hosts = ", ".join(f"{h} ({n})" for h, n in session.router.other_hosts.most_common())
        print(f"other hosts (not judged): {hosts}")
    return exit_code(results)
