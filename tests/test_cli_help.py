"""--help tells the defaults, the providers found in contracts/, and readable metavars."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from errcontract.cli.main import build_parser, main
from errcontract.contract.model import load_provider, provider_names


def help_of(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines: compare words


def test_run_help_shows_defaults_providers_and_readable_metavars(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(capsys, "run")
    providers = provider_names()
    assert f"--provider {{{','.join([*providers, 'all'])}}}" in text
    assert f"Providers found in contracts/: {', '.join(providers)}" in text
    for shown in (
        "--max-requests N",
        "(default: 5000;",
        "--timeout SECONDS",
        "(default: 10.0;",
        "--report-dir DIR",
        "(default: reports;",
        "--api-key KEY",
        "--pending-task-id ID",
        "--model NAME",
        "--allow-spend CREDITS",
        "env ERRCONTRACT_MAX_REQUESTS",
    ):
        assert shown in text, shown
    assert not re.search(r"\bFX_[A-Z_]+|MAX_REQUESTS\]|REPORT_DIR\]|pytest_args", text)
    assert "3 target unreachable; 129, 130, 143 interrupted by SIGHUP, SIGINT (Ctrl-C), SIGTERM" in text
    assert "timeout --preserve-status" in text


def test_the_docs_usage_block_names_every_option_run_help_does(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 30: --job-id and --cancellable-job-id were missing from the usage block."""
    usage = help_of(capsys, "run").split(" Check a target")[0]
    readme = (Path(__file__).parents[1] / "docs" / "running.md").read_text(encoding="utf-8")
    block = readme[
        readme.index("```\nerrcontract run [") : readme.index(
            "```", readme.index("```\nerrcontract run [") + 3
        )
    ]
    missing = {o for o in re.findall(r"\[(--[a-z-]+)", usage) if o not in block} - {"--help"}
    assert not missing, missing


@pytest.mark.parametrize("command", ["report", "diff", "lint", "mock", "judge", "proxy"])
def test_other_commands_state_their_defaults_in_words(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    text = help_of(capsys, command)
    assert "(default: None)" not in text and "(default: [])" not in text
    if command in ("diff", "lint"):
        assert "(default: text)" in text
    if command == "mock":
        assert f"found: {', '.join(provider_names())}" in text and "(default: 0" in text


def test_top_level_help_lists_every_sub_command(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(capsys)
    assert "{run,mock,lint,new,report,diff,judge,proxy}" in text


def test_a_sub_command_whose_import_fails_fails_loudly() -> None:
    with pytest.raises(ModuleNotFoundError, match=re.escape("errcontract.cli.not_a_command")):
        build_parser(("errcontract.cli.not_a_command",))


@pytest.mark.parametrize("doc", ["docs/publishing.md"])
def test_the_ci_recipe_sets_no_key_its_run_cannot_use_and_keeps_the_interrupt_code(doc: str) -> None:
    """Issue 30: the recipe's VICSEE_API_KEY_RATE_LIMITED did nothing without --allow-spend (its
    code's recipe could be billed, and nothing billable is sent by default); plain `timeout`
    turned an interrupted run's 143 into 124."""
    text = (Path(__file__).parents[1] / doc).read_text(encoding="utf-8")
    recipe = text[text.index("# .github/workflows/conformance.yml") :]
    env = set(re.findall(r"^\s+(ERRCONTRACT_[A-Z_]+):", recipe, re.M))  # lines not commented out
    contract = load_provider("vicsee")
    for variable in env:
        fixture = variable.removeprefix("ERRCONTRACT_").lower()
        uses = [r for r in contract.recipes.values() if r.defect.get("use_key") == fixture]
        if uses and all(r.may_bill for r in uses):
            assert "ERRCONTRACT_ALLOW_SPEND" in env, f"{variable} is useless without ERRCONTRACT_ALLOW_SPEND"
    assert "timeout --preserve-status" in recipe
