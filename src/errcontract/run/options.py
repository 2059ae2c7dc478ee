"""The run's options, shared by `errcontract run` and the pytest plugin.

Every option also reads an environment variable (`--api-key` <- `ERRCONTRACT_API_KEY`), the
CI-friendly way to pass secrets. Fixture options are derived from the contracts' `fixtures`
sections, so a third provider's fixtures get options with no code change.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from errcontract.contract.model import (
    MAIN_KEY,
    Contract,
    every_contract,
    has_embedded_mock,
    load_provider,
    no_mock_message,
    provider_names,
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

    @property
    def env(self) -> str:
        return "ERRCONTRACT_" + self.dest.upper()

    def help_text(self) -> str:
        """The option's help with its default and its environment variable."""
        default = self.shown_default or (str(self.default) if self.default is not None else "none")
        return f"{self.help} (default: {default}; env {self.env})"


SETTINGS = (
    Setting("provider", "--provider", str, "all", "a provider found in contracts/, or all", "NAME"),
    Setting(
        "target",
        "--target",
        str,
        None,
        "the API root URL to check",
        "URL",
        "the embedded mock of each provider",
    ),
    Setting("report_dir", "--report-dir", str, "reports", "where reports are written", "DIR"),
    Setting("max_requests", "--max-requests", int, 5000, "most requests the run may send", "N"),
    Setting("examples", "--examples", int, 100, "generated requests per provider (fuzzing budget)", "N"),
    Setting(
        "schemathesis_examples",
        "--schemathesis-examples",
        int,
        None,
        "Schemathesis examples per OpenAPI operation (its coverage cases come on top)",
        "N",
        f"--examples ÷ 10, at most {SCHEMATHESIS_EXAMPLES_CAP}",
    ),
    Setting("seed", "--seed", int, 0, "seed for generated requests (same seed, same requests)", "N"),
    Setting(
        "timeout", "--timeout", float, 10.0, "seconds per request (connect, read, whole body)", "SECONDS"
    ),
    Setting(
        "allow_spend",
        "--allow-spend",
        float,
        None,
        "credits a live run may spend",
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


def _described_contracts() -> list[Contract]:
    """The contracts option names and help are built from: those that load (a broken one is
    refused, naming its file, where the run loads it: `RunOptions.secrets`, the provider's load)."""
    found = []
    try:
        for provider in provider_names():
            found.append(load_provider(provider))
    except (ErrcontractError, OSError):
        pass
    return found


def fixture_names() -> list[str]:
    """Every fixture any contract names, standard ones first."""
    names = list(STANDARD_FIXTURES)
    for contract in _described_contracts():
        names += [n for n in contract.fixtures if n not in names]
    return names


def fixture_flag(name: str) -> str:
    return "--" + name.replace("_", "-")


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


@dataclass
class RunOptions:
    provider: str = "all"
    target: str | None = None
    report_dir: Path = Path("reports")
    max_requests: int = 5000
    examples: int = 100
    schemathesis_examples: int | None = None
    seed: int = 0
    timeout: float = 10.0
    allow_spend: float | None = None
    concurrency: int = 4
    drift: str | None = None
    strict: bool = False
    embedded_mock: bool = False
    preflight: bool = True  # `errcontract run` checks key, base URL and provider first
    verbose: bool = False  # `errcontract run -v`: pytest's own output instead of the live lines
    fixtures: dict[str, str] = field(default_factory=dict)

    def providers(self) -> list[str]:
        """The providers this run checks: with no --target, those with an embedded mock."""
        names = provider_names()
        if self.provider == "all":
            return names if self.target else [n for n in names if has_embedded_mock(n)]
        if self.provider not in names:
            raise UsageError(f"unknown provider {self.provider!r}: choose one of {', '.join(names)} or all")
        if self.target is None and not has_embedded_mock(self.provider):
            raise UsageError(no_mock_message(self.provider))
        return [self.provider]

    def skipped_providers(self) -> list[str]:
        """Providers `all` leaves out for want of an embedded mock (they need --target)."""
        if self.provider != "all" or self.target:
            return []
        return [n for n in provider_names() if not has_embedded_mock(n)]

    def validate(self) -> None:
        """Everything checkable before a request is sent; UsageError names what is wrong."""
        providers = self.providers()
        if self.target is not None:
            validate_url(self.target)
            if len(providers) != 1:
                raise UsageError("--target checks one provider: add --provider NAME")
            if self.drift:
                raise UsageError("--drift applies to the embedded mock: leave out --target")
            self._require_key(providers[0])
        lows = (("max_requests", 1), ("examples", 0), ("schemathesis_examples", 1), ("concurrency", 1))
        for name, low in lows:
            if getattr(self, name) is not None and getattr(self, name) < low:
                raise UsageError(f"--{name.replace('_', '-')} must be at least {low}")
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise UsageError(f"--timeout {self.timeout!r}: give a positive number of seconds, e.g. 10")
        if self.allow_spend is not None and not (math.isfinite(self.allow_spend) and self.allow_spend >= 0):
            raise UsageError(f"--allow-spend {self.allow_spend!r}: give a number of credits, 0 or more")
        self._known_fixtures()

    def _known_fixtures(self) -> None:
        """A fixture no contract names is a typo, not something to ignore (one another provider
        names is harmless: `--api-key-expired` with `--provider vicsee`)."""
        known = set(fixture_names())
        unknown = sorted(set(self.fixtures) - known)
        if unknown:
            raise UsageError(f"unknown fixture {unknown[0]!r}: the contracts name {', '.join(sorted(known))}")

    def _require_key(self, provider: str) -> None:
        """A target whose contract needs a key is not checked without one (nothing could be)."""
        contract = load_provider(provider)
        needs_key = any(e.auth for e in contract.endpoints.values())
        if needs_key and not self.fixtures.get(contract.main_key):
            raise UsageError("checking a target needs a key: pass --api-key or set ERRCONTRACT_API_KEY")

    def schemathesis_per_operation(self) -> int:
        """Schemathesis' examples per operation: as given, or --examples ÷ 10 within 1..the cap."""
        if self.schemathesis_examples is not None:
            return self.schemathesis_examples
        return max(1, min(self.examples // 10, SCHEMATHESIS_EXAMPLES_CAP))

    def schemathesis_requests(self) -> int | None:
        """Most Schemathesis requests in all: --examples, unless --schemathesis-examples gives it
        its own budget (then only --max-requests bounds it)."""
        return self.examples if self.schemathesis_examples is None else None

    def secrets(self) -> list[str]:
        secret = secret_fixture_names(every_contract())
        return [v for k, v in self.fixtures.items() if k in secret and v]


def validate_url(url: str) -> None:
    """An http(s) API root with a host; no credentials (they would end up in reports), no query."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError as exc:
        raise UsageError(f"--target {url!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise UsageError(f"--target {url!r} is not an http(s) URL: give e.g. https://api.example.com")
    if parts.username is not None or parts.password is not None:
        raise UsageError("--target must not carry credentials (user:password@): pass keys with --api-key")
    if parts.query or parts.fragment:
        raise UsageError(f"--target {url!r}: give the API root without ?query or #fragment")


def parse_fixture_pairs(pairs: list[str] | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--fixture {pair!r}: write NAME=VALUE")
        found[name.strip()] = value
    return found


def options_from(
    given: Callable[[str], Any], strict: bool = False, embedded_mock: bool = False
) -> RunOptions:
    """RunOptions from a source of given values (`given(dest)`: a setting's dest, `fx_<fixture>`
    or `fixture`), then ERRCONTRACT_* environment variables, then defaults; validated."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = given(setting.dest)
        values[setting.dest] = value if value is not None else env_default(setting)
    fixtures = {}
    for name in fixture_names():
        value = given(f"fx_{name}") or os.environ.get(f"ERRCONTRACT_{name.upper()}")
        if value:
            fixtures[name] = value
    fixtures.update(parse_fixture_pairs(given("fixture")))
    strict = strict or os.environ.get("ERRCONTRACT_STRICT", "").lower() in ("1", "true", "yes")
    options = RunOptions(
        **{**values, "report_dir": Path(values["report_dir"])},
        strict=strict,
        embedded_mock=embedded_mock,
        fixtures=fixtures,
    )
    options.validate()
    return options
