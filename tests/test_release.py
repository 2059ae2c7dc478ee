"""A release from the package alone: `python -m build` makes a wheel and an sdist (once per session)
that `twine check --strict` passes; the wheel carries every shipped contract and suite; installed
in a fresh virtual environment it prints the one version and runs the default job in an empty
folder. The version lives in one place (src/errcontract/__init__.py), and CHANGELOG.md follows
Keep a Changelog."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from errcontract import __version__

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p.parent.name for p in (ROOT / "contracts").glob("*/contract.yaml"))
WITH_MOCK = [name for name in SHIPPED if (ROOT / "contracts" / name / "mock.yaml").is_file()]


def run(
    *command: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, env=env)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = run(sys.executable, "-m", "build", "--outdir", str(out), str(ROOT))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def _one(dist: Path, pattern: str) -> Path:
    (found,) = dist.glob(pattern)
    return found


def test_build_makes_a_wheel_and_an_sdist_of_the_one_version(dist: Path) -> None:
    assert _one(dist, "*.whl").name == f"errcontract-{__version__}-py3-none-any.whl"
    assert _one(dist, "*.tar.gz").name == f"errcontract-{__version__}.tar.gz"


def test_twine_check_passes_on_the_wheel_and_the_sdist(dist: Path) -> None:
    result = run(sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir())))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_bundles_every_contract_and_suite_and_the_sdist_all_sources(dist: Path) -> None:
    names = set(zipfile.ZipFile(_one(dist, "*.whl")).namelist())
    for path in sorted((ROOT / "contracts").rglob("*")) + sorted((ROOT / "suites").glob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"errcontract/_bundled/{path.relative_to(ROOT)}" in names, path
    assert "errcontract/judge/results.schema.json" in names
    with tarfile.open(_one(dist, "*.tar.gz")) as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if "/" in m.name}
    for needed in (
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "contracts/vicsee/contract.yaml",
        "suites/pytest.ini",
    ):
        assert needed in members, needed
    assert not any(m.startswith((".venv/", "reports/vicsee", "site/")) for m in members)


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding the wheel and the dependencies it declares, nothing else."""
    venv = tmp_path_factory.mktemp("wheel-venv")
    result = run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    assert result.returncode == 0, result.stderr
    python = venv / "bin" / "python"
    wheel = str(_one(dist, "*.whl"))
    result = run(sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile", wheel)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return venv


def _clean_env(venv: Path) -> dict[str, str]:
    """No trace of the checkout: no ERRCONTRACT_* setting, no PYTHONPATH, the venv's bin first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ERRCONTRACT_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin"
    return env


def test_the_installed_wheel_prints_the_version_of_the_one_place(installed: Path, tmp_path: Path) -> None:
    result = run(str(installed / "bin" / "errcontract"), "--version", cwd=tmp_path, env=_clean_env(installed))
    assert result.stdout.strip() == f"errcontract {__version__}", result.stdout + result.stderr


def test_the_installed_wheel_runs_the_default_job_in_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    result = run(str(installed / "bin" / "errcontract"), "run", cwd=tmp_path, env=_clean_env(installed))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-3000:]
    assert (tmp_path / "reports" / "index.html").is_file()
    for name in WITH_MOCK:
        assert (tmp_path / "reports" / name / "results.json").is_file(), name
        assert re.search(rf"^{name}\s+CONFORMANT", result.stdout, re.MULTILINE), result.stdout[-3000:]
    located = run(
        str(installed / "bin" / "python"),
        "-c",
        "import errcontract as e, errcontract.contract.locate as c; print(e.__file__, c.contracts_root())",
        cwd=tmp_path,
        env=_clean_env(installed),
    )
    module, contracts = located.stdout.split()
    assert str(installed) in module and str(installed) in contracts  # the wheel's own, not the checkout's


def test_the_version_is_written_once() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and not re.search(r"^version\s*=", pyproject, re.MULTILINE)
    assert re.search(
        r'^\[tool\.hatch\.version\]\npath = "src/errcontract/__init__.py"', pyproject, re.MULTILINE
    )


def test_the_changelog_follows_keep_a_changelog() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n") and "Keep a Changelog" in changelog
    versions = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", changelog, re.MULTILINE)
    assert versions and versions[0] == ("Unreleased", "")
    assert all(date for name, date in versions[1:]), versions
    for section in re.findall(r"^### (.+)$", changelog, re.MULTILINE):
        assert section in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, section
    for name, _ in versions:
        assert re.search(rf"^\[{re.escape(name)}\]: ", changelog, re.MULTILINE), f"no link for {name}"
    released = [name for name, _ in versions[1:]]
    assert released[:1] == [__version__], "the newest release in the changelog is the package's version"


def test_contributing_has_a_release_checklist() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    checklist = contributing.split("## Release checklist", 1)[1]
    for step in ("__version__", "CHANGELOG.md", "python -m build", "twine check", "tag"):
        assert step in checklist, step
