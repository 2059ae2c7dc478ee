"""The suites' glue (see ARCHITECTURE.md)."""

from typing import TypedDict

# The pipe a pytest child writes its progress to (see run.progress; read by cli.live_line): named
# here so the runner need not import pytest to know it.
PROGRESS_FD_VARIABLE = "ERRCONTRACT_PROGRESS_FD"
PROGRESS_ENDED = "ended"  # the last phase it tells: every file the session writes is written


class ProgressState(TypedDict, total=False):
    """One progress line: the phase, requests sent, codes checked of all, findings so far."""

    phase: str
    requests: int
    judged: int
    codes: int
    violations: int
    warnings: int
