"""One provider's run: contract, client, recorder and the fixtures, wired together.

Suites ask a ProviderRun to send requests; `send` judges each exchange once (`judge`), records
the value (the Recorder) whichever test sent it, and hands it back. `finish()` writes results.json.
`each` runs independent pieces of work side by side (up to --concurrency, for the test that
asked: its findings name it), so their requests are in flight together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from errcontract.client.http import ClientSettings, NotSent, TargetClient
from errcontract.client.keys import run_redactor
from errcontract.contract.model import Contract, load_provider, loadable_contracts, secret_fixture_names
from errcontract.core.exchange import Defect, Exchange, RequestSpec
from errcontract.core.flags import fixture_flag
from errcontract.core.parallel import threaded
from errcontract.judge.checks import Oracle
from errcontract.judge.checks.sequence import MIN_SAMPLES
from errcontract.judge.judged import Judged, judge
from errcontract.judge.model import LeftOut, RunResult
from errcontract.judge.recorder import Recorder
from errcontract.judge.results import RunMeta, build_results, write_json_atomic
from errcontract.mock.process import running_mock
from errcontract.requests.assumptions import assumed_defects
from errcontract.requests.coverage import gaps
from errcontract.requests.discovery import contradicted, discover
from errcontract.requests.recipes import base_request, fixture_values, literal_prefix
from errcontract.requests.strategies import is_guarded
from errcontract.run.options import RunOptions

T = TypeVar("T")
R = TypeVar("R")


class ProviderRun:
    """Everything a suite needs to check one provider's target."""

    def __init__(
        self,
        contract: Contract,
        options: RunOptions,
        target: str,
        fixtures: dict[str, str],
        embedded_mock: bool,
    ) -> None:
        self.contract = contract
        self.options = options
        self.target = target
        self.embedded_mock = embedded_mock
        self.fixtures = fixture_values(contract, fixtures)  # made-up keys drawn here, once
        self.fixture_misses: dict[str, str] = {}  # fixture -> why the target did not tell it
        self.discovered: frozenset[str] = frozenset()  # fixtures read from the target, not given
        self.planned_codes: dict[str, str] = {}  # code -> its test in this session (sent together)
        self._assumed: dict[str | None, tuple[Defect, ...]] = {}  # per endpoint, once
        prefix = literal_prefix(contract.auth.key_pattern)
        self.redact = run_redactor(
            secret_fixture_names([contract, *loadable_contracts()[0]]), self.fixtures, prefix
        )
        self.oracle = Oracle(contract)
        self.recorder = Recorder(self.oracle, self.redact)
        self.client = TargetClient(self._client_settings(), self.redact)
        self.started = time.time()
        self._clock = time.monotonic()

    def _client_settings(self) -> ClientSettings:
        billing = self.contract.billing
        return ClientSettings(
            base_url=self.target,
            timeout_s=self.options.timeout,
            max_requests=self.options.max_requests,
            is_mock=self.embedded_mock,
            allow_spend=self.options.allow_spend,
            charged_pointers=billing.charged_pointers if billing else (),
            spend_unit=billing.unit if billing else "credits",
            billable_endpoints=frozenset(n for n, e in self.contract.endpoints.items() if e.billable),
            concurrency=self.options.concurrency,
        )

    @property
    def provider(self) -> str:
        return self.contract.provider

    def send(self, spec: RequestSpec) -> Judged:
        """Send (NotSent if a guard refuses), judge the exchange once and record it; what the
        request rests on that the docs do not give goes with it (`assumed_defects`)."""
        return self.observe(self.client.send(self._with_assumptions(spec)))

    def _with_assumptions(self, spec: RequestSpec) -> RequestSpec:
        if spec.endpoint not in self._assumed:
            self._assumed[spec.endpoint] = assumed_defects(self.contract, spec.endpoint, self.discovered)
        found = self._assumed[spec.endpoint]
        return replace(spec, defects=(*spec.defects, *found)) if found else spec

    def each(self, fn: Callable[[T], R], items: Sequence[T], /) -> list[R]:
        """`fn` over `items` side by side (up to --concurrency), results in item order; what each
        sends is recorded for the test that called (a `Mapper`)."""
        current = self.recorder.current_test
        test = getattr(current, "name", None)

        def for_the_test(item: T) -> R:
            current.name = test
            return fn(item)

        return threaded(self.options.concurrency)(for_the_test, items)

    def send_exchange(self, spec: RequestSpec) -> Exchange:
        """`send` for callers that only read the answer (discovery): judged and recorded too."""
        return self.send(spec).exchange

    def observe(self, exchange: Exchange) -> Judged:
        """Judge an exchange once and record the value (what `send` does with each answer)."""
        judged = judge(exchange, self.oracle, self.target, self.redact)
        self.recorder.record(judged)
        return judged

    def results(self) -> RunResult:
        stats = self.client.stats
        meta = RunMeta(
            target=self.target,
            embedded_mock=self.embedded_mock,
            started_at=self.started,
            duration_s=time.monotonic() - self._clock,
            requests=stats.sent,
            answered=stats.answered,
            not_sent=dict(stats.not_sent),
            drift=self.options.drift if self.embedded_mock else None,
        )
        built = build_results(self.recorder, meta, strict=self.options.strict)
        return replace(built, left_out=self.left_out())

    def left_out(self) -> tuple[LeftOut, ...]:
        """Each fixture the target did not tell, endpoint left out and recipe not built, with why."""
        misses = sorted(self.fixture_misses.items())
        told = [LeftOut("fixture", name, self.redact(why)) for name, why in misses]
        parts = [
            LeftOut(gap.kind, gap.name, self.redact(missing_fixtures_reason(self, gap.needs)))
            for gap in gaps(self.contract, self.fixtures)
        ]
        return (*told, *parts, *self._unbilled())

    def _unbilled(self) -> list[LeftOut]:
        """On a live target without a spend budget, the billable endpoints Schemathesis leaves out
        (and the generated requests that could succeed there)."""
        if not is_guarded(self.embedded_mock, self.options.allow_spend):
            return []
        why = (
            "could be billed on a live target: left out of Schemathesis and of the generated "
            "requests that could succeed (pass --allow-spend CREDITS to include it)"
        )
        endpoints = self.contract.endpoints.values()
        return [LeftOut("endpoint", f"{e.method} {e.path}", why) for e in endpoints if e.billable]

    def top_up_samples(self) -> int:
        """Send the few non-billable served requests the run-level rate-limit rules need (a
        remaining count judged over too few served responses would pass unseen): valid requests
        to the endpoints that need the main key and cannot bill, until the key has enough served
        samples. Returns how many were sent."""
        key = self.contract.main_key
        sent = 0
        for spec in self._sample_requests():
            while self.recorder.served_samples(key) < MIN_SAMPLES and sent < 2 * MIN_SAMPLES:
                try:
                    judged = self.send(replace(spec, origin="rate-limit samples"))
                except NotSent:
                    return sent
                sent += 1
                if not 200 <= (judged.exchange.status or 0) < 300:
                    break  # this endpoint does not serve the key: try the next one
        return sent

    def _sample_requests(self) -> list[RequestSpec]:
        found = []
        for endpoint in self.contract.endpoints.values():
            if not endpoint.auth or endpoint.billable:
                continue
            missing: set[str] = set()
            spec = base_request(self.contract, endpoint, self.fixtures, missing)
            if not missing:
                found.append(spec)
        return found

    def finish(self, report_dir: Path) -> Path:
        """Write `<report_dir>/<provider>/results.json` and close the client."""
        self.top_up_samples()
        self.client.close()
        path = report_dir / self.provider / "results.json"
        write_json_atomic(path, self.results().to_json())
        return path


