"""--help tells the defaults, the providers found in contracts/, and readable metavars."""

from __future__ import annotations

import re

import pytest

from errcontract.cli.main import build_parser, main
from errcontract.contract.model import provider_names


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
