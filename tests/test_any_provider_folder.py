"""The project's tests take any provider folder: one without mock.yaml, added through a user's
contracts folder (ERRCONTRACT_CONTRACTS, provider folders only: no meta-schema beside them), leaves
every test module collectable, and the tests that read every provider pass with it. A test that
needs an embedded mock picks providers by that data property (`tests.helpers.mocked_providers`).
It also shows the folder in use: a user's provider beats a shipped one of the same name, with a
line saying so."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from errcontract.contract.locate import provider_folders, replaced_providers, shipped_contracts
from errcontract.contract.model import has_embedded_mock, load_provider, provider_names
from tests.faulty_servers import run_errcontract
from tests.helpers import edit, mocked_providers

ROOT = Path(__file__).resolve().parents[1]
# The modules that read every provider while they are collected, and those whose tests do.
READERS = [
    "tests/test_contract.py",
    "tests/test_mock_schema.py",
    "tests/test_cli_help.py",
    "tests/test_lint.py::test_shipped_contracts_have_no_problems",
    "suites/test_documentation.py",
]


@pytest.fixture
def user_folder(tmp_path: Path) -> Path:
    """A user's contracts folder holding one mock-less provider (OpenAI's contract renamed)."""
    folder = tmp_path / "mine"
    shutil.copytree(shipped_contracts() / "openai", folder / "newapi")
    (folder / "newapi" / "mock.yaml").unlink()
    edit(folder / "newapi" / "contract.yaml", "provider: openai", "provider: newapi")
    return folder


def pytest_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERRCONTRACT_")}
    env["ERRCONTRACT_CONTRACTS"] = str(folder)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_a_mockless_provider_is_added_to_the_shipped_ones(
    user_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERRCONTRACT_CONTRACTS", str(user_folder))
    assert {"newapi", "openai", "vicsee", "vydra"} <= set(provider_names())
    assert not has_embedded_mock("newapi") and "newapi" not in mocked_providers()
    assert load_provider("newapi").root == user_folder / "newapi"
    assert replaced_providers() == {}


def test_every_test_module_collects_with_a_mockless_provider(user_folder: Path) -> None:
    done = pytest_in(user_folder, "--collect-only", "tests", "suites")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "error" not in done.stdout.splitlines()[-1]
    assert "newapi/contract/files" in done.stdout  # the provider was really there


def test_the_tests_that_read_every_provider_pass_with_a_mockless_one(user_folder: Path) -> None:
    done = pytest_in(user_folder, "-p", "no:errcontract", *READERS)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_a_users_provider_replaces_the_shipped_one_of_its_name_with_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine"
    shutil.copytree(shipped_contracts() / "vicsee", mine / "vicsee")
    edit(mine / "vicsee" / "contract.yaml", "title: VicSee", "title: VicSee (my copy)")
    monkeypatch.setenv("ERRCONTRACT_CONTRACTS", str(mine))
    assert provider_folders()["vicsee"] == mine / "vicsee"
    assert load_provider("vicsee").title == "VicSee (my copy)"
    target = ["--provider", "vicsee", "--target", "http://127.0.0.1:9", "--api-key", "sk-x"]
    outcome = run_errcontract(["--contracts", str(mine), *target], tmp_path / "reports", timeout_s=120)
    line = f"errcontract: vicsee: using {mine / 'vicsee'}, which replaces the shipped vicsee"
    assert line in outcome.stdout
