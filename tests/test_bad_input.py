"""Bad input to `errcontract run`: one clear line on stderr, exit 2, no traceback, nothing sent,
and an earlier report in the report directory left exactly as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from errcontract.contract.locate import shipped_contracts
from tests.faulty_servers import RunOutcome, run_errcontract

EARLIER_REPORT = {
    "vicsee/results.json": '{"verdict": "conformant"}\n',
    "index.html": "<html>earlier</html>\n",
}
UNUSED_TARGET = [
    "--provider",
    "vicsee",
    "--target",
    "http://127.0.0.1:9",
    "--api-key",
    "sk-unused-0123456789",
]  # never contacted


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    """A report directory holding an earlier run's report."""
    folder = tmp_path / "reports"
    for name, text in EARLIER_REPORT.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def refusal(outcome: RunOutcome) -> str:
    """The one line the tool refused with (after asserting exit 2 and no traceback)."""
    assert outcome.exit_code == 2, (outcome.stdout, outcome.stderr)
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("errcontract: error: "), outcome.stderr
    assert "checking" not in outcome.stdout  # refused before anything was sent
    return lines[0]


def assert_earlier_report_intact(report_dir: Path) -> None:
    found = {str(p.relative_to(report_dir)): p.read_text() for p in report_dir.rglob("*") if p.is_file()}
    assert found == EARLIER_REPORT


def test_unknown_provider_is_refused_listing_the_valid_ones(report_dir: Path) -> None:
    line = refusal(run_errcontract(["--provider", "no-such-provider"], report_dir))
    assert "no-such-provider" in line and "vicsee" in line and "vydra" in line
    assert_earlier_report_intact(report_dir)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://api.example.com",
        "127.0.0.1:8080",
        "http://",
        "http://[::1",
        "http://127.0.0.1:99999",
        "http://user:pw@127.0.0.1:9",
    ],
)
def test_malformed_or_non_http_target_is_refused(report_dir: Path, url: str) -> None:
    line = refusal(run_errcontract(["--provider", "vicsee", "--target", url], report_dir))
    assert "--target" in line
    assert "pw@" not in line  # credentials in a URL are not echoed
    assert_earlier_report_intact(report_dir)


