"""Declared dependencies are exactly the third-party packages src/ imports (no silent optional
import, nothing declared and never used)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# distribution name -> the module it is imported as, where the two differ
MODULE_OF = {
    "pyyaml": "yaml",
    "pytest-html": "pytest_html",
    "python-multipart": "python_multipart",
    "jsonschema-rs": "jsonschema_rs",
}
PART_OF: dict[str, str] = {"_pytest": "pytest"}  # modules a declared distribution ships besides its own


def imported_third_party() -> set[str]:
    found = set()
    for path in (ROOT / "src" / "errcontract").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else (
                    [node.module]
                    if isinstance(node, ast.ImportFrom) and node.module and not node.level
                    else []
                )
            )
            found |= {n.split(".")[0] for n in names}
    found = {PART_OF.get(m, m) for m in found}
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("errcontract", "__future__")}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!\[ ;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    return {MODULE_OF.get(n, n.replace("-", "_")) for n in names}


def test_declared_dependencies_equal_the_imported_ones():
    assert declared() == imported_third_party()