class RunRegistry:
    """Provider runs of one pytest session, created on first use (mocks started lazily)."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.runs: dict[str, ProviderRun] = {}
        self.planned: dict[str, dict[str, str]] = {}  # provider -> code -> its test (sent together)
        self._stack = ExitStack()

    def get(self, provider: str) -> ProviderRun:
        if provider not in self.runs:
            self.runs[provider] = self._start(provider)
            self.runs[provider].planned_codes = self.planned.get(provider, {})
        return self.runs[provider]

    def _start(self, provider: str) -> ProviderRun:
        contract = load_provider(provider)
        if self.options.target:
            run = ProviderRun(
                contract, self.options, self.options.target, self.options.fixtures, self.options.embedded_mock
            )
            _ask_the_target(run)
            return run
        handle = self._stack.enter_context(running_mock(provider, drift=self.options.drift))
        fixtures = {**handle.fixtures, **self.options.fixtures}
        return ProviderRun(contract, self.options, handle.url, fixtures, embedded_mock=True)

    def close(self, report_dir: Path | None) -> list[Path]:
        written = []
        try:
            for run in self.runs.values():
                if report_dir is not None:
                    written.append(run.finish(report_dir))
                else:
                    run.client.close()
        finally:
            self._stack.close()
        return written


def _ask_the_target(run: ProviderRun) -> None:
    """The fixtures the target tells (discovery), then whether the given ones still hold; the
    questions of each step side by side."""
    discovery = discover(run.contract, run.fixtures, run.send_exchange, run.each)
    run.fixtures.update(discovery.found)
    run.discovered = frozenset(discovery.found)
    for name, why in contradicted(run.contract, run.fixtures, run.send_exchange, run.each).items():
        run.fixtures.pop(name)  # its codes: not observed, with why (missing_fixtures_reason)
        run.fixture_misses[name] = why
    run.fixture_misses.update(discovery.missed)


def missing_fixtures_reason(run: ProviderRun, names: Collection[str]) -> str:
    """`needs --model`, and why the target did not tell it when it was asked; a target that never
    answered at all is said to be that, not a fixture to give."""
    needs = ", ".join(fixture_flag(n) for n in names)
    why = "; ".join(run.fixture_misses[n] for n in names if n in run.fixture_misses)
    stats = run.client.stats
    if why and stats.answered == 0 and stats.transport_errors:
        return f"the target never answered ({why}): nothing that needs {needs} could be sent"
    return f"needs {needs}" + (f" ({why})" if why else "")
