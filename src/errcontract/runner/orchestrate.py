"""Run the suites once per provider (a pytest session each, in a child process) and report.

With no --target the embedded mock of each provider is started on a free loopback port (a real
uvicorn server), its fixtures handed to the suites, and stopped afterwards. Keys travel to the
child through the environment, never on a command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from errcontract.contract import load_provider
from errcontract.errors import ErrcontractError, UsageError
from errcontract.locate import suites_root
from errcontract.options import RunOptions
from errcontract.redact import Redactor
from errcontract.runner.summary import exit_code, print_summary, write_reports

CHILD_TIMEOUT_S = 1800


def check_report_dir(report_dir: Path) -> None:
    """Fail before anything is sent (and before anything is overwritten) if DIR is unusable."""
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        probe = report_dir / ".errcontract-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"report directory {report_dir} cannot be written ({exc.strerror}): "
                         "choose another with --report-dir") from None


def run_all(options: RunOptions, pytest_args: list[str]) -> int:
    providers = options.providers()
    for provider in providers:
        load_provider(provider)  # a broken contract stops the run before it starts
    check_report_dir(options.report_dir)
    redact = Redactor(options.secrets())
    results = [run_provider(provider, options, pytest_args, redact) for provider in providers]
    write_reports(results, options.report_dir, redact.secrets)
    print_summary(results, options.report_dir, redact)
    return exit_code(results)


def _child_command(provider: str, target: str, options: RunOptions, mock: bool,
                   pytest_args: list[str]) -> list[str]:
    suites = suites_root()
    out = options.report_dir / provider
    cmd = [
        sys.executable, "-m", "pytest", str(suites), "-c", str(suites / "pytest.ini"),
        "--rootdir", str(suites.parent), "-q", "-rfEs", "-p", "no:cacheprovider",
        "--provider", provider, "--target", target, "--report-dir", str(options.report_dir),
        "--junitxml", str(out / "junit.xml"), "--html", str(out / "pytest.html"), "--self-contained-html",
        "--max-requests", str(options.max_requests), "--examples", str(options.examples),
        "--seed", str(options.seed), "--request-timeout", str(options.timeout),
        "--concurrency", str(options.concurrency),
    ]
    if mock:
        cmd.append("--embedded-mock")
    if options.allow_spend is not None:
        cmd += ["--allow-spend", str(options.allow_spend)]
    if options.strict:
        cmd.append("--errcontract-strict")
    return cmd + pytest_args


def _child_env(fixtures: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERRCONTRACT_")}
    env.update({f"ERRCONTRACT_{name.upper()}": value for name, value in fixtures.items()})
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    return env


def run_provider(provider: str, options: RunOptions, pytest_args: list[str],
                 redact: Redactor) -> dict[str, Any]:
    with ExitStack() as stack:
        if options.target:
            target, fixtures, mock = options.target, dict(options.fixtures), False
        else:
            from errcontract.mock.process import running_mock

            handle = stack.enter_context(running_mock(provider))
            target, fixtures, mock = handle.url, {**handle.fixtures, **options.fixtures}, True
        print(f"errcontract: checking {provider} at {redact(target)}"
              f"{' (embedded mock)' if mock else ''}", flush=True)
        results_file = options.report_dir / provider / "results.json"
        if results_file.exists():
            results_file.unlink()  # a stale file must not pass for this run's results
        cmd = _child_command(provider, target, options, mock, pytest_args)
        try:
            subprocess.run(cmd, env=_child_env(fixtures), timeout=CHILD_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ErrcontractError(f"{provider}: the run did not finish in {CHILD_TIMEOUT_S} s") from None
    if not results_file.is_file():
        raise ErrcontractError(f"{provider}: the suites did not produce results (see pytest's output above)")
    return json.loads(results_file.read_text(encoding="utf-8"))
