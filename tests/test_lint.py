"""`errcontract lint`: every kind of inconsistency is named by file and key path, with exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from errcontract.cli.main import main
from errcontract.contract.lint import ProviderLint, lint_path
from errcontract.contract.lint import rules as lint_rules
from errcontract.contract.locate import shipped_contracts
from errcontract.contract.model import Contract, load_provider, provider_names
from tests.helpers import edit

pytest_plugins = ["pytester"]


@pytest.fixture(scope="module")
def shipped() -> dict[str, ProviderLint]:
    """The shipped contracts linted once for the tests that only read the result."""
    return lint_path()


def lint_one(root: Path, provider: str) -> ProviderLint:
    """Lint only the provider a test broke (the other one is untouched and would only cost time)."""
    return lint_path(root / provider)[provider]


def problem_lines(root: Path, provider: str) -> list[str]:
    return [str(p) for p in lint_one(root, provider).problems]


def test_shipped_contracts_have_no_problems(shipped: dict[str, ProviderLint]) -> None:
    assert set(shipped) == set(provider_names())
    assert {name: [str(p) for p in r.problems] for name, r in shipped.items()} == {n: [] for n in shipped}


def test_lint_process_exits_1_on_problems_and_2_on_a_usage_error(root: Path) -> None:
    """Real `python -m errcontract lint` processes, not main() in-process: the status shells see.

    (Exit 0 on clean contracts goes through the same return path; it is checked in-process.)
    """
    edit(root / "vydra" / "contract.yaml", "    path: /organization\n", "    pth: /organization\n")
    targets = {"problems": root / "vydra", "usage": root / "nowhere"}
    command = [sys.executable, "-m", "errcontract", "lint"]
    running = {  # started together, so the interpreters start up in parallel
        name: subprocess.Popen([*command, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for name, path in targets.items()
    }
    try:
        exit_codes = {name: process.wait(timeout=60) for name, process in running.items()}
    finally:
        for process in running.values():
            process.kill()  # a no-op for the ones that exited
    assert exit_codes == {"problems": 1, "usage": 2}


def test_json_format_lists_every_providers_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--format", "json"]) == 0  # every provider in use
    providers = json.loads(capsys.readouterr().out)["providers"]
    assert {name: len(p["codes"]) for name, p in providers.items()} == {
        name: len(load_provider(name).codes) for name in provider_names()
    }
    counts = {n: len(p["codes"]) for n, p in providers.items()}
    assert {"vicsee": 18, "vydra": 15, "openai": 15}.items() <= counts.items()
    assert "INSUFFICIENT_CREDITS" in providers["vydra"]["codes"]
    assert providers["vicsee"]["problems"] == []


@pytest.mark.parametrize("form", ["json", "text"])
def test_a_closed_stdout_pipe_is_one_line_exit_2_not_a_traceback(form: str) -> None:
    """`errcontract lint --format json | head`: the reader is gone before the lint writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    vicsee = shipped_contracts() / "vicsee"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "errcontract", "lint", str(vicsee), "--format", form],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr
        == "errcontract: error: cannot write the lint's results to standard output (Broken pipe)\n"
    )


def test_clean_contracts_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(shipped_contracts())]) == 0
    assert "vicsee: 18 codes" in capsys.readouterr().out