BREAKAGES = {
    "yaml-syntax": (
        "contract.yaml",
        lambda text: text.replace("codes:\n", "codes:\n  - [unclosed\n", 1),
        "line",
    ),
    "schema": ("contract.yaml", lambda text: text.replace("status: [401]", 'status: "401"', 1), "codes/"),
    "json-syntax": ("error.schema.json", lambda text: text[: len(text) // 2], "line"),
    # valid against the meta-schema, but a rule the lint keeps is broken: a run would blame the target
    "rule": (
        "contract.yaml",
        lambda text: text.replace("defect_class: body\n", "defect_class: no-such-class\n", 1),
        "defect_class",
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_invalid_contract_file_is_refused_naming_the_file_and_place(
    report_dir: Path, tmp_path: Path, breakage: str
) -> None:
    file_name, damage, place = BREAKAGES[breakage]
    contracts = tmp_path / "contracts"
    shutil.copytree(shipped_contracts(), contracts)
    broken = contracts / "vicsee" / file_name
    broken.write_text(damage(broken.read_text(encoding="utf-8")), encoding="utf-8")
    outcome = run_errcontract(UNUSED_TARGET, report_dir, env={"ERRCONTRACT_CONTRACTS": str(contracts)})
    line = refusal(outcome)
    assert str(broken) in line and place in line
    assert_earlier_report_intact(report_dir)


def _with_a_broken_copy(tmp_path: Path) -> tuple[Path, Path, int]:
    """The contracts, plus a copy of vydra's folder (vydra2) whose `content_type` line opens a
    `[` never closed; and that line's number."""
    contracts = tmp_path / "contracts"
    shutil.copytree(shipped_contracts(), contracts)
    shutil.copytree(contracts / "vydra", contracts / "vydra2")
    broken = contracts / "vydra2" / "contract.yaml"
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("content_type: "))
    lines[index] = "content_type: [application/json\n"
    broken.write_text("".join(lines), encoding="utf-8")
    return contracts, broken, index + 1


def test_a_broken_contract_folder_leaves_another_providers_run_intact(tmp_path: Path) -> None:
    """Issue 30: a copied folder with a YAML error stopped `--provider vydra` with its error."""
    contracts, _, _ = _with_a_broken_copy(tmp_path)
    report_dir = tmp_path / "reports"
    args = ["--provider", "vydra", "--examples", "5", "--schemathesis-examples", "0"]
    outcome = run_errcontract(args, report_dir, env={"ERRCONTRACT_CONTRACTS": str(contracts)}, timeout_s=180)
    assert outcome.exit_code == 0, outcome.stdout[-2000:] + outcome.stderr[-2000:]
    assert outcome.results("vydra")["verdict"] == "conformant"


@pytest.mark.parametrize("provider", ["vydra2", "all"])
def test_a_run_including_a_broken_folder_is_refused_at_the_line_of_the_error(
    report_dir: Path, tmp_path: Path, provider: str
) -> None:
    contracts, broken, line_number = _with_a_broken_copy(tmp_path)
    outcome = run_errcontract(
        ["--provider", provider], report_dir, env={"ERRCONTRACT_CONTRACTS": str(contracts)}
    )
    line = refusal(outcome)
    assert f"{broken}: line {line_number} invalid YAML" in line, line
    assert_earlier_report_intact(report_dir)


def test_contract_file_that_is_not_utf8_is_refused_naming_the_file(report_dir: Path, tmp_path: Path) -> None:
    contracts = tmp_path / "contracts"
    shutil.copytree(shipped_contracts(), contracts)
    broken = contracts / "vicsee" / "contract.yaml"
    broken.write_bytes(b"provider: vicsee\ntitle: \xff\xfe\n")
    outcome = run_errcontract(UNUSED_TARGET, report_dir, env={"ERRCONTRACT_CONTRACTS": str(contracts)})
    assert str(broken) in refusal(outcome)
    assert_earlier_report_intact(report_dir)


@pytest.mark.parametrize("given", ["env", "option"])
@pytest.mark.parametrize("kind", ["missing", "empty", "no provider"])
def test_a_contracts_folder_that_does_not_exist_or_holds_no_provider_is_one_line_exit_2(
    report_dir: Path, tmp_path: Path, kind: str, given: str
) -> None:
    contracts = tmp_path / "mine"
    if kind != "missing":
        contracts.mkdir()
    if kind == "no provider":
        (contracts / "notes").mkdir()  # a folder without a contract.yaml is no provider
        (contracts / "contract.yaml").write_text("provider: loose\n")  # nor is a file at the top
    env = {"ERRCONTRACT_CONTRACTS": str(contracts)} if given == "env" else {}
    option = ["--contracts", str(contracts)] if given == "option" else []
    line = refusal(run_errcontract([*UNUSED_TARGET, *option], report_dir, env=env))
    assert str(contracts) in line and "--contracts" in line and "ERRCONTRACT_CONTRACTS" in line
    assert ("no such folder" if kind == "missing" else "holds no provider") in line
    assert_earlier_report_intact(report_dir)


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["--max-requests", "abc"], {}, "--max-requests"),
        ([], {"ERRCONTRACT_MAX_REQUESTS": "abc"}, "ERRCONTRACT_MAX_REQUESTS"),
        (["--timeout", "nan"], {}, "--timeout"),
        (["--concurrency", "0"], {}, "--concurrency"),
        (["--schemathesis-examples", "-1"], {}, "--schemathesis-examples"),
        ([], {"ERRCONTRACT_TIMEOUT": "-1"}, "ERRCONTRACT_TIMEOUT='-1': give a positive number"),
        ([], {"ERRCONTRACT_CONCURRENCY": "0"}, "ERRCONTRACT_CONCURRENCY='0' must be at least 1"),
    ],
    ids=[
        "flag",
        "env",
        "timeout-nan",
        "concurrency-0",
        "schemathesis-examples-negative",
        "env-timeout",
        "env-low",
    ],
)
def test_option_value_of_the_wrong_type_is_refused_naming_the_option(
    report_dir: Path, args: list[str], env: dict[str, str], named: str
) -> None:
    """As the user set it: a bad ERRCONTRACT_TIMEOUT is named, not `--timeout` (issue 30)."""
    line = refusal(run_errcontract([*UNUSED_TARGET, *args], report_dir, env=env))
    assert named in line
    assert not env or "--" not in line.split(": error: ", 1)[1], line
    assert_earlier_report_intact(report_dir)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--drift", "no-such-drift"], "no provider's mock has a drift 'no-such-drift'"),
        (["--provider", "openai", "--drift", "scope-ignored"], "it is a drift of vydra"),
    ],
    ids=["unknown", "another-providers"],
)
def test_drift_no_mock_serves_is_refused_naming_who_has_it(
    report_dir: Path, args: list[str], named: str
) -> None:
    assert named in refusal(run_errcontract(args, report_dir))
    assert_earlier_report_intact(report_dir)


def test_empty_report_directory_is_refused_and_nothing_written(tmp_path: Path) -> None:
    """`--report-dir ""` would otherwise write the site into the current directory."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    command = [sys.executable, "-m", "errcontract", "run", *UNUSED_TARGET, "--report-dir", ""]
    done = subprocess.run(command, capture_output=True, text=True, cwd=workdir, check=False, timeout=60)
    line = refusal(RunOutcome(done.returncode, done.stdout, done.stderr, 0.0, workdir))
    assert "--report-dir" in line
    assert list(workdir.iterdir()) == []


def test_report_directory_under_a_regular_file_is_refused(tmp_path: Path) -> None:
    regular = tmp_path / "a-file"
    regular.write_text("not a folder\n")
    line = refusal(run_errcontract(UNUSED_TARGET, regular / "reports"))
    assert str(regular / "reports") in line and "--report-dir" in line
    assert regular.read_text() == "not a folder\n"


def test_pytest_argument_the_suites_refuse_leaves_the_earlier_report_intact(report_dir: Path) -> None:
    outcome = run_errcontract([*UNUSED_TARGET, "--", "--no-such-pytest-option"], report_dir)
    assert outcome.exit_code == 2, (outcome.stdout, outcome.stderr)
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert outcome.stderr.strip().splitlines()[-1].startswith("errcontract: error: vicsee: ")
    assert_earlier_report_intact(report_dir)


def test_target_without_a_key_is_refused_naming_the_option(report_dir: Path) -> None:
    line = refusal(run_errcontract(["--provider", "vydra", "--target", "http://127.0.0.1:9"], report_dir))
    assert "--api-key" in line and "ERRCONTRACT_API_KEY" in line
    assert_earlier_report_intact(report_dir)


def test_unknown_fixture_name_is_refused_listing_the_known_ones(report_dir: Path) -> None:
    line = refusal(run_errcontract(["--provider", "vicsee", "--fixture", "pending_tsk_id=t1"], report_dir))
    assert "pending_tsk_id" in line and "pending_task_id" in line
    assert_earlier_report_intact(report_dir)
