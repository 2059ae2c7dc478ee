"""What makes a run's fixed cost small, checked for behaviour (never for time): contracts loaded
once per process but reloaded when a file changes, the profile's phases, the CLI's lazy import."""

from __future__ import annotations

import shutil
from pathlib import Path

from errcontract.cli.main import SUBCOMMAND_MODULES, modules_for
from errcontract.cli.profile import COLLECTION, Profile
from errcontract.contract.locate import shipped_contracts
from errcontract.contract.model import load_provider


def test_a_contract_is_loaded_once_and_again_when_one_of_its_files_changes(tmp_path: Path) -> None:
    root = tmp_path / "contracts"
    shutil.copytree(shipped_contracts(), root)
    first = load_provider("vicsee", root)
    assert load_provider("vicsee", root) is first
    contract_file = root / "vicsee" / "contract.yaml"
    text = contract_file.read_text(encoding="utf-8")
    contract_file.write_text(text + "\n# edited\n", encoding="utf-8")
    assert load_provider("vicsee", root) is not first


def test_the_profile_names_each_child_phase_from_its_progress_marks() -> None:
    profile = Profile(enabled=True)
    marks = [("starting", 1.0), ("provoking each code", 1.5), ("writing reports", 2.0), ("ended", 2.25)]
    profile.add_child_phases("vicsee", 0.25, marks, 2.5)
    rows = {phase: seconds for who, phase, seconds in profile.rows if who == "vicsee"}
    assert rows == {
        "child start (interpreter, pytest, plugins)": 0.75,
        COLLECTION: 0.5,
        "child: provoking each code": 0.5,
        "child: writing reports": 0.25,
        "child exit (interpreter teardown)": 0.25,
    }
    assert profile.lines()[-1].startswith("profile  total wall time")


def test_a_disabled_profile_records_nothing() -> None:
    profile = Profile(enabled=False)
    with profile.phase("run", "anything"):
        pass
    assert profile.rows == []


def test_the_command_line_imports_only_the_sub_command_it_names() -> None:
    assert modules_for(["run", "--provider", "vicsee"]) == ("errcontract.cli.run_command",)
    assert modules_for(["diff", "a.json", "b.json"]) == ("errcontract.report.cli",)
    assert modules_for(["--help"]) == SUBCOMMAND_MODULES
    assert modules_for([]) == SUBCOMMAND_MODULES
