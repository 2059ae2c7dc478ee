"""Drawing generated requests beside the sending: in a forked process for large budgets.

Hypothesis drawing is most of a fuzzing phase's CPU time and holds the GIL, so sending and
judging in threads cannot overlap with it. For budgets of `BACKGROUND_FROM` requests or more,
each (endpoint, family) column is drawn in one forked worker process while the main process
sends the columns already drawn. The draws are the same either way (same strategy, same seed).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from errcontract.core.children import stop_when_orphaned
from errcontract.core.exchange import RequestSpec

BACKGROUND_FROM = 300
Pair = tuple[str, str]

# The strategies of the current draw, inherited by the forked worker (strategies do not pickle).
_STRATEGIES: dict[Pair, st.SearchStrategy[RequestSpec]] = {}


def draw_settings(count: int) -> settings:
    return settings(
        database=None,
        max_examples=max(1, count),
        deadline=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


PER_EXAMPLE = 4  # requests per Hypothesis example: the engine's per-example overhead shared by four


def draw_requests(strategy: st.SearchStrategy[RequestSpec], count: int, seed_value: int) -> list[RequestSpec]:
    """`count` requests drawn from the strategy (PER_EXAMPLE at a time), the same ones for the
    same seed."""
    drawn: list[RequestSpec] = []
    if count <= 0:
        return drawn
    batches = st.lists(strategy, min_size=PER_EXAMPLE, max_size=PER_EXAMPLE)

    @seed(seed_value)
    @draw_settings(-(-count // PER_EXAMPLE))
    @given(batches)
    def collect(batch: list[RequestSpec]) -> None:
        drawn.extend(batch[: count - len(drawn)])

    with contextlib.suppress(Unsatisfiable, NoSuchExample):
        collect()  # a strategy with nothing to draw (no usable endpoint) draws nothing
    return drawn


def _draw_column(pair: Pair, share: int, seed_value: int) -> list[RequestSpec]:
    return draw_requests(_STRATEGIES[pair], share, seed_value)


def _fork_context() -> multiprocessing.context.BaseContext | None:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: draw in this process
        return None


def drawn_columns(
    by_pair: dict[Pair, st.SearchStrategy[RequestSpec]], plan: list[tuple[Pair, int]], seed_value: int
) -> Iterator[list[RequestSpec]]:
    """Each planned column's draws, in plan order; in a forked worker when the budget is large."""
    planned = [(pair, share) for pair, share in plan if share]
    context = _fork_context() if sum(s for _, s in planned) >= BACKGROUND_FROM else None
    if context is None:
        for pair, share in planned:
            yield draw_requests(by_pair[pair], share, seed_value)
        return
    _STRATEGIES.clear()
    _STRATEGIES.update(by_pair)
    # The worker ends itself if this process dies, and is stopped if the draw is abandoned.
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=stop_when_orphaned, initargs=(os.getpid(),)
    ) as workers:
        try:  # from the first submit: an interruption while queueing must not wait for the queue
            futures = [workers.submit(_draw_column, pair, share, seed_value) for pair, share in planned]
            for future in futures:
                yield future.result()
        except BaseException:  # closed early (an interrupted run): drop the queued draws
            _stop_workers(workers)
            raise


def _stop_workers(workers: ProcessPoolExecutor) -> None:
    """Kill the worker (its current column is not waited for) and cancel what is queued."""
    kill = getattr(workers, "kill_workers", None)  # Python 3.14+
    if kill is not None:
        kill()
    else:  # before shutdown(), which forgets the processes
        for process in list((getattr(workers, "_processes", None) or {}).values()):
            process.kill()
    workers.shutdown(wait=False, cancel_futures=True)
