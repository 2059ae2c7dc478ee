"""mock.yaml has a JSON Schema: a misspelled key is reported by `errcontract lint` and refused by the mock."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from errcontract.cli.main import main
from errcontract.contract.locate import contracts_root
from errcontract.contract.mock_document import MOCK_SCHEMA_FILE
from errcontract.contract.model import has_embedded_mock, load_provider, provider_names, read_yaml
from errcontract.core.errors import ContractError
from errcontract.mock.config import load_mock_config
from tests.helpers import edit

TYPO = ("  random_length: 32\n", "  random_lenght: 32\n")
EXPECTED = "keys: Additional properties are not allowed ('random_lenght' was unexpected)"


def test_the_schema_is_valid_and_every_shipped_mock_yaml_fits_it() -> None:
    schema = json.loads((contracts_root() / MOCK_SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    mocked = [p for p in provider_names() if has_embedded_mock(p)]
    assert mocked
    for provider in mocked:
        jsonschema.validate(read_yaml(contracts_root() / provider / "mock.yaml"), schema)


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
