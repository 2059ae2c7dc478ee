"""Reading a results.json file (format: one object per provider run, `schema_version` 1).

A report or a diff must never start from half a file: anything that is not a results object is
refused here with one line naming the file, so the command line can exit 2 without a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from errcontract.core.errors import UsageError

SUPPORTED_SCHEMA_VERSIONS = (1,)
REQUIRED_KEYS = {"schema_version": int, "provider": str, "summary": dict, "codes": list}
VERDICTS = ("pass", "fail", "not-observed", "error")


def load_results(path: Path) -> dict[str, Any]:
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
    problem = results_problem(data)
    if problem:
        raise UsageError(f"{path}: not an errcontract results file ({problem})")
    return cast(dict[str, Any], data)


def results_problem(data: Any) -> str | None:
    """What makes `data` unusable as a results object, or None when it is one."""
    if not isinstance(data, dict):
        return "top level is not an object"
    for key, kind in REQUIRED_KEYS.items():
        if not isinstance(data.get(key), kind):
            return f"'{key}' missing or not a {kind.__name__}"
    if data["schema_version"] not in SUPPORTED_SCHEMA_VERSIONS:
        return f"schema_version {data['schema_version']} is not supported"
    for index, entry in enumerate(data["codes"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            return f"codes[{index}] has no 'code'"
        if entry.get("verdict") not in VERDICTS:
            return f"codes[{index}] has verdict {entry.get('verdict')!r}"
    return None


def codes_by_name(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The code entries keyed by code name."""
    return {entry["code"]: entry for entry in results.get("codes", [])}
