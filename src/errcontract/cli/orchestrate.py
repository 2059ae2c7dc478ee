"""Run the suites for each check of a run (a provider at a target, or at its embedded mock), side
by side, each in a pytest session of its own (a child process), and report.

With no --target the embedded mock of each provider is started on a free loopback port (a real
uvicorn server), its fixtures handed to the suites, and stopped afterwards. Keys travel to the
child through the environment, never on a command line. Checks run at most --concurrency at once
(`cli.parallel`), each with its own live line, results and report folder (`cli.targets`).

Everything the run writes goes into a staged report set (`report.publish.ReportSet`), swapped
in only once every check has a verdict. SIGINT, SIGTERM and SIGHUP are forwarded to the
children (each in a session of its own), which are reaped; the staged set is dropped, the
previous reports stay as they were, and the run exits 128 + the signal.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from errcontract.cli import live_line
from errcontract.cli.parallel import Children, run_side_by_side
from errcontract.cli.profile import RUN, Profile
from errcontract.cli.relay import run_child
from errcontract.cli.summary import exit_code, print_summary
from errcontract.cli.targets import Check, plan_checks
from errcontract.contract.lint.gate import require_sound
from errcontract.contract.locate import suites_root
from errcontract.contract.model import Contract, load_provider, no_mock_message
from errcontract.core.errors import ErrcontractError, UsageError
from errcontract.core.interrupt import SignalGuard
from errcontract.core.redact import Redactor
from errcontract.judge.model import RunResult
from errcontract.judge.results import write_json_atomic
from errcontract.mock.process import running_mock
from errcontract.report.publish import ReportSet
from errcontract.report.templating import warm_up
from errcontract.run.option_table import child_arguments
from errcontract.run.options import RunOptions
from errcontract.run.preflight import Preflight, run_preflight, target_root

CHILD_TIMEOUT_S = 1800
CHILD_GRACE_S = 10.0  # an interrupted child's time to end before its group is killed


def run_all(
    options: RunOptions, pytest_args: list[str], targets: Sequence[str] = (), profile: Profile | None = None
) -> int:
    profile = profile or Profile(enabled=False)
    checks = plan_checks(options, list(targets))
    for name in options.skipped_providers():
        print(f"errcontract: {no_mock_message(name)}", flush=True)
    if not checks:
        raise UsageError("no provider has an embedded mock: pass --provider NAME --target URL")
    for check in checks:
        require_sound(load_provider(check.provider))  # a broken contract stops the run before it starts
    warm_up()  # the pages' templates compile while the suites run
    redact, children, folders = Redactor(options.secrets()), Children(), [c.folder for c in checks]
    with SignalGuard() as guard, ReportSet(options.report_dir, folders) as reports:
        runner = CheckRunner(options, pytest_args, redact, reports, children, profile, len(checks) == 1)
        results = run_side_by_side(checks, runner.run, options.concurrency, children, CHILD_GRACE_S)
        guard.commit_point()
        with profile.phase(RUN, "site index + swap in"):
            reports.publish(results, redact.secrets, folders)
        print_summary(results, options.report_dir, redact, [c.label for c in checks])
    if profile.enabled:
        print("\n".join(profile.lines()), flush=True)
    return exit_code(results)


def _served(contract: Contract, mock: bool, options: RunOptions) -> str:
    """What the checking line says of the target: its base path, and the mock (and drift) served."""
    words = [f"base {contract.base_path or '/'}"]
    if mock:
        words += ["embedded mock"] + ([f"drift {options.drift}"] if options.drift else [])
    return ", ".join(words)


def _child_command(
    provider: str, target: str, options: RunOptions, mock: bool, pytest_args: list[str], out: Path, work: Path
) -> list[str]:
    """The pytest child: results.json into `work`/<provider>/, junit.xml and pytest.html into `out`."""
    suites = suites_root()
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(suites),
        "-c",
        str(suites / "pytest.ini"),
        "--rootdir",
        str(suites.parent),
        "-v" if options.verbose else "-q",
        "-rfEs",
        "-p",
        "no:cacheprovider",
        "--assert=plain",  # every suite assert carries its message; rewriting costs ~1 s a start
        "--provider",
        provider,
        "--target",
        target,
        "--report-dir",
        str(work),
        "--errcontract-parent-pid",
        str(os.getpid()),
        "--junitxml",
        str(out / "junit.xml"),
        "--html",
        str(out / "pytest.html"),
        "--self-contained-html",
        # every setting the child takes, from the option table; the drift only where the
        # runner serves the mock (it is named in the results; the mock is the runner's)
        *child_arguments(lambda dest: getattr(options, dest) if dest != "drift" or mock else None),
    ]
    if mock:
        cmd.append("--embedded-mock")
    if options.strict:
        cmd.append("--errcontract-strict")
    return cmd + pytest_args


LOCATION_VARIABLES = ("ERRCONTRACT_CONTRACTS", "ERRCONTRACT_SUITES")  # where, not how: kept


def _child_env(fixtures: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERRCONTRACT_") or k in LOCATION_VARIABLES}
    env.update({f"ERRCONTRACT_{name.upper()}": value for name, value in fixtures.items()})
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    return env


@dataclass
class CheckRunner:
    """Runs one check: its mock (if any), preflight, pytest child and provider page."""

    options: RunOptions
    pytest_args: list[str]
    redact: Redactor
    reports: ReportSet
    children: Children
    profile: Profile
    alone: bool  # the only check of the run: its live line may be rewritten in place

    def run(self, check: Check) -> RunResult:
        options, who = replace(self.options, target=check.target), check.label
        contract = load_provider(check.provider)
        with ExitStack() as stack:
            if check.target:
                target, fixtures, mock = target_root(contract, check.target), dict(options.fixtures), False
            else:
                with self.profile.phase(who, "mock start + ready"):
                    handle = stack.enter_context(running_mock(check.provider, drift=options.drift))
                target, fixtures, mock = handle.url, {**handle.fixtures, **options.fixtures}, True
            self.children.check_running()
            with self.profile.phase(who, "preflight"):
                found = preflight(
                    check.provider, options, target, fixtures, self.redact, _named(check, target)
                )
            served = _served(contract, mock, options)
            print(f"errcontract: checking {who} at {self.redact(target)} ({served})", flush=True)
            results_file = self._session(check, options, target, fixtures, mock)
            stopping = time.perf_counter()
        self.profile.add(who, "teardown (mock stop)", time.perf_counter() - stopping)
        with self.profile.phase(who, "results + provider page"):
            return self._results(check, results_file, found)

    def _session(
        self, check: Check, options: RunOptions, target: str, fixtures: dict[str, str], mock: bool
    ) -> Path:
        """Run the check's pytest child; its results.json, moved into the check's folder."""
        self.children.check_running()
        out = self.reports.provider_dir(check.folder)
        work = self.reports.staging / f".session-{check.folder}"
        cmd = _child_command(check.provider, target, options, mock, self.pytest_args, out, work)
        produced, spawned = work / check.provider / "results.json", time.perf_counter()
        if options.verbose or self.pytest_args:  # pytest's own output, relayed as it comes
            moved = (str(self.reports.staging), str(self.reports.report_dir))  # where its files end up
            finished = run_child(
                cmd, _child_env(fixtures), self.redact, CHILD_TIMEOUT_S, CHILD_GRACE_S, self.children, moved
            )
            self.profile.add(check.label, "child session (output relayed)", time.perf_counter() - spawned)
        else:
            line = live_line.LiveLine(check.label, sys.stdout, self.redact, in_place=self.alone)
            finished = live_line.run_live_child(
                cmd,
                _child_env(fixtures),
                self.redact,
                check.label,
                produced,
                CHILD_TIMEOUT_S,
                CHILD_GRACE_S,
                self.children,
                line,
            )
            self.profile.add_child_phases(check.label, spawned, line.marks, time.perf_counter())
        self.children.check_running()
        if not finished:
            raise ErrcontractError(f"{check.label}: the run did not finish in {CHILD_TIMEOUT_S} s")
        if not produced.is_file():
            raise ErrcontractError(
                f"{check.label}: the suites did not produce results (see pytest's output above)"
            )
        os.replace(produced, out / "results.json")
        return out / "results.json"

    def _results(self, check: Check, results_file: Path, found: Preflight) -> RunResult:
        written = RunResult.from_json(json.loads(results_file.read_text(encoding="utf-8")))
        results = replace(written, preflight=found.entry())
        write_json_atomic(results_file, results.to_json())
        self.reports.write_provider(results, self.redact.secrets, check.folder)
        return results


def _named(check: Check, target: str) -> str:
    """How a preflight stop names the check: the provider, and with several targets its target."""
    return check.provider if check.folder == check.provider else f"{check.provider} at {target}"


def preflight(
    provider: str,
    options: RunOptions,
    target: str,
    fixtures: dict[str, str],
    redact: Redactor,
    who: str | None = None,
) -> Preflight:
    """Stop with a usage error (exit 2, earlier reports untouched) on a wrong key, base URL or
    provider, the line headed by `who` (default: the provider); print what is odd but not
    conclusive."""
    contract = load_provider(provider)
    if not options.preflight:
        return Preflight(base=target + contract.base_path, notes=["skipped (--no-preflight)"])
    check = run_preflight(contract, options.target or target, fixtures, options.timeout, options.concurrency)
    if check.stop:
        raise UsageError(redact(f"{who or provider}: {check.stop}"))
    for note in check.notes:
        print(redact(f"errcontract: preflight: {note}"), flush=True)
    return check
