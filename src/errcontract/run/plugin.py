"""The pytest plugin: options, the provider runs, parametrization by code, results at the end.

Loaded through the `pytest11` entry point; inert unless a suite asks for `errcontract_runs`.
`pytest suites --provider vicsee --target URL --api-key ...` runs the same suites as
`errcontract run`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.errors import ErrcontractError
from errcontract.core.flags import fixture_flag
from errcontract.core.verdicts import Verdict
from errcontract.judge.model import Evidence
from errcontract.judge.verdict import FinalVerdict
from errcontract.report import pytest_html as html_hooks
from errcontract.report.pytest_html import extras_for_exchanges
from errcontract.run import ProgressState, plugin_reports, progress
from errcontract.run.held_verdicts import HeldVerdicts, documented_code
from errcontract.run.option_table import (
    SETTINGS,
    fixture_help,
    fixture_metavar,
    fixture_names,
)
from errcontract.run.options import RunOptions, options_from
from errcontract.run.profiles import load_profile
from errcontract.run.session import RunRegistry

REGISTRY_KEY = pytest.StashKey[RunRegistry]()
CODE_KEY = pytest.StashKey[str]()  # the documented code a test judges
EVIDENCE_KEY = pytest.StashKey[list[Evidence]]()  # its exchanges, redacted
AFTER_CALL_KEY = pytest.StashKey[Callable[[bool], None]]()  # finishes what a test left in flight
PLANNED_KEY = pytest.StashKey[dict[str, dict[str, str]]]()  # provider -> code -> its test's node id


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("errcontract", "error-contract conformance")
    for setting in SETTINGS:
        group.addoption(
            setting.pytest_flag,
            dest=f"errcontract_{setting.dest}",
            default=None,
            type=setting.kind,
            metavar=setting.metavar,
            help=setting.help_text(),
        )
    group.addoption(
        "--errcontract-strict",
        dest="errcontract_strict",
        action="store_true",
        default=None,
        help="warnings fail the run too (env ERRCONTRACT_STRICT)",
    )
    group.addoption(
        "--embedded-mock",
        dest="errcontract_embedded_mock",
        action="store_true",
        default=False,
        help="the target is errcontract's own mock (no spend guard)",
    )
    group.addoption(
        "--fixture",
        dest="errcontract_fixture",
        action="append",
        default=None,
        metavar="NAME=VALUE",
        help="any contract fixture by name",
    )
    for name in fixture_names():
        group.addoption(
            fixture_flag(name),
            dest=f"errcontract_fx_{name}",
            default=None,
            metavar=fixture_metavar(name),
            help=fixture_help(name),
        )
    plugin_reports.addoption(parser, group)


def options_from_config(config: pytest.Config) -> RunOptions:
    """Command line first, then ERRCONTRACT_* environment variables, then defaults."""
    return options_from(
        lambda dest: config.getoption(f"errcontract_{dest}"),
        strict=bool(config.getoption("errcontract_strict")),
        embedded_mock=bool(config.getoption("errcontract_embedded_mock")),
    )


def selected_providers(config: pytest.Config) -> list[str]:
    try:
        return options_from_config(config).providers()
    except ErrcontractError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture(scope="session")
def errcontract_runs(request: pytest.FixtureRequest) -> Iterator[RunRegistry]:
    """The session's provider runs; their reports are staged before the first request and
    published when the session ends with a verdict (see plugin_reports)."""
    config = request.config
    if REGISTRY_KEY not in config.stash:
        plugin_reports.start(config, lambda: options_from_config(config))
        try:
            config.stash[REGISTRY_KEY] = RunRegistry(options_from_config(config))
            config.stash[REGISTRY_KEY].planned = config.stash.get(PLANNED_KEY, {})
        except ErrcontractError as exc:
            pytest.exit(f"errcontract: error: {exc}", returncode=2)
    yield config.stash[REGISTRY_KEY]


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    plugin_reports.session_finished(session, exitstatus, session.config.stash.get(REGISTRY_KEY, None))


@pytest.hookimpl(tryfirst=True)
def pytest_terminal_summary(config: pytest.Config) -> None:
    plugin_reports.published_paths(config, config.stash.get(REGISTRY_KEY, None))


def pytest_unconfigure(config: pytest.Config) -> None:
    drop_hypothesis_statistics(config)  # junitxml wrote its file when the session finished
    plugin_reports.unconfigure(config, config.stash.get(REGISTRY_KEY, None))


def drop_hypothesis_statistics(config: pytest.Config) -> None:
    """Hypothesis adds its statistics to junit.xml as base64 properties, one per test: opaque
    to a reader, and the kind of blob secret scanners flag. They are taken out of the written
    file (the terminal still shows them with --hypothesis-show-statistics)."""
    path = config.getoption("xmlpath", None)
    if not path or not Path(path).is_file():
        return
    tree = ElementTree.parse(path)
    dropped = 0
    for properties in tree.iter("properties"):
        for prop in list(properties):
            if prop.get("name", "").startswith("hypothesis-statistics-"):
                properties.remove(prop)
                dropped += 1
    if dropped:
        tree.write(path, encoding="utf-8", xml_declaration=True)


def progress_snapshot(config: pytest.Config) -> ProgressState:
    """What the runner's live line shows: requests sent, codes checked (a verdict of pass or fail,
    as the summary counts them), findings so far."""
    registry = config.stash.get(REGISTRY_KEY, None)
    runs = list(registry.runs.values()) if registry is not None else []
    return ProgressState(
        requests=sum(run.client.stats.sent for run in runs),
        judged=sum(
            1
            for run in runs
            for code in list(run.recorder.rows)
            if run.recorder.verdict(code).verdict in (Verdict.PASS, Verdict.FAIL)
        ),
        codes=sum(len(run.recorder.rows) for run in runs),
        violations=sum(len(run.recorder.violations) for run in runs),
        warnings=sum(len(run.recorder.warnings) for run in runs),
    )


def final_verdict(config: pytest.Config, provider: str, code: str) -> FinalVerdict | None:
    """A code's verdict as results.json will give it, with its reason and first violation."""
    registry = config.stash.get(REGISTRY_KEY, None)
    run = registry.runs.get(provider) if registry is not None else None
    if run is None or code not in run.recorder.rows:
        return None
    return run.recorder.verdict(code)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`documented_code`: one test per (provider, code), id provider/status/code."""
    if "documented_code" not in metafunc.fixturenames:
        return
    params, ids = [], []
    for provider in selected_providers(metafunc.config):
        contract = load_provider(provider)
        for name, code in contract.codes.items():
            params.append((provider, name))
            ids.append(f"{provider}/{'-'.join(map(str, code.statuses))}/{name}")
    metafunc.parametrize("documented_code", params, ids=ids)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The per-code tests this session runs (after -k and deselection), so that their requests
    are sent side by side when the first of them runs (code_batch.py)."""
    planned: dict[str, dict[str, str]] = {}
    for item in session.items:
        found = documented_code(item)
        if found is not None:
            planned.setdefault(found[0], {})[found[1]] = item.nodeid
    session.config.stash[PLANNED_KEY] = planned


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Tell every provider run's recorder which test is sending (violations name it); what the
    test left in flight (Schemathesis cases sent in the background) is finished when its call
    ends, and can fail it; an interrupted call drops what was not sent yet."""
    registry = item.config.stash.get(REGISTRY_KEY, None)
    runs = list(registry.runs.values()) if registry else []
    for run in runs:
        run.recorder.current_test.name = item.nodeid
    try:
        result = yield
    except (KeyboardInterrupt, SystemExit):
        _after_call(item, interrupted=True)
        raise
    except BaseException:
        _after_call(item, interrupted=False)
        raise
    finally:
        for run in runs:
            run.recorder.current_test.name = None
    _after_call(item, interrupted=False)
    return result


def _after_call(item: pytest.Item, interrupted: bool) -> None:
    finish = item.stash.get(AFTER_CALL_KEY, None)
    if finish is not None:
        del item.stash[AFTER_CALL_KEY]
        finish(interrupted)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[Any, Any, None]:
    outcome = yield
    report = outcome.get_result()
    report.errcontract_code = item.stash.get(CODE_KEY, "")
    evidence = item.stash.get(EVIDENCE_KEY, None)
    if evidence and report.when == "call":
        report.extras = [*getattr(report, "extras", []), *extras_for_exchanges(evidence)]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    load_profile()
    plugin_reports.configure(config, lambda: options_from_config(config))
    config.pluginmanager.register(
        HeldVerdicts(lambda p, c: final_verdict(config, p, c)), "errcontract-held-verdicts"
    )
    progress.register(config, lambda: progress_snapshot(config))
    if config.pluginmanager.hasplugin("html"):
        config.pluginmanager.register(_HtmlColumns(html_hooks), "errcontract-html")


class _HtmlColumns:
    """pytest-html hooks adding the documented code as a column."""

    def __init__(self, hooks: Any) -> None:
        self._hooks = hooks

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        self._hooks.results_table_header(cells)

    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        self._hooks.results_table_row(report, cells)

    def pytest_html_results_table_html(self, report: Any, data: list[str]) -> None:
        self._hooks.results_table_html(report, data)
