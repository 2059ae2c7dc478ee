"""The GitHub Action (action.yml, composite) and the workflow that documents it, validated against
the GitHub Actions schemas that check-jsonschema vendors (SchemaStore's github-action.json and
github-workflow.json: no network), and the action's shell steps run here as a runner would run
them (inputs and step outputs substituted, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), against the
embedded mocks: a drifted provider fails the job with the failed code in the summary, a faithful
one passes. The steps that `uses:` other actions (setup-python, upload-artifact) and the install
step (errcontract is installed here already) are the runner's, not run here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
WORKFLOW = ROOT / "docs" / "examples" / "errcontract-action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    return subprocess.run(
        [tool, "--builtin-schema", schema, str(path)], capture_output=True, text=True, timeout=120
    )


def test_action_yml_is_valid_by_the_github_action_schema() -> None:
    result = check_jsonschema("vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_action_schema_refuses_a_broken_action(tmp_path: Path) -> None:
    """The validator has power: a composite step without `shell` is refused."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    for step in action["runs"]["steps"]:
        step.pop("shell", None)
    broken = tmp_path / "action.yml"
    broken.write_text(yaml.safe_dump(action), encoding="utf-8")
    result = check_jsonschema("vendor.github-actions", broken)
    assert result.returncode == 1, result.stdout


def test_the_documented_workflow_is_valid_and_uses_the_action() -> None:
    result = check_jsonschema("vendor.github-workflows", WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    uses = [s for job in workflow["jobs"].values() for s in job["steps"] if s.get("uses") == "./"]
    assert uses and any("ERRCONTRACT_API_KEY" in s.get("env", {}) for s in uses)
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert '--8<-- "docs/examples/errcontract-action.yml"' in docs


def test_every_input_is_documented_and_used() -> None:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    text = ACTION.read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for name in action["inputs"]:
        assert f"inputs.{name}" in text, f"input {name} is never used"
        assert f"| `{name}` |" in docs, f"input {name} is not in docs/ci.md"


# ---- the steps, run as a runner runs them -------------------------------------------------------


class Runner:
    """The action's `run:` steps in order, with `${{ inputs.* }}` and `${{ steps.*.outputs.* }}`
    substituted as GitHub does, in a workspace with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files."""

    def __init__(self, workspace: Path, inputs: dict[str, str], env: dict[str, str] | None = None) -> None:
        self.action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
        defaults = {name: str(spec.get("default", "")) for name, spec in self.action["inputs"].items()}
        self.inputs = defaults | inputs
        self.workspace, self.outputs = workspace, {}
        self.summary = workspace / "summary.md"
        self.env = (env or {}) | {"GITHUB_ACTION_PATH": str(ROOT), "GITHUB_STEP_SUMMARY": str(self.summary)}

    def _value(self, expression: str) -> str:
        if expression.startswith("inputs."):
            return self.inputs[expression.removeprefix("inputs.")]
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if match:
            return self.outputs.get(match.group(1), {}).get(match.group(2), "")
        raise AssertionError(f"an expression this runner does not know: {expression}")

    def substitute(self, value: str) -> str:
        return EXPRESSION.sub(lambda m: self._value(m.group(1)), value)

    def run(self) -> tuple[int, str]:
        """Every run step (the runner's own steps and the install left out); the job's exit code."""
        log = []
        for step in self.action["runs"]["steps"]:
            if "run" not in step or step.get("id") == "install":
                continue
            output = self.workspace / f"output-{step.get('id', 'step')}"
            output.write_text("", encoding="utf-8")
            env = os.environ | self.env | {k: self.substitute(str(v)) for k, v in step.get("env", {}).items()}
            env["GITHUB_OUTPUT"] = str(output)
            assert step["shell"] == "bash"
            result = subprocess.run(
                ["bash", "-e", "-c", self.substitute(step["run"])],
                cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            log.append(result.stdout + result.stderr)
            lines = output.read_text(encoding="utf-8").splitlines()
            self.outputs[step.get("id", "")] = dict(line.split("=", 1) for line in lines if "=" in line)
            if result.returncode != 0:
                return result.returncode, "".join(log)
        return 0, "".join(log)


FAST = "--examples 5 --schemathesis-examples 0"


def test_a_drifted_target_fails_the_job_with_the_failed_code_in_the_summary(tmp_path: Path) -> None:
    runner = Runner(tmp_path, {"provider": "vydra", "args": f"--drift credits-before-auth {FAST}"})
    status, log = runner.run()
    assert status == 1, log[-3000:]
    assert runner.outputs["run"]["exit-code"] == "1"
    summary = runner.summary.read_text(encoding="utf-8")
    assert "exited **1**: violations" in summary
    assert re.search(
        r"\| Vydra \| embedded mock \(drift credits-before-auth\) \| ❌ violations \|", summary
    ), summary
    assert "| `KEY_NOT_FOUND` | fail |" in summary, summary
    assert (tmp_path / "errcontract-reports" / "vydra" / "results.json").is_file()


def test_a_conformant_target_passes_the_job_with_its_verdict_in_the_summary(tmp_path: Path) -> None:
    runner = Runner(tmp_path, {"provider": "vicsee", "args": FAST, "report-dir": "out"})
    status, log = runner.run()
    assert status == 0, log[-3000:]
    summary = runner.summary.read_text(encoding="utf-8")
    assert "exited **0**: no violation" in summary
    assert "| VicSee | embedded mock | ✅ conformant |" in summary, summary
    assert (tmp_path / "out" / "index.html").is_file()


@pytest.fixture
def fake_errcontract(tmp_path: Path) -> dict[str, str]:
    """An `errcontract` on PATH that records its arguments, one a line, and exits with $FAKE_EXIT."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "errcontract"
    fake.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$FAKE_ARGS"\nexit "${FAKE_EXIT:-0}"\n', encoding="utf-8"
    )
    fake.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_ARGS": str(tmp_path / "args")}


def test_inputs_become_arguments_split_as_shell_words_and_never_evaluated(
    tmp_path: Path, fake_errcontract: dict[str, str]
) -> None:
    inputs = {
        "provider": "vicsee",
        "target": "https://a.example\nhttps://b.example/api/v1\n",
        "args": "--fixture 'model=a b' --strict $(touch pwned)",
        "artifact-name": "",
    }
    runner = Runner(tmp_path, inputs, fake_errcontract | {"FAKE_EXIT": "3"})
    status, _ = runner.run()
    args = (tmp_path / "args").read_text(encoding="utf-8").splitlines()
    assert args == [
        "run", "--report-dir", "errcontract-reports", "--provider", "vicsee",
        "--target", "https://a.example", "--target", "https://b.example/api/v1",
        "--fixture", "model=a b", "--strict", "$(touch", "pwned)",
    ]  # fmt: skip
    assert not (tmp_path / "pwned").exists()
    assert status == 3 and runner.outputs["run"]["exit-code"] == "3"
    assert "the target was unreachable" in runner.summary.read_text(encoding="utf-8")


OUTCOMES = [("0", "true", 0), ("1", "true", 1), ("1", "false", 0), ("2", "false", 2), ("130", "true", 130)]


@pytest.mark.parametrize(("exit_code", "fail_on_violations", "job"), OUTCOMES)
def test_the_job_fails_on_the_runs_exit_code(
    tmp_path: Path, fake_errcontract: dict[str, str], exit_code: str, fail_on_violations: str, job: int
) -> None:
    runner = Runner(
        tmp_path, {"fail-on-violations": fail_on_violations}, fake_errcontract | {"FAKE_EXIT": exit_code}
    )
    status, _ = runner.run()
    assert status == job
