"""mock.yaml has a JSON Schema: a misspelled key is reported by `errcontract lint` and refused by the mock."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from errcontract.cli.main import main
from errcontract.contract.locate import shipped_contracts
from errcontract.contract.mock_document import MOCK_SCHEMA_FILE
from errcontract.contract.model import has_embedded_mock, load_provider, provider_names, read_yaml
from errcontract.core.errors import ContractError, ErrcontractError
from errcontract.mock.config import load_mock_config
from errcontract.mock.process import running_mock
from tests.helpers import edit

TYPO = ("  random_length: 32\n", "  random_lenght: 32\n")
EXPECTED = "keys: Additional properties are not allowed ('random_lenght' was unexpected)"


def test_the_schema_is_valid_and_every_shipped_mock_yaml_fits_it() -> None:
    schema = json.loads((shipped_contracts() / MOCK_SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    mocked = [p for p in provider_names() if has_embedded_mock(p)]
    assert mocked
    for provider in mocked:
        jsonschema.validate(read_yaml(load_provider(provider).root / "mock.yaml"), schema)


def test_errcontract_lint_reports_a_misspelled_mock_key_in_one_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_file = root / "vydra" / "mock.yaml"
    edit(mock_file, *TYPO)
    assert main(["lint", str(root / "vydra")]) == 1
    problems = [line for line in capsys.readouterr().out.splitlines() if "mock.yaml" in line]
    assert problems == [f"{mock_file}: {EXPECTED}"]


def test_loading_the_mock_refuses_a_misspelled_key(root: Path) -> None:
    edit(root / "vydra" / "mock.yaml", *TYPO)
    with pytest.raises(ContractError, match="random_lenght"):
        load_mock_config(load_provider("vydra", root))


def test_a_misspelled_endpoint_behaviour_key_is_refused(root: Path) -> None:
    edit(root / "vicsee" / "mock.yaml", "    model_from: {body: model}\n", "    model_form: {body: model}\n")
    with pytest.raises(ContractError, match=r"endpoints/generate: .*'model_form' was unexpected"):
        load_mock_config(load_provider("vicsee", root))


# A name mock.yaml looks up in another table (as the mock resolves it) that the table lacks.
BROKEN_REFERENCES = [
    ("main: {plan: enterprise,", "main: {plan: enterprize,", "accounts/main/plan: no plan 'enterprize'"),
    (
        "api_key: {account: main}",
        "api_key: {account: mian}",
        "key_fixtures/api_key/account: no account 'mian'",
    ),
    (
        "foreign_task_id: {owner: other,",
        "foreign_task_id: {owner: otter,",
        "resources/seed/foreign_task_id/owner: no account 'otter'",
    ),
    ("  get_task:\n", "  get_tsak:\n", "endpoints/get_tsak: no contract endpoint 'get_tsak'"),
    (
        "rate_limited: RATE_LIMITED",
        "rate_limited: RATE_LIMTED",
        "conditions/rate_limited: no documented code 'RATE_LIMTED'",
    ),
    (
        'prompt: MISSING_PROMPT, "*": INVALID_JSON}\n  invalid_field',
        'prompt: MISSING_PROMT, "*": INVALID_JSON}\n  invalid_field',
        "conditions/missing_field/prompt: no documented code 'MISSING_PROMT'",
    ),
    (
        '  RATE_LIMITED: "Rate limit exceeded.',
        '  RATE_LIMTED: "Rate limit exceeded.',
        "messages/RATE_LIMTED: no documented code 'RATE_LIMTED'",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN_REFERENCES, ids=lambda v: str(v)[:24])
def test_a_name_no_table_holds_is_one_lint_line_and_the_mock_refuses_it_in_the_same_words(
    root: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    mock_file = root / "vicsee" / "mock.yaml"
    edit(mock_file, old, new)
    assert main(["lint", str(root / "vicsee")]) == 1
    problems = [line for line in capsys.readouterr().out.splitlines() if "mock.yaml" in line]
    assert len(problems) == 1
    assert problems[0].startswith(f"{mock_file}: {expected} (known: ")
    with pytest.raises(ContractError) as refused:
        load_mock_config(load_provider("vicsee", root))
    assert str(refused.value) == problems[0]


def test_a_mock_with_a_plan_typo_does_not_start_and_says_where_in_one_line(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(root / "vicsee" / "mock.yaml", "main: {plan: enterprise,", "main: {plan: enterprize,")
    monkeypatch.setenv("ERRCONTRACT_CONTRACTS", str(root))
    with pytest.raises(ErrcontractError) as failed, running_mock("vicsee"):
        pass
    message = str(failed.value)
    assert "KeyError" not in message
    assert message.startswith("the vicsee mock did not start: ")
    assert f"{root / 'vicsee' / 'mock.yaml'}: accounts/main/plan: no plan 'enterprize'" in message


def test_a_fault_without_its_code_is_refused_by_the_lint(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The mock answers a fault with its code: one without is a mock.yaml mistake, not a crash later."""
    mock_file = root / "vydra" / "mock.yaml"
    edit(mock_file, '{status: 500, code: INTERNAL_ERROR, message: "Failed', '{status: 500, message: "Failed')
    assert main(["lint", str(root / "vydra")]) == 1
    problems = [line for line in capsys.readouterr().out.splitlines() if "mock.yaml" in line]
    assert len(problems) == 1 and "'code' is a required property" in problems[0], problems
