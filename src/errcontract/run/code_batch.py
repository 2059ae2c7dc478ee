"""The per-code tests' requests, sent side by side: when the first per-code test of a provider
asks for its verdict, every per-code test the session collected for that provider is provoked at
once, up to --concurrency requests in flight (the client's slots bound them), and each test then
reads its own verdict. A code's own requests stay in order (a recipe's fallbacks are tried one
after another, each answer deciding whether the next is sent); the rate-limited key's requests go
one at a time (its lane in the client), so the codes whose requests queue longest start first
(the rate-limited key's, then those attached to the most endpoints). What each code's requests
find is recorded for that code's test, as if it had sent them itself. An interruption while a
test waits drops the codes not begun (those in flight come back first).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from errcontract.judge.verdict import CodeResult
from errcontract.requests.recipes import variant_endpoints
from errcontract.run.session import ProviderRun

Provoke = Callable[[ProviderRun, str], CodeResult]


class CodeBatch:
    """The planned per-code tests of one run, provoked side by side on first use."""

    def __init__(self, run: ProviderRun, provoke: Provoke) -> None:
        self._run = run
        self._provoke = provoke
        self._futures: dict[str, Future[CodeResult]] = {}
        self._lock = threading.Lock()

    def result(self, code: str) -> CodeResult | None:
        """The code's verdict (its requests sent with the others'); None when the session did not
        plan its test (the caller provokes it alone)."""
        with self._lock:
            if not self._futures and self._run.planned_codes:
                self._start()
            future = self._futures.get(code)
        if future is None:
            return None
        try:
            return future.result()
        except (KeyboardInterrupt, SystemExit):  # interrupted: the codes not begun are not sent
            for waiting in self._futures.values():
                waiting.cancel()
            raise

    def _start(self) -> None:
        planned = dict(sorted(self._run.planned_codes.items(), key=lambda item: self._queue_first(item[0])))
        pool = ThreadPoolExecutor(
            max_workers=max(1, self._run.options.concurrency), thread_name_prefix="errcontract-codes"
        )
        for code, test in planned.items():
            self._futures[code] = pool.submit(self._provoke_for, code, test)
        pool.shutdown(wait=False)  # the threads end with the last code

    def _queue_first(self, name: str) -> tuple[bool, int]:
        """The rate-limited key's code (one request at a time), then the most endpoints first."""
        contract = self._run.contract
        code = contract.codes.get(name)
        if code is None:
            return (True, 0)
        return (429 not in code.statuses, -len(variant_endpoints(contract, code)))

    def _provoke_for(self, code: str, test: str) -> CodeResult:
        self._run.recorder.current_test.name = test  # its findings name its test
        try:
            return self._provoke(self._run, code)
        finally:
            self._run.recorder.current_test.name = None


_BATCHES: weakref.WeakKeyDictionary[ProviderRun, CodeBatch] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def batch_of(run: ProviderRun, provoke: Provoke) -> CodeBatch:
    """The run's batch (one per run)."""
    with _LOCK:
        if run not in _BATCHES:
            _BATCHES[run] = CodeBatch(run, provoke)
        return _BATCHES[run]
