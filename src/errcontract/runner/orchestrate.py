"""Run the suites once per provider (a pytest session each, in a child process) and report.

With no --target the embedded mock of each provider is started on a free loopback port (a real
uvicorn server), its fixtures handed to the suites, and stopped afterwards. Keys travel to the
child through the environment, never on a command line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any, TextIO

from errcontract.contract import load_provider
from errcontract.errors import ErrcontractError, UsageError
from errcontract.locate import suites_root
from errcontract.options import RunOptions
from errcontract.preflight import Preflight, run_preflight, target_root
from errcontract.redact import Redactor
from errcontract.results import write_json_atomic
from errcontract.runner import progress
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
        "--rootdir", str(suites.parent), "-v" if options.verbose else "-q", "-rfEs", "-p", "no:cacheprovider",
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
    contract = load_provider(provider)
    with ExitStack() as stack:
        if options.target:
            target, fixtures, mock = target_root(contract, options.target), dict(options.fixtures), False
        else:
            from errcontract.mock.process import running_mock

            handle = stack.enter_context(running_mock(provider, drift=options.drift))
            target, fixtures, mock = handle.url, {**handle.fixtures, **options.fixtures}, True
        check = preflight(provider, options, target, fixtures, redact)
        print(f"errcontract: checking {provider} at {redact(check.base)}"
              f"{' (embedded mock)' if mock else ''}", flush=True)
        out = options.report_dir / provider
        results_file = out / "results.json"
        cmd = _child_command(provider, target, options, mock, pytest_args)
        with kept_until_replaced(out):  # a stale file must not pass for this run's results
            finished = progress.run_child(cmd, _child_env(fixtures), redact, provider, results_file,
                                          live=not (options.verbose or pytest_args))
            scrub_files(out, redact)
            if not finished:
                raise ErrcontractError(f"{provider}: the run did not finish in {CHILD_TIMEOUT_S} s")
            if not results_file.is_file():
                raise ErrcontractError(f"{provider}: the suites did not produce results "
                                       "(see pytest's output above)")
            results: dict[str, Any] = json.loads(results_file.read_text(encoding="utf-8"))
            results["preflight"] = check.as_results()
            write_json_atomic(results_file, results)
            return results


def preflight(provider: str, options: RunOptions, target: str, fixtures: dict[str, str],
              redact: Redactor) -> Preflight:
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


@contextmanager
def kept_until_replaced(folder: Path) -> Iterator[None]:
    """Set the last report aside while the child writes a new one; put it back if the child
    leaves no results.json, so a run that fails to start never destroys an earlier report."""
    aside = folder.with_name(f".{folder.name}.previous")
    shutil.rmtree(aside, ignore_errors=True)
    if folder.exists():
        folder.rename(aside)
    try:
        yield
    finally:
        if (folder / "results.json").is_file():
            shutil.rmtree(aside, ignore_errors=True)
        elif aside.exists():
            shutil.rmtree(folder, ignore_errors=True)
            aside.rename(folder)


# -- keys never leave through the child: its output and files pass through the Redactor -----------
def run_child(cmd: list[str], env: dict[str, str], redact: Redactor) -> bool:
    """Run the pytest child, relaying its output live with keys masked; False if it timed out."""
    timed_out = threading.Event()
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        def stop() -> None:
            timed_out.set()
            child.kill()

        timer = threading.Timer(CHILD_TIMEOUT_S, stop)
        errors = threading.Thread(target=relay, args=(child.stderr, sys.stderr, redact), daemon=True)
        timer.start()
        errors.start()
        try:
            relay(child.stdout, sys.stdout, redact)
            child.wait()
        finally:
            timer.cancel()
        errors.join()
    return not timed_out.is_set()


def relay(source: IO[bytes] | None, sink: TextIO, redact: Redactor) -> None:
    """Copy as it comes (progress stays live), holding back only what might begin a key."""
    if source is None:
        return
    held = b""
    while chunk := os.read(source.fileno(), 65536):
        data = redact.bytes(held + chunk)
        keep = _key_prefix_at_end(data, redact.secrets)
        held = data[len(data) - keep:] if keep else b""
        _write(sink, data[: len(data) - keep])
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


def scrub_files(folder: Path, redact: Redactor) -> None:
    """Last line of defence: no file the child wrote keeps a key, whichever plugin wrote it."""
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        data = path.read_bytes() if path.is_file() else b""
        clean = redact.bytes(data)
        if clean != data:
            path.write_bytes(clean)
            print(f"errcontract: warning: a key had reached {path}; it is masked now", file=sys.stderr)
