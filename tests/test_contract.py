"""The contract loader: the shipped contracts load, and a broken contract file is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from errcontract.contract.model import every_contract, load_provider, provider_names, secret_fixture_names
from errcontract.core.errors import ContractError
from tests.helpers import edit

pytest_plugins = ["pytester"]


def test_shipped_contracts_hold_18_vicsee_15_vydra_and_15_openai_codes() -> None:
    assert {"openai", "vicsee", "vydra"} <= set(provider_names())
    assert len(load_provider("vicsee").codes) == 18
    assert len(load_provider("vydra").codes) == 15
    assert len(load_provider("openai").codes) == 15


def test_every_provider_folder_found_loads(root: Path) -> None:
    """Whatever folders the root holds, each loads through the one generic loader."""
    for name in provider_names(root):
        assert load_provider(name, root).provider == name


def test_contract_with_a_typo_in_a_key_is_rejected_naming_the_file_and_key_path(root: Path) -> None:
    contract_file = root / "vicsee" / "contract.yaml"
    edit(contract_file, "    message: Invalid model\n", "    mesage: Invalid model\n")
    with pytest.raises(ContractError) as raised:
        load_provider("vicsee", root)
    assert str(raised.value).startswith(f"{contract_file}: codes/INVALID_MODEL: ")


def test_top_level_typo_is_rejected_naming_the_key(root: Path) -> None:
    edit(root / "vydra" / "contract.yaml", "\ndefect_classes:\n", "\ndefect_clases:\n")
    with pytest.raises(ContractError, match=r"contract\.yaml: .*defect_clases"):
        load_provider("vydra", root)


def test_broken_yaml_is_rejected_naming_the_file_and_line(root: Path) -> None:
    contract_file = root / "vydra" / "contract.yaml"
    lines = contract_file.read_text(encoding="utf-8").splitlines()
    line_number = lines.index("statuses:") + 1
    lines[line_number - 1] = "statuses: [unclosed"
    contract_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContractError) as raised:
        load_provider("vydra", root)
    assert str(raised.value).startswith(f"{contract_file}: line ")
    reported_line = int(str(raised.value).split("line ")[1].split()[0])
    assert line_number <= reported_line <= line_number + 1


def test_schemathesis_parametrize_yields_one_case_per_contract_endpoint(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_operations="""
        import schemathesis
        from errcontract.contract.locate import shipped_contracts

        vicsee = schemathesis.openapi.from_path(shipped_contracts() / "vicsee" / "openapi.yaml")
        vydra = schemathesis.openapi.from_path(shipped_contracts() / "vydra" / "openapi.yaml")

        @schemathesis.pytest.parametrize(vicsee=vicsee, vydra=vydra)
        def test_operation(case):
            pass
        """
    )
    items, _ = pytester.inline_genitems("-p", "no:errcontract")
    collected = {item.name for item in items}  # the operation is in the name, not the node id
    expected = {
        f"test_operation[{name}][{endpoint.method} {endpoint.path}]"
        for name in ("vicsee", "vydra")
        for endpoint in load_provider(name).endpoints.values()
    }
    assert collected == expected


def test_each_recipe_lives_on_its_code_and_is_named_after_it() -> None:
    for provider in provider_names():
        contract = load_provider(provider)
        provoked = [c for c in contract.codes.values() if not c.observe_only]
        assert {c.recipe.name for c in provoked if c.recipe} == set(contract.recipes)
        for code in provoked:
            assert code.recipe is not None and code.recipe.code == code.name
            assert code.provoke == code.name.lower().replace("_", "-") == code.recipe.name
    assert load_provider("vydra").codes["INVALID_URL"].recipe.also_allowed == ("INVALID_INPUT",)  # type: ignore[union-attr]


def test_secret_fixtures_are_the_ones_marked_secret() -> None:
    vydra = load_provider("vydra")
    assert set(vydra.secret_fixtures) == {n for n, f in vydra.fixtures.items() if f.secret}
    assert "api_key_revoked" in vydra.secret_fixtures and "job_id" not in vydra.secret_fixtures
    assert secret_fixture_names(every_contract()) >= set(vydra.secret_fixtures) | set(
        load_provider("vicsee").secret_fixtures
    )


def test_the_typed_parts_read_the_documented_data() -> None:
    vydra = load_provider("vydra")
    assert vydra.auth.header == "Authorization" and vydra.auth.scheme == "Bearer"
    assert vydra.refunds is not None and vydra.refunds.balance.endpoint in vydra.endpoints
    assert vydra.headers.for_status(429) and 429 in vydra.headers.on_status
    assert all(isinstance(a.readings, tuple) for a in vydra.ambiguities)
    assert load_provider("openai").refunds is None
