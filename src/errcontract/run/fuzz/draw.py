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
import signal
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from errcontract.core.children import stop_when_orphaned
from errcontract.core.exchange import RequestSpec
from errcontract.core.interrupt import STOP_SIGNALS

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


# Requests per Hypothesis example: the engine's per-example overhead shared by eight (drawing
# ~20% cheaper than four, as many distinct requests; sixteen repeats more).
PER_EXAMPLE = 8


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


def _fork_context() -> ForkContext | None:
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
    yield from _drawn_in_worker(context, planned, seed_value)


def _draw_worker(sender: Connection, planned: list[tuple[Pair, int]], seed_value: int, parent: int) -> None:
    """The forked worker: each column's draws in plan order, then it ends (it ends itself too if
    the parent dies). A failure is sent as its traceback, to be raised in the parent."""
    for signum in STOP_SIGNALS:  # not the parent's handlers (which may only record a signal): end
        signal.signal(signum, signal.SIG_DFL)
    stop_when_orphaned(parent)
    try:
        for pair, share in planned:
            sender.send((True, draw_requests(_STRATEGIES[pair], share, seed_value)))
    except Exception:
        sender.send((False, traceback.format_exc()))
    finally:
        sender.close()


def _drawn_in_worker(
    context: ForkContext, planned: list[tuple[Pair, int]], seed_value: int
) -> Iterator[list[RequestSpec]]:
    """The columns as one forked worker draws them; closed early (an interrupted run), the worker
    is killed at once (its current column is not waited for)."""
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_draw_worker, args=(sender, planned, seed_value, os.getpid()), daemon=True
    )
    try:  # from the start: an interruption while it starts must not leave it drawing
        worker.start()
        sender.close()
        for _ in planned:
            ok, payload = receiver.recv()
            if not ok:
                raise RuntimeError(f"drawing generated requests failed in the worker:\n{payload}")
            yield payload
    except BaseException:
        if worker.pid is not None:  # started
            worker.kill()
        raise
    finally:
        if worker.pid is not None:
            worker.join()
        sender.close()
        receiver.close()
