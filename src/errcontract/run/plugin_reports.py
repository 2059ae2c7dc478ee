"""The plugin's side of a run's reports: under plain pytest the suites publish the same set as
`errcontract run` (results.json, junit.xml, pytest.html, index.html, badge.svg per provider, and
the site index), through the same `ReportSet`.

- As `errcontract run`'s child (`--errcontract-parent-pid PID`) the parent owns the set: the
  session writes results.json into the folder it is given (the parent's staging folder), only
  when it ends with a verdict, and ends itself if its parent dies.
- On its own (`pytest suites ...`) the session stages its own set: at configure time when the
  ini sets `errcontract_suites` (the shipped suites/pytest.ini does; junit.xml and pytest.html are
  then written into it unless asked for elsewhere), else when a suite first needs a provider run;
  either way before the first request. A session that ends with a verdict publishes it.

SIGINT, SIGTERM and SIGHUP end the session as a Ctrl-C would (pytest then finishes the session
cleanly); an interrupted session publishes nothing, prints one line and exits 128 + the signal.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from _pytest.junitxml import xml_key as junit_xml_key

from errcontract.core.children import end_now, stop_when_orphaned
from errcontract.core.errors import ErrcontractError
from errcontract.core.interrupt import KEPT, WRITTEN, SignalGuard
from errcontract.judge.model import RunResult
from errcontract.report.publish import ReportSet
from errcontract.run.options import RunOptions
from errcontract.run.session import RunRegistry

STATE_KEY = pytest.StashKey["SessionReports"]()
SESSION_FILES = (("xmlpath", "junit.xml"), ("htmlpath", "pytest.html"))


@dataclass
class SessionReports:
    options: RunOptions
    guard: SignalGuard
    reports: ReportSet | None = None  # None when `errcontract run` publishes
    session: pytest.Session | None = None
    completed: bool = False


def addoption(parser: pytest.Parser, group: Any) -> None:
    group.addoption(
        "--errcontract-parent-pid",
        dest="errcontract_parent_pid",
        type=int,
        default=None,
        metavar="PID",
        help="run for `errcontract run` (process PID), which publishes "
        "the reports: write results.json only, and stop if PID is gone",
    )
    parser.addini(
        "errcontract_suites",
        type="bool",
        default=False,
        help="errcontract suites: stage the report set (junit.xml and pytest.html "
        "included) when pytest starts",
    )


Options = Callable[[], RunOptions]


def configure(config: pytest.Config, options: Options) -> None:
    """Before junitxml and pytest-html configure: they must see the staged paths."""
    if hasattr(config, "workerinput") or config.option.help or config.option.version:
        return
    parent = config.getoption("errcontract_parent_pid")
    if parent is not None:
        stop_when_orphaned(parent, end_now)
        guard = SignalGuard(_keyboard_interrupt).install()
        config.stash[STATE_KEY] = SessionReports(_options(options), guard)
        config.add_cleanup(partial(quick_exit, config.stash[STATE_KEY]))  # the first added runs last
    elif config.getini("errcontract_suites"):
        reports = start(config, options).reports
        assert reports is not None
        staging = reports.staging
        if not config.option.xmlpath:
            config.option.xmlpath = str(staging / "junit.xml")
        if config.pluginmanager.hasplugin("html") and not config.option.htmlpath:
            config.option.htmlpath = str(staging / "pytest.html")
            config.option.self_contained_html = True


def quick_exit(state: SessionReports) -> None:
    """As `errcontract run`'s child, once every file is written and every unconfigure hook has
    run (this is the session's last cleanup), end with the session's status at once, without the
    interpreter's teardown (some 0.4 s spent freeing what the process is about to drop)."""
    status = state.session.exitstatus if state.session is not None else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(status))


