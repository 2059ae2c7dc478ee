"""The action's job summary: one Markdown table over the report set's results.json files, then each
failed code with its reason, printed on stdout (the action appends it to $GITHUB_STEP_SUMMARY).

Standard library only: it runs in the action's Python whatever errcontract version is installed.
Reads ERRCONTRACT_ACTION_REPORT_DIR (the report set) and ERRCONTRACT_ACTION_EXIT_CODE (the run's).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

MEANING = {
    "0": "no violation",
    "1": "violations",
    "2": "usage or configuration error: nothing was judged (see the run step's last line)",
    "3": "the target was unreachable",
}
MAX_FAILED = 30  # failed codes listed in the summary (all of them are in the report)


def cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def results(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("*/results.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")) | {"_folder": path.parent.name})
        except (OSError, ValueError) as exc:
            print(f"errcontract summary: {path} could not be read ({exc})", file=sys.stderr)
    return found


def conformance(summary: dict[str, Any]) -> str:
    pct = summary.get("conformance_pct")
    shown = "—" if pct is None else f"{pct:g}%"
    return f"{shown} · {summary.get('checked', 0)}/{summary.get('codes', 0)} codes checked"


def table(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| provider | target | verdict | conformance | pass | fail | not observed "
        "| violations | warnings | report |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        s = run.get("summary", {})
        target = run.get("target", "")
        if run.get("embedded_mock"):
            target = "embedded mock" + (f" (drift {run['drift']})" if run.get("drift") else "")
        verdict = str(run.get("verdict", "?"))
        mark = "✅" if verdict == "conformant" else "❌"
        lines.append(
            f"| {cell(run.get('title') or run.get('provider'))} | {cell(target)} | {mark} {verdict} "
            f"| {conformance(s)} | {s.get('passed', 0)} | {s.get('failed', 0)} | {s.get('not_observed', 0)} "
            f"| {s.get('violations', 0)} | {s.get('warnings', 0)} | `{cell(run['_folder'])}/index.html` |"
        )
    return lines


def failures(runs: list[dict[str, Any]]) -> list[str]:
    failed = [
        (run.get("title") or run.get("provider"), code)
        for run in runs
        for code in run.get("codes", [])
        if code.get("verdict") in ("fail", "error")
    ]
    if not failed:
        return []
    lines = ["", "| provider | code | verdict | why |", "|---|---|---|---|"]
    for title, code in failed[:MAX_FAILED]:
        lines.append(
            f"| {cell(title)} | `{cell(code.get('code'))}` | {code.get('verdict')} "
            f"| {cell(code.get('reason', ''))} |"
        )
    if len(failed) > MAX_FAILED:
        lines.append(f"\n… {len(failed) - MAX_FAILED} more in the report artifact")
    return lines


def main() -> int:
    folder = Path(os.environ.get("ERRCONTRACT_ACTION_REPORT_DIR") or "errcontract-reports")
    status = os.environ.get("ERRCONTRACT_ACTION_EXIT_CODE", "")
    lines = ["## errcontract", ""]
    meaning = MEANING.get(status, f"interrupted (exit {status})" if status else "the run did not finish")
    lines.append(f"`errcontract run` exited **{status or '?'}**: {meaning}.")
    runs = results(folder)
    if runs:
        lines += ["", *table(runs), *failures(runs)]
    else:
        lines += ["", f"No results in `{folder}`."]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
