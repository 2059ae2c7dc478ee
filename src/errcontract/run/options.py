"""The run's options, shared by `errcontract run` and the pytest plugin: `RunOptions`, validated,
from given values, then ERRCONTRACT_* environment variables, then the defaults of the settings
table (`option_table.py`).
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
    has_embedded_mock,
    load_provider,
    loadable_contracts,
    no_mock_message,
    provider_names,
    secret_fixture_names,
)
from errcontract.core.errors import UsageError
from errcontract.mock.drifts import drifts_for
from errcontract.run.option_table import (
    SCHEMATHESIS_EXAMPLES_CAP,
    SETTINGS,
    default_of,
    env_default,
    fixture_names,
)


@dataclass
class RunOptions:
    # Each default is the option table's (run/option_table.py: SETTINGS), written there once.
    provider: str = default_of("provider")
    target: str | None = default_of("target")
    report_dir: Path = Path(default_of("report_dir"))
    max_requests: int = default_of("max_requests")
    examples: int = default_of("examples")
    schemathesis_examples: int | None = default_of("schemathesis_examples")
    seed: int = default_of("seed")
    timeout: float = default_of("timeout")
    allow_spend: float | None = default_of("allow_spend")
    concurrency: int = default_of("concurrency")
    drift: str | None = default_of("drift")
    strict: bool = False
    embedded_mock: bool = False
    preflight: bool = True  # `errcontract run` checks key, base URL and provider first
    verbose: bool = False  # `errcontract run -v`: pytest's own output instead of the live lines
    fixtures: dict[str, str] = field(default_factory=dict)
    from_env: dict[str, str] = field(default_factory=dict)  # dest -> `ERRCONTRACT_X=raw`, as the user set it

    def providers(self) -> list[str]:
        """The providers this run checks: with no --target, those with an embedded mock (with
        --drift, those whose mock has that drift)."""
        names = provider_names()
        if self.provider == "all":
            mocked = names if self.target else [n for n in names if has_embedded_mock(n)]
            return self._with_drift(mocked) if self.drift and not self.target else mocked
        if self.provider not in names:
            raise UsageError(f"unknown provider {self.provider!r}: choose one of {', '.join(names)} or all")
        if self.target is None and not has_embedded_mock(self.provider):
            raise UsageError(no_mock_message(self.provider))
        if self.drift and not self.target and not self._with_drift([self.provider], quiet=True):
            having = ", ".join(self._with_drift([n for n in names if has_embedded_mock(n)], quiet=True))
            elsewhere = f" (it is a drift of {having})" if having else ""
            raise UsageError(
                f"the {self.provider} mock has no drift {self.drift!r}{elsewhere}: "
                f"see 'errcontract mock {self.provider} --list-drifts'"
            )
        return [self.provider]

    def _with_drift(self, names: list[str], quiet: bool = False) -> list[str]:
        """The providers whose mock can serve --drift (a UsageError when none can, unless quiet)."""
        found = [n for n in names if self.drift in drifts_for(load_provider(n))]
        if not found and not quiet:
            listing = "errcontract mock PROVIDER --list-drifts"
            raise UsageError(f"no provider's mock has a drift {self.drift!r}: see '{listing}'")
        return found

    def skipped_providers(self) -> list[str]:
        """Providers `all` leaves out for want of an embedded mock (they need --target); with
        --drift, the mocked ones without that drift are left out too (not listed here)."""
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
            if self.drift and not self.embedded_mock:  # the runner's child names the drift it is served
                raise UsageError("--drift applies to the embedded mock: leave out --target")
            self._require_key(providers[0])
        lows = (("max_requests", 1), ("examples", 0), ("schemathesis_examples", 0), ("concurrency", 1))
        for name, low in lows:
            if getattr(self, name) is not None and getattr(self, name) < low:
                raise UsageError(f"{self._as_set(name)} must be at least {low}")
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise UsageError(f"{self._as_set('timeout')}: give a positive number of seconds, e.g. 10")
        if self.allow_spend is not None and not (math.isfinite(self.allow_spend) and self.allow_spend >= 0):
            raise UsageError(f"{self._as_set('allow_spend')}: give a number of credits, 0 or more")
        self._known_fixtures()

    def _as_set(self, dest: str) -> str:
        """A setting as the user gave it: `ERRCONTRACT_TIMEOUT='-1'` when read from the
        environment, else its option and value (`--timeout -1.0`)."""
        if dest in self.from_env:
            return self.from_env[dest]
        value = getattr(self, dest)
        shown = f"{value!r}" if isinstance(value, float) else str(value)
        return f"--{dest.replace('_', '-')} {shown}"

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
        secret = secret_fixture_names(loadable_contracts()[0])
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
    from_env: dict[str, str] = {}
    for setting in SETTINGS:
        value = given(setting.dest)
        values[setting.dest] = value if value is not None else env_default(setting)
        if value is None and os.environ.get(setting.env):
            from_env[setting.dest] = f"{setting.env}={os.environ[setting.env]!r}"
    fixtures = {}
    for name in fixture_names():
        value = given(f"fx_{name}") or os.environ.get(f"ERRCONTRACT_{name.upper()}")
        if value:
            fixtures[name] = value
    fixtures.update(parse_fixture_pairs(given("fixture")))
    strict = strict or os.environ.get("ERRCONTRACT_STRICT", "").lower() in ("1", "true", "yes")
    if not str(values["report_dir"]).strip():
        raise UsageError("--report-dir is empty: give the folder reports go to, e.g. --report-dir reports")
    options = RunOptions(
        **{**values, "report_dir": Path(values["report_dir"])},
        strict=strict,
        embedded_mock=embedded_mock,
        fixtures=fixtures,
        from_env=from_env,
    )
    options.validate()
    return options
