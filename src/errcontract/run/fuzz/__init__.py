"""A provider's fuzzing: draw generated requests, send them, judge them, shrink what fails.

Draws are deterministic for a seed (`options.seed`, Hypothesis with no example database), so two
runs with the same seed send the same requests; sending is concurrent (`options.concurrency`
threads through the run's thread-safe client) but results are kept in draw order, so a report
reads the same as a sequential run's. A failing example is shrunk on the embedded mock only
(shrinking re-sends requests, which a live, paid API must not see), then reported with its curl
reproducer, keys redacted. A request a guard refuses (`NotSent`) is counted as not sent, never
as a failure.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from hypothesis import strategies as st

from errcontract.client.http import NotSent
from errcontract.core.exchange import RequestSpec
from errcontract.requests.strategies import (
    is_guarded,
    requests_by_pair,
    requests_for,
)
from errcontract.run.fuzz.draw import draw_requests, drawn_columns
from errcontract.run.fuzz.shrink import FuzzResult, shrink_failures
from errcontract.run.session import ProviderRun

__all__ = [
    "FuzzReport",
    "FuzzResult",
    "budget_plan",
    "draw_requests",
    "draw_run_requests",
    "fuzz_strategy",
    "run_fuzz",
]

T = TypeVar("T")


def fuzz_strategy(
    run: ProviderRun, endpoints: Iterable[str] | None = None, primary: tuple[str, str] | None = None
) -> st.SearchStrategy[RequestSpec]:
    guarded = is_guarded(run.embedded_mock, run.options.allow_spend)
    return requests_for(run.contract, run.fixtures, guarded=guarded, endpoints=endpoints, primary=primary)


def budget_plan(
    pairs: list[tuple[str, str]], count: int, seed_value: int
) -> list[tuple[tuple[str, str], int]]:
    """The budget spread evenly over the (endpoint, family) pairs, in an order the seed shuffles
    (when the budget is smaller than the pairs, the seed picks which are drawn)."""
    order = sorted(pairs)
    random.Random(seed_value).shuffle(order)
    share, rest = divmod(count, len(order)) if order else (0, 0)
    return [(pair, share + (1 if i < rest else 0)) for i, pair in enumerate(order)]


def _columns(
    run: ProviderRun, endpoints: Iterable[str] | None, count: int | None
) -> Generator[list[RequestSpec]]:
    """Each (endpoint, family) pair's draws in turn: deterministic for options.seed."""
    count = run.options.examples if count is None else count
    guarded = is_guarded(run.embedded_mock, run.options.allow_spend)
    wanted = set(endpoints) if endpoints is not None else None
    by_pair = requests_by_pair(run.contract, run.fixtures, guarded)
    pairs = [p for p in by_pair if wanted is None or p[0] in wanted]
    yield from drawn_columns(by_pair, budget_plan(pairs, count, run.options.seed), run.options.seed)


def _round_robin(columns: list[list[T]]) -> list[T]:
    """Interleaved over the columns, so any prefix covers the most pairs."""
    return [item for row in itertools.zip_longest(*columns) for item in row if item is not None]


def draw_run_requests(
    run: ProviderRun, endpoints: Iterable[str] | None = None, count: int | None = None
) -> list[RequestSpec]:
    """The run's generated requests: `count` (default options.examples), deterministic for
    options.seed, interleaved round-robin over the pairs so any prefix covers the most pairs."""
    return _round_robin(list(_columns(run, endpoints, count)))


@dataclass
class FuzzReport:
    provider: str
    results: list[FuzzResult] = field(default_factory=list)
    elapsed_s: float = 0.0
    undrawn: dict[str, int] = field(default_factory=dict)  # never drawn: the budget was spent

    @property
    def failures(self) -> list[FuzzResult]:
        return [r for r in self.results if r.failed]

    @property
    def sent(self) -> int:
        return sum(1 for r in self.results if r.judged is not None)

    @property
    def not_sent(self) -> dict[str, int]:
        counts = dict(self.undrawn)
        for r in self.results:
            if r.not_sent:
                counts[r.not_sent] = counts.get(r.not_sent, 0) + 1
        return counts

    def failure_text(self) -> str:
        head = f"{len(self.failures)} of {self.sent} generated requests broke the {self.provider} contract"
        return "\n".join([head, *(r.describe() for r in self.failures)])


def _sender(run: ProviderRun) -> Callable[[tuple[int, RequestSpec]], FuzzResult]:
    test_name = getattr(run.recorder.current_test, "name", None)

    def send_one(item: tuple[int, RequestSpec]) -> FuzzResult:
        index, spec = item
        run.recorder.current_test.name = test_name  # worker threads report for the calling test
        try:
            judged = run.send(spec)
        except NotSent as exc:
            return FuzzResult(index, spec, not_sent=str(exc))
        return FuzzResult(index, spec, judged=judged)

    return send_one


def draw_and_send(
    run: ProviderRun, endpoints: Iterable[str] | None = None, count: int | None = None
) -> list[FuzzResult]:
    """Draw the run's requests (the same as draw_run_requests) and send them, each pair's requests
    while the next pair is drawn (drawing is most of a fuzzing phase's time); results in draw order."""
    send_one = _sender(run)
    workers = max(1, run.options.concurrency)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="errcontract-fuzz") as pool:
        drawn = _columns(run, endpoints, count)
        try:
            columns = [[pool.submit(send_one, (0, spec)) for spec in column] for column in drawn]
            results = [future.result() for future in _round_robin(columns)]
        except BaseException:  # interrupted: no more drawing, nothing sent beyond what is in flight
            drawn.close()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    for index, result in enumerate(results):
        result.index = index
    return results


def within_budget(run: ProviderRun, examples: int | None) -> tuple[int, dict[str, int]]:
    """How many of `examples` (default: options.examples) to draw: no more than the requests the
    run may still send, so a huge --examples costs what --max-requests allows, not its own size.
    The rest are counted as not sent (the budget's reason), as the client would have refused them."""
    wanted = run.options.examples if examples is None else examples
    drawn = min(wanted, run.client.budget_left())
    if wanted == drawn:
        return drawn, {}
    return drawn, {run.client.count_unsent(wanted - drawn): wanted - drawn}


def run_fuzz(
    run: ProviderRun, endpoints: Iterable[str] | None = None, examples: int | None = None
) -> FuzzReport:
    """Draw `examples` (default: options.examples; at most the request budget left) requests from
    options.seed, send, judge, shrink."""
    started = time.monotonic()
    count, undrawn = within_budget(run, examples)
    results = draw_and_send(run, endpoints, count)
    shrink_failures(run, results)
    return FuzzReport(run.provider, results, time.monotonic() - started, undrawn)
