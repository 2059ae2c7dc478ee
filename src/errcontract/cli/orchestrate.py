"""Run the suites once per provider (a pytest session each, in a child process) and report.

With no --target the embedded mock of each provider is started on a free loopback port (a real
uvicorn server), its fixtures handed to the suites, and stopped afterwards. Keys travel to the
child through the environment, never on a command line.

Everything the run writes goes into a staged report set (`report.publish.ReportSet`), swapped
in only once every provider has a verdict. SIGINT, SIGTERM and SIGHUP are forwarded to the
children (each in a session of its own), which are reaped; the staged set is dropped, the
previous reports stay as they were, and the run exits 128 + the signal.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, TextIO

from errcontract.cli import live_line
from errcontract.cli.summary import exit_code, print_summary
from errcontract.client.redact import Redactor
from errcontract.contract.locate import suites_root
from errcontract.contract.model import load_provider, no_mock_message
from errcontract.core.children import signal_group, stop_group
from errcontract.core.errors import ErrcontractError, UsageError
from errcontract.core.interrupt import SignalGuard
from errcontract.judge.results import write_json_atomic
from errcontract.mock.process import running_mock
from errcontract.report.publish import ReportSet
from errcontract.run.options import RunOptions
from errcontract.run.preflight import Preflight, run_preflight, target_root

CHILD_TIMEOUT_S = 1800
CHILD_GRACE_S = 10.0  # an interrupted child's time to end before its group is killed
RELAY_DRAIN_S = 30.0  # its output after it ended (a pipe still held open elsewhere is given up)


def run_all(options: RunOptions, pytest_args: list[str]) -> int:
    providers = options.providers()
    for name in options.skipped_providers():
        print(f"errcontract: {no_mock_message(name)}", flush=True)
    if not providers:
        raise UsageError("no provider has an embedded mock: pass --provider NAME --target URL")
    for provider in providers:
        load_provider(provider)  # a broken contract stops the run before it starts
    redact = Redactor(options.secrets())
    with SignalGuard() as guard, ReportSet(options.report_dir, providers) as reports:
        results = [run_provider(provider, options, pytest_args, redact, reports) for provider in providers]
        guard.commit_point()
        reports.publish(results, redact.secrets)
        print_summary(results, options.report_dir, redact)
    return exit_code(results)


def _child_command(
    provider: str, target: str, options: RunOptions, mock: bool, pytest_args: list[str], staging: Path
) -> list[str]:
    suites = suites_root()
    out = staging / provider
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
        str(staging),
        "--errcontract-parent-pid",
        str(os.getpid()),
        "--junitxml",
        str(out / "junit.xml"),
        "--html",
        str(out / "pytest.html"),
        "--self-contained-html",
        "--max-requests",
        str(options.max_requests),
        "--examples",
        str(options.examples),
        "--seed",
        str(options.seed),
        "--request-timeout",
        str(options.timeout),
        "--concurrency",
        str(options.concurrency),
    ]
    if mock:
        cmd.append("--embedded-mock")
    if options.allow_spend is not None:
        cmd += ["--allow-spend", str(options.allow_spend)]
    if options.strict:
        cmd.append("--errcontract-strict")
    return cmd + pytest_args


LOCATION_VARIABLES = ("ERRCONTRACT_CONTRACTS", "ERRCONTRACT_SUITES")  # where, not how: kept


def _child_env(fixtures: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERRCONTRACT_") or k in LOCATION_VARIABLES}
    env.update({f"ERRCONTRACT_{name.upper()}": value for name, value in fixtures.items()})
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    return env


def run_provider(
    provider: str, options: RunOptions, pytest_args: list[str], redact: Redactor, reports: ReportSet
) -> dict[str, Any]:
    contract = load_provider(provider)
    with ExitStack() as stack:
        if options.target:
            target, fixtures, mock = target_root(contract, options.target), dict(options.fixtures), False
        else:
            handle = stack.enter_context(running_mock(provider, drift=options.drift))
            target, fixtures, mock = handle.url, {**handle.fixtures, **options.fixtures}, True
        check = preflight(provider, options, target, fixtures, redact)
        print(
            f"errcontract: checking {provider} at {redact(target)} (base {contract.base_path or '/'}"
            f"{', embedded mock' if mock else ''})",
            flush=True,
        )
        results_file = reports.provider_dir(provider) / "results.json"
        cmd = _child_command(provider, target, options, mock, pytest_args, reports.staging)
        if options.verbose or pytest_args:  # pytest's own output, relayed as it comes
            finished = run_child(cmd, _child_env(fixtures), redact)
        else:
            finished = live_line.run_live_child(
                cmd, _child_env(fixtures), redact, provider, results_file, CHILD_TIMEOUT_S, CHILD_GRACE_S
            )
        if not finished:
            raise ErrcontractError(f"{provider}: the run did not finish in {CHILD_TIMEOUT_S} s")
    if not results_file.is_file():
        raise ErrcontractError(f"{provider}: the suites did not produce results (see pytest's output above)")
    results: dict[str, Any] = json.loads(results_file.read_text(encoding="utf-8"))
    results["preflight"] = check.as_results()
    write_json_atomic(results_file, results)
    reports.write_provider(results, redact.secrets)
    return results


def preflight(
    provider: str, options: RunOptions, target: str, fixtures: dict[str, str], redact: Redactor
) -> Preflight:
    """Stop with a usage error (exit 2, earlier reports untouched) on a wrong key, base URL or
    provider; print what is odd but not conclusive."""
    contract = load_provider(provider)
    if not options.preflight:
        return Preflight(base=target + contract.base_path, notes=["preflight skipped (--no-preflight)"])
    check = run_preflight(contract, options.target or target, fixtures, options.timeout)
    if check.stop:
        raise UsageError(redact(f"{provider}: {check.stop}"))
    for note in check.notes:
        print(redact(f"errcontract: preflight: {note}"), flush=True)
    return check


# -- keys never leave through the child: its output and files pass through the Redactor -----------
def run_child(cmd: list[str], env: dict[str, str], redact: Redactor) -> bool:
    """Run the pytest child in a session of its own, relaying its output live with keys masked;
    False if it timed out. However this ends (an interrupting signal included), the signal is
    forwarded to the child's group, which is reaped before this returns or raises."""
    timed_out, muted = threading.Event(), threading.Event()
    child = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    relays = [
        threading.Thread(target=relay, args=(source, sink, redact, muted), daemon=True)
        for source, sink in ((child.stdout, sys.stdout), (child.stderr, sys.stderr))
    ]

    def on_timeout() -> None:
        timed_out.set()
        signal_group(child, signal.SIGKILL)

    timer = threading.Timer(CHILD_TIMEOUT_S, on_timeout)
    try:
        timer.start()
        for thread in relays:
            thread.start()
        child.wait()
    except BaseException as exc:
        muted.set()  # an interrupted run prints one line, not the child's farewell
        stop_group(child, getattr(exc, "signum", signal.SIGTERM), CHILD_GRACE_S)
        raise
    finally:
        timer.cancel()
        for thread in relays:
            thread.join(timeout=RELAY_DRAIN_S)
    return not timed_out.is_set()


