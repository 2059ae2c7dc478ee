"""Standard output for a command's result: a stdout that cannot take it is one line, not a traceback.

Shared by every command that prints its result (`lint`, `report`, `diff`), so that
`errcontract ... | head` or a full disk ends the same way for each.
"""

from __future__ import annotations

import contextlib
import os
import sys

from errcontract.core.errors import UsageError


def emit(text: str, what: str) -> None:
    """Write to stdout now; a stdout that cannot take it (a full disk, a closed pipe) is a usage
    error (one line, exit 2), not a traceback or a silently lost result."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError):  # the last flush at exit must not fail again
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        raise UsageError(f"cannot write {what} to standard output ({exc.strerror or exc})") from None
