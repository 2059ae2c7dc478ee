"""Drawing generated requests beside the sending: in a forked process for large budgets.

Hypothesis drawing is most of a fuzzing phase's CPU time and holds the GIL, so sending and
judging in threads cannot overlap with it. For budgets of `BACKGROUND_FROM` requests or more,
each (endpoint, family) column is drawn in one forked worker process while the main process
sends the columns already drawn. The draws are the same either way (same strategy, same seed).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from hypothesis import strategies as st

from errcontract.children import stop_when_orphaned
from errcontract.exchange import RequestSpec

BACKGROUND_FROM = 300
Pair = tuple[str, str]

# The strategies of the current draw, inherited by the forked worker (strategies do not pickle).
_STRATEGIES: dict[Pair, st.SearchStrategy[RequestSpec]] = {}


def _draw_column(pair: Pair, share: int, seed_value: int) -> list[RequestSpec]:
    from errcontract.fuzz import draw_requests

    return draw_requests(_STRATEGIES[pair], share, seed_value)


def _fork_context() -> multiprocessing.context.BaseContext | None:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: draw in this process
        return None


def drawn_columns(by_pair: dict[Pair, st.SearchStrategy[RequestSpec]], plan: list[tuple[Pair, int]],
                  seed_value: int) -> Iterator[list[RequestSpec]]:
    """Each planned column's draws, in plan order; in a forked worker when the budget is large."""
    planned = [(pair, share) for pair, share in plan if share]
    context = _fork_context() if sum(s for _, s in planned) >= BACKGROUND_FROM else None
    if context is None:
        from errcontract.fuzz import draw_requests

        for pair, share in planned:
            yield draw_requests(by_pair[pair], share, seed_value)
        return
    _STRATEGIES.clear()
    _STRATEGIES.update(by_pair)
    # The worker ends itself if this process dies, and is stopped if the draw is abandoned.
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=stop_when_orphaned,
                             initargs=(os.getpid(),)) as workers:
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