def relay(
    source: IO[bytes] | None, sink: TextIO, redact: Redactor, muted: threading.Event | None = None
) -> None:
    """Copy as it comes (progress stays live), holding back only what might begin a key; once
    `muted` is set, keep draining (the child must not block on a full pipe) but show nothing."""
    if source is None:
        return
    held = b""
    with source:
        while chunk := os.read(source.fileno(), 65536):
            data = redact.bytes(held + chunk)
            keep = _key_prefix_at_end(data, redact.secrets)
            held = data[len(data) - keep :] if keep else b""
            if not (muted and muted.is_set()):
                _write(sink, data[: len(data) - keep])
        if not (muted and muted.is_set()):
            _write(sink, redact.bytes(held))


def _key_prefix_at_end(data: bytes, secrets: list[str]) -> int:
    """How many trailing bytes could be the start of a key cut by the chunking."""
    longest = 0
    for secret in (s.encode() for s in secrets):
        for size in range(min(len(data), len(secret) - 1), longest, -1):
            if secret.startswith(data[-size:]):
                longest = size
                break
    return longest


def _write(sink: TextIO, data: bytes) -> None:
    if not data:
        return
    buffer = getattr(sink, "buffer", None)
    if buffer is not None:
        sink.flush()
        buffer.write(data)
        buffer.flush()
    else:
        sink.write(data.decode("utf-8", "replace"))
        sink.flush()
