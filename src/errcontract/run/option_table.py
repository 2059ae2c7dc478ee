"""The run's settings as a table, shared by `errcontract run`'s argparse and the pytest plugin's
options: each with its flag, type, default and environment variable (`--api-key` <-
`ERRCONTRACT_API_KEY`, the CI-friendly way to pass secrets); fixture options derived from the
contracts' `fixtures` sections, so a third provider's fixtures get options with no code change.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from errcontract.contract.model import (
    MAIN_KEY,
    Contract,
    loadable_contracts,
    secret_fixture_names,
)
from errcontract.core.errors import ErrcontractError, UsageError

STANDARD_FIXTURES = (MAIN_KEY,)  # every other fixture option comes from the contracts
# Schemathesis' share of a large --examples: its generation runs at ~150 requests/s and finds
# fewer documented codes per request than errcontract's own strategies (benchmarks, figure 3),
# so a budget beyond ~200 goes to those; --schemathesis-examples gives it more explicitly.
SCHEMATHESIS_EXAMPLES_CAP = 20


@dataclass(frozen=True)
class Setting:
    dest: str
    flag: str
    kind: type
    default: object
    help: str
    metavar: str = "VALUE"
    shown_default: str | None = None  # how --help words the default, when not the value itself
    child_flag: str | None = None  # the pytest child's flag, where pytest's own takes the name
    run_only: bool = False  # the runner's alone (where and what to check): never passed to the child

    @property
    def env(self) -> str:
        return "ERRCONTRACT_" + self.dest.upper()

    @property
    def pytest_flag(self) -> str:
        """The flag of the pytest plugin (the child `errcontract run` starts)."""
        return self.child_flag or self.flag

    def help_text(self) -> str:
        """The option's help with its default and its environment variable."""
        default = self.shown_default or (str(self.default) if self.default is not None else "none")
        return f"{self.help} (default: {default}; env {self.env})"


SETTINGS = (
    Setting(
        "provider", "--provider", str, "all", "a provider found in contracts/, or all", "NAME", run_only=True
    ),
    Setting(
        "target",
        "--target",
        str,
        None,
        "the API root URL to check",
        "URL",
        "the embedded mock of each provider",
        run_only=True,
    ),
    Setting("report_dir", "--report-dir", str, "reports", "where reports are written", "DIR", run_only=True),
    Setting("max_requests", "--max-requests", int, 5000, "most requests the run may send", "N"),
    Setting("examples", "--examples", int, 100, "generated requests per provider (fuzzing budget)", "N"),
    Setting(
        "schemathesis_examples",
        "--schemathesis-examples",
        int,
        None,
        "Schemathesis examples per OpenAPI operation (its coverage cases come on top; 0 leaves it out)",
        "N",
        f"--examples ÷ 10, at most {SCHEMATHESIS_EXAMPLES_CAP}",
    ),
    Setting("seed", "--seed", int, 0, "seed for generated requests (same seed, same requests)", "N"),
    Setting(
        "timeout",
        "--timeout",
        float,
        10.0,
        "seconds per request (connect, read, whole body)",
        "SECONDS",
        child_flag="--request-timeout",  # pytest's own --timeout is another thing
    ),
    Setting(
        "allow_spend",
        "--allow-spend",
        float,
        None,
        "what a live run may spend, in the unit the contract bills in (billing.unit: credits, or tokens)",
        "CREDITS",
        "none: nothing billable is sent to a live target",
    ),
    Setting("concurrency", "--concurrency", int, 4, "requests in flight at once (generated requests)", "N"),
    Setting(
        "drift",
        "--drift",
        str,
        None,
        "embedded mock only: serve this named drift (see 'errcontract mock PROVIDER --list-drifts')",
        "NAME",
    ),
)


def default_of(dest: str) -> Any:
    """A setting's default, as the table gives it (RunOptions' fields read their defaults here)."""
    return next(s.default for s in SETTINGS if s.dest == dest)


def child_arguments(values: Callable[[str], object]) -> list[str]:
    """The pytest child's command-line options for every setting the child takes, from the
    same table (`values(dest)`: the run's value; None is left out, the child's default holds)."""
    arguments: list[str] = []
    for setting in SETTINGS:
        value = values(setting.dest)
        if not setting.run_only and value is not None:
            arguments += [setting.pytest_flag, str(value)]
    return arguments


def _described_contracts() -> list[Contract]:
    """The contracts option names and help are built from: those that load, each on its own (a
    broken one is refused, naming its file, by a run that includes it)."""
    try:
        return loadable_contracts()[0]
    except (ErrcontractError, OSError):  # no contracts folder at all
        return []


def fixture_names() -> list[str]:
    """Every fixture any contract names, standard ones first."""
    names = list(STANDARD_FIXTURES)
    for contract in _described_contracts():
        names += [n for n in contract.fixtures if n not in names]
    return names


def fixture_metavar(name: str) -> str:
    """KEY for keys, ID for ids, NAME for a model, VALUE otherwise."""
    if name in secret_fixture_names(_described_contracts()):
        return "KEY"
    if name.endswith("_id"):
        return "ID"
    return "NAME" if name == "model" else "VALUE"


def fixture_help(name: str) -> str:
    """What the contracts say the fixture is, and which providers use it (for --help)."""
    described: dict[str, list[str]] = {}
    for contract in _described_contracts():
        fixture = contract.fixtures.get(name)
        if fixture is not None:
            described.setdefault(fixture.description or name, []).append(contract.provider)
    if name == MAIN_KEY and not described:
        described["the key requests are sent with"] = []
    text = "; ".join(f"{what} ({', '.join(who)})" if who else what for what, who in described.items())
    return f"{text or name} (env ERRCONTRACT_{name.upper()})"


def env_default(setting: Setting) -> object:
    raw = os.environ.get(setting.env)
    if raw is None or raw == "":
        return setting.default
    try:
        return setting.kind(raw)
    except ValueError:
        raise UsageError(f"{setting.env}={raw!r} is not a valid {setting.kind.__name__}") from None
