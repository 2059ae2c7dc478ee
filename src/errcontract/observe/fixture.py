"""A pytest plugin for users' own suites: every provider response the code under test receives,
judged; the report set published when the session ends.

    # conftest.py
    pytest_plugins = ["errcontract.observe.fixture"]

    @pytest.fixture
    def client(errcontract_traffic):
        return OpenAI(http_client=httpx.Client(transport=errcontract_traffic.transport()))

    $ pytest --traffic-provider openai --traffic-report-dir reports

Without --traffic-provider the fixture still hands out transports that judge nothing (plain
httpx ones), so the suite runs the same with or without the judge. A session whose traffic broke
the contract keeps its own exit status: the verdict is in the reports and in one terminal line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from errcontract.observe.transport import TrafficJudge

SUMMARY = pytest.StashKey[list[str]]()


class _PlainJudge:
    """Transports that judge nothing, for a session run without --traffic-provider."""

    def transport(self, wrapped: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        return wrapped or httpx.HTTPTransport()

    def async_transport(self, wrapped: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncBaseTransport:
        return wrapped or httpx.AsyncHTTPTransport()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("errcontract-traffic", "errcontract: judge the suite's provider traffic")
    group.addoption(
        "--traffic-provider", default=None, metavar="NAME", help="the contract the traffic is judged by"
    )
    group.addoption(
        "--traffic-report-dir",
        default="reports",
        metavar="DIR",
        help="where the report set is written at session end (default: reports)",
    )


@pytest.fixture(scope="session")
def errcontract_traffic(request: pytest.FixtureRequest) -> Iterator[TrafficJudge | _PlainJudge]:
    provider = request.config.getoption("--traffic-provider")
    if provider is None:
        yield _PlainJudge()
        return
    judge = TrafficJudge(provider)
    yield judge
    report_dir = Path(request.config.getoption("--traffic-report-dir"))
    lines = request.config.stash.setdefault(SUMMARY, [])
    for target in judge.publish(report_dir):
        summary = target.results.summary
        lines.append(
            f"errcontract traffic: {target.folder} {str(target.results.verdict).upper()} "
            f"({summary.passed} pass, {summary.failed} fail, {summary.violations} violations): "
            f"{report_dir / target.folder / 'index.html'}"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The verdict of each target the session's traffic reached, after pytest's own summary."""
    for line in config.stash.get(SUMMARY, []):
        terminalreporter.write_line(line)
