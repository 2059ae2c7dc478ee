"""What users import is exported on purpose: `errcontract.__all__` and a py.typed marker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import errcontract

DATA = Path(__file__).parent / "data"


def test_every_public_name_resolves_and_the_package_says_it_is_typed() -> None:
    for name in errcontract.__all__:
        assert getattr(errcontract, name) is not None, name
    assert (Path(errcontract.__file__).parent / "py.typed").is_file()


def test_a_results_file_reads_into_the_result_model_from_the_top_level() -> None:
    results = errcontract.load_results(DATA / "results-vydra.json")
    assert isinstance(results, errcontract.RunResult)
    assert all(isinstance(c, errcontract.CodeEntry) for c in results.codes)
    assert results.to_json()["provider"] == json.loads((DATA / "results-vydra.json").read_text())["provider"]


def test_importing_the_package_imports_none_of_its_layers() -> None:
    code = "import sys, errcontract; print(sorted(m for m in sys.modules if m.startswith('errcontract.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
