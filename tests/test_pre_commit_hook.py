"""The pre-commit hook (.pre-commit-hooks.yaml): valid by pre-commit's own `validate-manifest`, and
run by pre-commit itself in a temporary git repository that keeps contracts, its
.pre-commit-config.yaml naming this checkout as the hook's repository at its HEAD commit (as a user
names errcontract's repository and a tag; offline but for PyPI): a staged broken contract fails the
commit with the lint's line, a sound one passes, and a commit touching no contract file skips the
hook. pre-commit's environments live in a folder of this module's own, so the hook's environment is
built once. The hook is taken from the committed HEAD: commit a change to it before running this."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
HOOK = "errcontract-lint"


def pre_commit(*args: str, cwd: Path, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ERRCONTRACT_", "PRE_COMMIT"))}
    if home is not None:
        env["PRE_COMMIT_HOME"] = str(home)
    env["PIP_NO_COMPILE"] = "1"  # the hook's environment is used once: no bytecode compiled ahead
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_manifest_is_valid_by_pre_commit() -> None:
    result = pre_commit("validate-manifest", str(MANIFEST), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_refuses_a_manifest_without_an_entry(tmp_path: Path) -> None:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    del hooks[0]["entry"]
    broken = tmp_path / ".pre-commit-hooks.yaml"
    broken.write_text(yaml.safe_dump(hooks), encoding="utf-8")
    result = pre_commit("validate-manifest", str(broken), cwd=tmp_path)
    assert result.returncode != 0 and "entry" in result.stdout + result.stderr


def test_the_hook_runs_errcontract_lint_on_the_contracts_folder() -> None:
    (hook,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert hook["id"] == HOOK and hook["entry"] == "errcontract lint" and hook["language"] == "python"
    assert hook["args"] == ["contracts"] and hook["pass_filenames"] is False


def git(*args: str, cwd: Path) -> None:
    identity = ["-c", "user.name=errcontract tests", "-c", "user.email=tests@errcontract.invalid"]
    subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def head() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0:
        pytest.skip(f"{ROOT} is not a git checkout: the hook is installed from a repository's commit")
    return result.stdout.strip()


@pytest.fixture
def repository(tmp_path: Path, head: str) -> Path:
    """A git repository keeping one provider's contract and a pre-commit config using the hook."""
    repo = tmp_path / "contracts-repo"
    shutil.copytree(ROOT / "contracts" / "vicsee", repo / "contracts" / "vicsee")
    config = {"repos": [{"repo": str(ROOT), "rev": head, "hooks": [{"id": HOOK}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "contracts", cwd=repo)
    return repo


def try_hook(repository: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """What a commit runs: the hooks of the config, on the staged files."""
    return pre_commit("run", cwd=repository, home=home)


def test_a_staged_broken_contract_fails_with_the_lints_line(repository: Path, home: Path) -> None:
    contract = repository / "contracts" / "vicsee" / "contract.yaml"
    text = contract.read_text(encoding="utf-8")
    broken = text.replace('"402": {description: "Payment Required - Insufficient credits", ', '"402": {')
    assert broken != text
    contract.write_text(broken, encoding="utf-8")
    git("add", "-A", cwd=repository)
    result = try_hook(repository, home)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "errcontract lint" in result.stdout and "Failed" in result.stdout
    assert (
        "contracts/vicsee/contract.yaml: statuses/402: 'description' is a required property" in result.stdout
    )


def test_a_sound_contract_passes_and_other_files_skip_the_hook(repository: Path, home: Path) -> None:
    contract = repository / "contracts" / "vicsee" / "contract.yaml"
    contract.write_text(contract.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    git("add", "-A", cwd=repository)
    result = try_hook(repository, home)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Passed" in result.stdout
    git("commit", "-q", "-m", "reviewed", cwd=repository)
    (repository / "notes.txt").write_text("not a contract\n", encoding="utf-8")
    git("add", "-A", cwd=repository)
    result = try_hook(repository, home)
    assert result.returncode == 0 and "Skipped" in result.stdout, result.stdout[-2000:]
