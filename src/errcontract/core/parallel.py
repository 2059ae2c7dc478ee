"""Independent pieces of work side by side, their results in the order they were given.

A `Mapper` applies a function to each item and returns the results in item order: `serial`
one after another, `threaded(n)` up to n at once in threads (requests waiting on a target's
answers overlap; the client's slots bound how many are really in flight). The first exception
raised by an item is raised again, once every item started has finished (nothing is left
running behind the caller).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    def __call__(self, fn: Callable[[T], R], items: Sequence[T], /) -> list[R]: ...


def serial(fn: Callable[[T], R], items: Sequence[T], /) -> list[R]:
    return [fn(item) for item in items]


def threaded(workers: int) -> Mapper:
    """A Mapper running up to `workers` items at once (one item, or one worker: in this thread)."""

    def each(fn: Callable[[T], R], items: Sequence[T], /) -> list[R]:
        if workers <= 1 or len(items) <= 1:
            return serial(fn, items)
        size = min(workers, len(items))
        with ThreadPoolExecutor(max_workers=size, thread_name_prefix="errcontract") as pool:
            futures = [pool.submit(fn, item) for item in items]
            try:
                return [future.result() for future in futures]
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    return each