def test_problems_exit_1_and_are_printed(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(root / "vicsee" / "contract.yaml", "    message: Invalid model\n", "    mesage: Invalid model\n")
    assert main(["lint", str(root / "vicsee")]) == 1
    expected = f"{root / 'vicsee' / 'contract.yaml'}: codes/INVALID_MODEL/mesage: unknown key"
    assert expected in capsys.readouterr().out


def test_missing_path_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: no such folder" in capsys.readouterr().err


def test_folder_without_contracts_exits_2(tmp_path: Path) -> None:
    assert main(["lint", str(tmp_path)]) == 2


def test_one_provider_folder_lints_only_that_provider(root: Path) -> None:
    assert list(lint_path(root / "vydra")) == ["vydra"]


def test_typo_key_is_named_in_the_key_path(root: Path) -> None:
    edit(root / "vydra" / "contract.yaml", "    path: /organization\n", "    pth: /organization\n")
    expected = f"{root / 'vydra' / 'contract.yaml'}: endpoints/organization/pth: unknown key 'pth'"
    assert expected in "\n".join(problem_lines(root, "vydra"))


def test_every_meta_schema_problem_is_reported_not_just_the_first(root: Path) -> None:
    file = root / "vicsee" / "contract.yaml"
    edit(file, "    message: Invalid model\n", "    mesage: Invalid model\n")
    edit(file, "    message: Task not found\n", "    mesage: Task not found\n")
    lines = "\n".join(problem_lines(root, "vicsee"))
    assert "codes/INVALID_MODEL/mesage" in lines and "codes/TASK_NOT_FOUND/mesage" in lines


def test_broken_yaml_is_named_by_file_and_line(root: Path) -> None:
    file = root / "vicsee" / "contract.yaml"
    edit(file, "\nstatuses:\n", "\nstatuses: [unclosed\n")
    [problem] = problem_lines(root, "vicsee")
    assert problem.startswith(f"{file}: (file): line ") and "invalid YAML" in problem


def test_code_status_missing_from_the_status_table_is_named(root: Path) -> None:
    edit(root / "vydra" / "contract.yaml", "    status: [403]\n", "    status: [418]\n")
    file = root / "vydra" / "contract.yaml"
    expected = f"{file}: codes/INSUFFICIENT_SCOPE/status/0: 418 is not in the status table"
    assert any(line.startswith(expected) for line in problem_lines(root, "vydra"))


def test_recipe_naming_no_endpoint_is_named_on_its_code(root: Path) -> None:
    edit(root / "vydra" / "contract.yaml", "      endpoint: run_model\n", "      endpoint: run_modle\n")
    file = root / "vydra" / "contract.yaml"
    expected = f"{file}: codes/MODEL_NOT_FOUND/provoke/endpoint: no endpoint 'run_modle'"
    assert any(line.startswith(expected) for line in problem_lines(root, "vydra"))


def test_provoke_that_is_neither_a_recipe_nor_observe_only_is_refused(root: Path) -> None:
    edit(root / "vydra" / "contract.yaml", "    provoke: observe-only\n", "    provoke: model-not-found\n")
    file = root / "vydra" / "contract.yaml"
    assert any(line.startswith(f"{file}: codes/NOT_FOUND/provoke: ") for line in problem_lines(root, "vydra"))


def test_recipe_on_an_endpoint_the_code_does_not_list_is_named(root: Path) -> None:
    edit(
        root / "vicsee" / "contract.yaml",
        "      endpoint: generate\n      defect: {remove_field: model}",
        "      endpoint: upscale\n      defect: {remove_field: model}",
    )
    messages = [p.message for p in lint_one(root, "vicsee").problems_for("code", "MISSING_MODEL")]
    assert messages == ["recipe 'missing-model' calls 'upscale', not one of the code's endpoints"]


def test_defect_class_lists_are_derived_from_the_codes(root: Path) -> None:
    """What vicsee's `defect_classes` listed by hand before the codes' `defect_class` was the one
    source, in the same order."""
    derived = {name: c.codes for name, c in load_provider("vicsee", root).defect_classes.items()}
    assert derived == {
        "auth": ("MISSING_AUTH_HEADER", "INVALID_AUTH_FORMAT", "INVALID_KEY_FORMAT", "INVALID_API_KEY"),
        "body": ("INVALID_JSON", "MISSING_MODEL", "MISSING_PROMPT", "INVALID_MODEL"),
        "task_id": ("TASK_NOT_FOUND", "FORBIDDEN"),
        "task_state": ("TASK_NOT_COMPLETE", "NO_RESULT"),
        "credits": ("INSUFFICIENT_CREDITS",),
        "rate_limit": ("RATE_LIMITED",),
    }


def test_code_naming_an_unknown_defect_class_is_named(root: Path) -> None:
    file = root / "vicsee" / "contract.yaml"
    edit(file, "    defect_class: rate_limit\n", "    defect_class: rate_limits\n")
    lines = problem_lines(root, "vicsee")
    assert any(
        p.startswith(f"{file}: codes/RATE_LIMITED/defect_class: no defect class 'rate_limits'") for p in lines
    )
    assert any(p.startswith(f"{file}: defect_classes/rate_limit: no code names this class") for p in lines)


def test_untagged_example_that_breaks_the_stated_envelope_is_a_problem(root: Path) -> None:
    edit(root / "vydra" / "contract.yaml", "    ambiguity: upload-examples-without-code\n", "")
    problems = lint_one(root, "vydra").problems_for("example", "upload-no-file")
    assert [p.message for p in problems] == [
        "does not validate the stated profile: (root): 'code' is a required property"
    ]


def test_tagged_example_that_follows_the_stated_envelope_is_a_problem(root: Path) -> None:
    edit(
        root / "vydra" / "contract.yaml",
        "  - name: rate-limit-exceeded\n",
        "  - name: rate-limit-exceeded\n    ambiguity: examples-without-code\n",
    )
    problems = lint_one(root, "vydra").problems_for("example", "rate-limit-exceeded")
    assert [p.key_path for p in problems] == ["examples/2/ambiguity"]


def test_example_tagged_with_an_unknown_ambiguity_is_a_problem(root: Path) -> None:
    edit(
        root / "vydra" / "contract.yaml",
        "ambiguity: upload-examples-without-code",
        "ambiguity: upload-examples-sans-code",
    )
    messages = [p.message for p in lint_one(root, "vydra").problems_for("example", "upload-no-file")]
    assert "no ambiguity 'upload-examples-sans-code' in ambiguities" in messages


def test_example_message_not_matching_its_code_pattern_is_a_problem(root: Path) -> None:
    edit(
        root / "vicsee" / "contract.yaml",
        'message: "Insufficient credits. Required: 60, Available: 45"',
        'message: "Insufficient credits. Required 60"',
    )
    problems = lint_one(root, "vicsee").problems_for("example", "insufficient-credits")
    assert [p.key_path for p in problems] == ["examples/1/body"]


def test_vydra_codeless_examples_fail_stated_and_validate_exemplified(
    shipped: dict[str, ProviderLint],
) -> None:
    vydra = shipped["vydra"]
    codeless = {
        e.name: (e.stated_ok, e.ok("exemplified"), e.ambiguity) for e in vydra.examples if not e.stated_ok
    }
    assert codeless["insufficient-credits"] == (False, True, "examples-without-code")
    assert set(codeless) == {
        "insufficient-credits",
        "validation-error",
        "refund",
        "upload-no-file",
        "upload-invalid-type",
        "upload-too-large",
    }
    assert vydra.example("rate-limit-exceeded").validates == ("stated", "exemplified")


def test_placeholder_example_is_judged_on_the_envelope_only(shipped: dict[str, ProviderLint]) -> None:
    placeholder = shipped["vicsee"].example("error-format")
    assert placeholder.placeholder and placeholder.code == "ERROR_CODE" and placeholder.stated_ok


def test_per_code_schema_refines_the_example_verdict(root: Path) -> None:
    edit(root / "vydra" / "contract.yaml", "creditsRequired: 15, creditsRemaining: 5", "creditsRequired: 15")
    example = lint_one(root, "vydra").example("insufficient-credits")
    assert example.ok("exemplified") is False


def test_unresolvable_error_schema_ref_is_named(root: Path) -> None:
    file = root / "vydra" / "error.schema.json"
    edit(file, '"$ref": "#/$defs/creditNumbers"', '"$ref": "#/$defs/credits"')
    expected = f"{file}: $defs/codes/INSUFFICIENT_CREDITS/anyOf/0/$ref: #/$defs/credits does not resolve"
    assert expected in problem_lines(root, "vydra")


def test_openapi_code_outside_the_code_table_is_named(root: Path) -> None:
    edit(
        root / "vydra" / "openapi.yaml",
        "enum: [NOT_FOUND, MODEL_NOT_FOUND, JOB_NOT_FOUND]",
        "enum: [NOT_FOUND, MODEL_NOT_FOUND, JOB_GONE]",
    )
    lines = problem_lines(root, "vydra")
    file = root / "vydra" / "openapi.yaml"
    expected = f"{file}: paths/'/jobs/{{id}}'/get/responses/404: declares ['JOB_GONE']"
    assert expected in "\n".join(lines)
    assert any(line.endswith("no operation declares ['JOB_NOT_FOUND'] for status 404") for line in lines)


def test_openapi_missing_error_response_is_named(root: Path) -> None:
    edit(root / "vicsee" / "openapi.yaml", '        "402": {$ref: "#/components/responses/Error402"}\n', "")
    expected = "paths/'/generate'/post/responses: no 402 response, though the code table documents it here"
    assert any(line.endswith(expected) for line in problem_lines(root, "vicsee"))


def test_openapi_that_is_not_valid_openapi_31_is_named(root: Path) -> None:
    file = root / "vicsee" / "openapi.yaml"
    edit(file, "  version: 1.0.0\n", "")
    assert problem_lines(root, "vicsee") == [f"{file}: info: 'version' is a required property"]


def test_a_rule_that_crashes_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_rule(contract: Contract) -> Iterator[lint_rules.Problem]:
        raise RuntimeError("bug")
        yield

    monkeypatch.setitem(lint_rules.RULES, "broken_rule", broken_rule)
    [problem] = lint_path(shipped_contracts() / "vicsee")["vicsee"].problems
    assert "rule broken_rule crashed" in problem.message


def test_documentation_suite_xfails_tagged_examples_and_fails_a_wrongly_tagged_one(
    root: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(
        root / "vydra" / "contract.yaml",
        "  - name: rate-limit-exceeded\n",
        "  - name: rate-limit-exceeded\n    ambiguity: examples-without-code\n",
    )
    monkeypatch.setenv("ERRCONTRACT_CONTRACTS", str(root))
    suite = Path(__file__).resolve().parents[1] / "suites" / "test_documentation.py"
    result = pytester.runpytest_inprocess(str(suite), "-p", "no:errcontract", "-q", "-k", "vydra/example")
    result.assert_outcomes(passed=1, failed=1, xfailed=6)
    result.stdout.fnmatch_lines(["FAILED *vydra/example/rate-limit-exceeded*"])


def test_discover_naming_an_unknown_endpoint_is_a_problem(root: Path) -> None:
    edit(root / "vicsee" / "contract.yaml", "model: {endpoint: list_models", "model: {endpoint: list_modles")
    problems = [str(p) for p in lint_path(root / "vicsee")["vicsee"].problems]
    assert any("discover/model/endpoint: no endpoint 'list_modles'" in p for p in problems), problems
