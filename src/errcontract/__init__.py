"""errcontract: error-contract conformance suite for HTTP APIs.

The public surface is what `__all__` lists: the result model (`RunResult` and its parts, read
from a results.json with `load_results`), the httpx transports that judge the traffic of the
code under test (`TrafficJudge`, its `JudgingTransport` and `AsyncJudgingTransport`) and the
version. The pytest plugin is `errcontract.run.plugin` (registered through the `pytest11` entry
point). Everything else is the program's own and may change. The names are imported on first
use, so `import errcontract` (and the command line's start-up) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from errcontract.judge.model import CodeEntry, Evidence, Finding, RefundEntry, RunResult
    from errcontract.observe.transport import AsyncJudgingTransport, JudgingTransport, TrafficJudge
    from errcontract.report.results import load_results

_LAZY = {
    "AsyncJudgingTransport": "errcontract.observe.transport",
    "JudgingTransport": "errcontract.observe.transport",
    "TrafficJudge": "errcontract.observe.transport",
    "CodeEntry": "errcontract.judge.model",
    "Evidence": "errcontract.judge.model",
    "Finding": "errcontract.judge.model",
    "RefundEntry": "errcontract.judge.model",
    "RunResult": "errcontract.judge.model",
    "load_results": "errcontract.report.results",
}

__all__ = [
    "AsyncJudgingTransport",
    "CodeEntry",
    "Evidence",
    "Finding",
    "JudgingTransport",
    "RefundEntry",
    "RunResult",
    "TrafficJudge",
    "__version__",
    "load_results",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'errcontract' has no attribute {name!r}")
