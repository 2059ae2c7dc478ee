"""Schemathesis' share of the budget: a tenth of --examples per operation, at most
SCHEMATHESIS_EXAMPLES_CAP and at most --examples requests in all, unless
--schemathesis-examples gives it its own; the child run is told what the user gave."""

from __future__ import annotations

import dataclasses
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from errcontract.cli.orchestrate import _child_command
from errcontract.contract.model import load_provider
from errcontract.run.option_table import SCHEMATHESIS_EXAMPLES_CAP
from errcontract.run.options import RunOptions
from errcontract.run.schemathesis_adapter import load_schema
from errcontract.run.session import ProviderRun
from tests.live_runs import errcontract_command


@pytest.mark.parametrize(
    ("examples", "given", "per_operation", "in_all"),
    [
        (1, None, 1, 1),
        (100, None, 10, 100),
        (3000, None, SCHEMATHESIS_EXAMPLES_CAP, 3000),
        (100, 50, 50, None),
    ],
)
def test_schemathesis_budget_follows_examples_within_the_cap_unless_given(
    examples: int, given: int | None, per_operation: int, in_all: int | None
) -> None:
    options = RunOptions(examples=examples, schemathesis_examples=given)
    run = ProviderRun(load_provider("vicsee"), options, "http://127.0.0.1:9", {}, embedded_mock=True)
    schema = load_schema(run)
    assert schema.config.generation.max_examples == per_operation
    assert options.schemathesis_requests() == in_all
    run.client.close()


def test_child_run_gets_schemathesis_examples_only_when_given(tmp_path: Path) -> None:
    def command(options: RunOptions) -> list[str]:
        return _child_command("vicsee", "http://127.0.0.1:9", options, True, [], tmp_path, tmp_path)

    default = RunOptions()
    assert "--schemathesis-examples" not in command(default)
    given = command(dataclasses.replace(default, schemathesis_examples=7))
    assert given[given.index("--schemathesis-examples") + 1] == "7"


def test_schemathesis_examples_0_leaves_schemathesis_out_of_the_run(tmp_path: Path) -> None:
    command = errcontract_command(
        "run",
        "--provider",
        "vicsee",
        "--examples",
        "5",
        "--schemathesis-examples",
        "0",
        "--report-dir",
        str(tmp_path),
    )
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    cases = ET.parse(tmp_path / "vicsee" / "junit.xml").getroot().iter("testcase")
    schemathesis = [c for c in cases if "schemathesis" in c.get("name", "")]
    assert schemathesis and all(c.find("skipped") is not None for c in schemathesis)
    assert "--schemathesis-examples 0" in ET.tostring(schemathesis[0], encoding="unicode")
