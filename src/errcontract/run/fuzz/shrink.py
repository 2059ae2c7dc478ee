"""Shrinking a failing generated request, on the embedded mock only (shrinking re-sends)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from errcontract.client.http import ClientSettings, NotSent, TargetClient
from errcontract.core.exchange import RequestSpec
from errcontract.judge.checks import run_checks
from errcontract.judge.judged import Judged
from errcontract.requests.strategies import base_for, families_for, family_of, requests_for
from errcontract.run.session import ProviderRun

MAX_SHRUNK = 5  # distinct failures shrunk per run; the others are reported as drawn
SHRINK_EXAMPLES = 150  # candidates tried per shrink
SHRINK_SECONDS = 5.0  # and at most this long per shrink


@dataclass
class FuzzResult:
    index: int
    spec: RequestSpec
    judged: Judged | None = None
    not_sent: str | None = None
    shrunk: Judged | None = None

    @property
    def failed(self) -> bool:
        return self.judged is not None and bool(self.judged.outcome.violations)

    def describe(self) -> str:
        assert self.judged is not None
        spec, ex = self.spec, self.judged.exchange
        lines = [
            f"#{self.index} {spec.method} {spec.path[:120]} [{spec.describe_defects()}] -> HTTP {ex.status}"
        ]
        lines += [f"  {v.check}: {v.message}" for v in self.judged.outcome.violations]
        lines.append(f"  reproduce: {self.judged.reproduce}")
        if self.shrunk is not None:
            lines.append(
                f"  shrunk [{self.shrunk.exchange.request.describe_defects()}]: {self.shrunk.reproduce}"
            )
        return "\n".join(lines)


class Shrinker:
    """Shrinks a failing request with `hypothesis.find` over the same endpoint and defect families.

    Candidates go through a private client, judged but not recorded (shrink attempts are not results);
    the minimal request is then sent through the run, so it is judged and recorded with its
    reproducer like every other request.
    """

    def __init__(self, run: ProviderRun) -> None:
        self.run = run
        self.client = TargetClient(
            ClientSettings(base_url=run.target, timeout_s=run.options.timeout, is_mock=True), run.redact
        )

    def __enter__(self) -> Shrinker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def violated(self, spec: RequestSpec) -> frozenset[str]:
        exchange = self.client.send(spec)
        return frozenset(v.check for v in run_checks(exchange, self.run.oracle).violations)

    def narrowed(self, spec: RequestSpec) -> st.SearchStrategy[RequestSpec]:
        contract, fixtures = self.run.contract, self.run.fixtures
        endpoint = contract.endpoints[spec.endpoint or ""]
        base = base_for(contract, endpoint, fixtures)
        names = [f.name for f in families_for(contract, endpoint, base, fixtures)] if base else []
        wanted = {f for f in (family_of(d.name, names) for d in spec.defects) if f is not None}
        return requests_for(contract, fixtures, endpoints=[endpoint.name], families=wanted)

    def shrink(self, spec: RequestSpec, checks: frozenset[str]) -> Judged | None:
        """The smallest request found that still breaks `checks`, sent through the run; when
        time runs out, the smallest found so far (answering "passes" after the deadline would
        contradict earlier answers, which Hypothesis reports as flaky and gives nothing), which is
        the drawn request itself when time ran out before any candidate failed (a loaded machine)."""
        deadline = time.monotonic() + SHRINK_SECONDS
        smallest = [spec]  # the drawn request fails; Hypothesis only asks about ever smaller ones

        def still_fails(candidate: RequestSpec) -> bool:
            if time.monotonic() >= deadline:
                raise _OutOfTime
            fails = bool(self.violated(candidate) & checks)
            if fails:
                smallest[:] = [candidate]
            return fails

        try:
            minimal = find(self.narrowed(spec), still_fails, settings=_SHRINK_SETTINGS)
        except _OutOfTime:
            minimal = smallest[0]
        except (NoSuchExample, Unsatisfiable, NotSent):
            return None
        except Exception:  # a flaky target must not turn shrinking into a crash
            return None
        try:
            return self.run.send(minimal)
        except NotSent:
            return None


class _OutOfTime(Exception):
    """Shrinking's time bound is reached."""


_SHRINK_SETTINGS = settings(
    max_examples=SHRINK_EXAMPLES,
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def shrink_failures(run: ProviderRun, results: list[FuzzResult]) -> None:
    """Shrink the first failure of each distinct kind (endpoint, checks), on the mock only."""
    if not run.embedded_mock:
        return
    seen: set[tuple[str | None, frozenset[str]]] = set()
    with Shrinker(run) as shrinker:
        for result in results:
            if not result.failed or len(seen) >= MAX_SHRUNK:
                continue
            assert result.judged is not None
            kind = (result.spec.endpoint, frozenset(v.check for v in result.judged.outcome.violations))
            if kind not in seen:
                seen.add(kind)
                result.shrunk = shrinker.shrink(result.spec, kind[1])
