"""results.json has a JSON Schema (draft 2020-12), shipped inside the package beside judge/results.py."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import errcontract
from errcontract.core.errors import UsageError
from errcontract.judge.model import SCHEMA_VERSION, RunResult
from errcontract.judge.results_schema import RESULTS_SCHEMA, first_problem, results_schema
from errcontract.report.results import load_results

DATA = Path(__file__).parent / "data"


def test_the_schema_is_draft_2020_12_with_an_id_and_ships_inside_the_package() -> None:
    schema = results_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/results.schema.json")
    assert RESULTS_SCHEMA.parent == Path(errcontract.__file__).parent / "judge"


@pytest.mark.parametrize("name", ["results-vicsee.json", "results-vydra.json"])
def test_the_sample_results_validate(name: str) -> None:
    assert first_problem(json.loads((DATA / name).read_text(encoding="utf-8"))) is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("summary"), "'summary' missing"),
        (lambda d: d.update(verdict="fine"), "verdict: 'fine' is not one of"),
        (
            lambda d: d.update(extra=1),
            "(root): Additional properties are not allowed ('extra' was unexpected)",
        ),
        (lambda d: d["codes"][0].pop("code"), "codes/0: 'code' missing"),
    ],
    ids=["missing-key", "unknown-verdict", "unknown-key", "code-without-name"],
)
def test_the_first_problem_names_the_key(tmp_path: Path, change: object, problem: str) -> None:
    data = json.loads((DATA / "results-vydra.json").read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path = tmp_path / "results-broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(errcontract.core.errors.UsageError) as raised:
        load_results(path)
    assert str(raised.value).startswith(f"{path}: not an errcontract results file: {problem}")


@pytest.mark.parametrize("name", ["results-vicsee.json", "results-vydra.json"])
def test_an_older_version_is_upgraded_in_one_place_and_writes_back_at_the_current_one(name: str) -> None:
    old = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert old["schema_version"] == 1 and "code_errors" not in old["summary"]
    written = RunResult.from_json(old).to_json()
    assert written["schema_version"] == SCHEMA_VERSION == 2
    assert first_problem(written) is None
    assert written["summary"]["code_errors"] == max(
        0,
        old["summary"]["codes"]
        - old["summary"]["passed"]
        - old["summary"]["failed"]
        - old["summary"]["not_observed"],
    )
    assert [c["code"] for c in written["codes"]] == [c["code"] for c in old["codes"]]


def test_a_current_file_reads_back_to_the_very_same_object() -> None:
    current = RunResult.from_json(
        json.loads((DATA / "results-vydra.json").read_text(encoding="utf-8"))
    ).to_json()
    assert RunResult.from_json(json.loads(json.dumps(current))).to_json() == current


def test_a_version_this_program_does_not_know_is_refused_in_one_line() -> None:
    data = json.loads((DATA / "results-vydra.json").read_text(encoding="utf-8")) | {"schema_version": 3}
    with pytest.raises(UsageError, match="schema_version 3 is not supported"):
        RunResult.from_json(data)
