"""Reading a results.json file (format: one object per provider run, see `judge/model.py`).

A report or a diff must never start from half a file: anything `judge/results.schema.json` rejects
is refused here with one line naming the file and the first problem, so the command line can exit 2
without a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from errcontract.core.errors import UsageError
from errcontract.judge.model import RunResult
from errcontract.judge.results_schema import first_problem


def load_results(path: Path) -> RunResult:
    """The results object in `path`, or a UsageError saying why it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such results file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read results file ({exc.__class__.__name__})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        return RunResult.from_json(data)
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None


def results_problem(data: Any) -> str | None:
    """What makes `data` unusable as a results object (judged by results.schema.json), or None."""
    return first_problem(data)