def start(config: pytest.Config, options: Options) -> SessionReports:
    """This session's report state; a session on its own stages its report set here."""
    if STATE_KEY in config.stash:
        return config.stash[STATE_KEY]
    run_options = _options(options)
    try:
        reports = ReportSet(run_options.report_dir, run_options.providers())
    except ErrcontractError as exc:
        pytest.exit(f"errcontract: error: {exc}", returncode=2)
    state = SessionReports(run_options, SignalGuard(_keyboard_interrupt).install(), reports)
    config.stash[STATE_KEY] = state
    return state


def _options(options: Options) -> RunOptions:
    try:
        return options()
    except ErrcontractError as exc:
        pytest.exit(f"errcontract: error: {exc}", returncode=2)


def _keyboard_interrupt(signum: int) -> BaseException:
    return KeyboardInterrupt()


def session_finished(session: pytest.Session, exitstatus: int, registry: RunRegistry | None) -> None:
    """Write results.json (staged) when the session ended with a verdict; always stop the runs.
    From here on a signal is only recorded: pytest's own ending must not be cut short."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is not None:
        state.guard.commit_point()
        state.session = session
        state.completed = (
            exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
            and state.guard.signum is None
            and registry is not None
        )
    if registry is not None:  # (a registry always comes with a state: `start` made it first)
        folder = state.reports.staging if state and state.reports else registry.options.report_dir
        registry.close(folder if state and state.completed else None)


def unconfigure(config: pytest.Config, registry: RunRegistry | None) -> None:
    """Publish the staged set (every plugin has written its files by now) or drop it. A signal
    that came before this point keeps the previous reports; one during the swap is honoured
    after it."""
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    state.guard.commit_point()
    signum, reports = state.guard.signum, state.reports
    try:
        if reports is None:  # `errcontract run` publishes
            pass
        elif signum is not None:
            print(f"errcontract: {KEPT}", file=sys.stderr)
        elif state.completed and registry is not None and registry.runs:
            _publish(config, reports, registry)
    except ErrcontractError as exc:
        print(f"errcontract: error: {exc}", file=sys.stderr)
        _exit_status(state, 2)
    finally:
        if reports is not None:
            reports.discard()
        state.guard.restore()
    if state.guard.signum is not None:
        if signum is None and reports is not None:
            print(f"errcontract: {WRITTEN}", file=sys.stderr)
        _exit_status(state, 128 + state.guard.signum)


def published_paths(config: pytest.Config, registry: RunRegistry | None) -> None:
    """pytest-html and junitxml name the file they wrote in pytest's terminal summary: for a
    session on its own, a file in the staging folder, gone once the set is published. A session
    that will publish names where its copy lands instead (the first provider's folder; each
    provider's folder gets the same file)."""
    state = config.stash.get(STATE_KEY, None)
    if state is None or state.reports is None or not state.completed or registry is None or not registry.runs:
        return
    folder = state.reports.report_dir / next(iter(registry.runs))
    html = next(
        (p for p in config.pluginmanager.get_plugins() if isinstance(getattr(p, "_report_path", None), Path)),
        None,
    )
    if html is not None:
        html._report_path = folder / "pytest.html"
    xml = config.stash.get(junit_xml_key, None)
    if xml is not None:
        xml.logfile = str(folder / "junit.xml")


def _exit_status(state: SessionReports, code: int) -> None:
    if state.session is not None:
        state.session.exitstatus = code


def _publish(config: pytest.Config, reports: ReportSet, registry: RunRegistry) -> None:
    results: list[RunResult] = []
    secrets: list[str] = []
    for provider, run in registry.runs.items():
        written = json.loads((reports.staging / provider / "results.json").read_text(encoding="utf-8"))
        results.append(RunResult.from_json(written))
        secrets += run.redact.secrets
        for option, name in SESSION_FILES:
            written = getattr(config.option, option, None)
            if written and Path(written).is_file():
                reports.adopt(provider, Path(written), name)
    for result in results:
        reports.write_provider(result, secrets)
    reports.publish(results, secrets)
    print(f"errcontract: reports: {reports.report_dir / 'index.html'}")
