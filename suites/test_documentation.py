"""The documentation's own consistency, as tests: one per example, per code and per ambiguity.

This is `errcontract lint` seen through pytest, so the reports show it beside the conformance
results. An example that contradicts the stated envelope and is tagged with a recorded ambiguity
is an expected failure carrying the contract's decision (Vydra's codeless examples); it is first
checked to really fail the stated envelope, so a wrongly tagged example fails here.

Runs standalone (`pytest suites/test_documentation.py -p no:errcontract`); with the errcontract
plugin, `--provider NAME` restricts it to one provider.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

import pytest

from errcontract.contract.lint import ProviderLint, lint_path
from errcontract.contract.locate import provider_folders


@cache
def _lints(chosen: str) -> dict[str, ProviderLint]:
    """The chosen provider's lint only (the OpenAPI check is the costly part), or every one's."""
    folder = provider_folders().get(chosen)
    return lint_path(folder if folder is not None else None)


def _selected_provider(config: pytest.Config) -> str:
    try:
        chosen = config.getoption("errcontract_provider")
    except ValueError:  # the errcontract plugin is not loaded: no --provider option
        chosen = None
    return chosen or os.environ.get("ERRCONTRACT_PROVIDER") or "all"


def _providers(config: pytest.Config) -> list[ProviderLint]:
    chosen = _selected_provider(config)
    return [lint for name, lint in _lints(chosen).items() if chosen in ("all", name)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    providers = _providers(metafunc.config)
    tables = {
        "provider_file": ("contract", [(p, "files") for p in providers]),
        "example_case": ("example", [(p, name) for p in providers for name in p.example_names]),
        "code_case": ("code", [(p, name) for p in providers for name in p.codes]),
        "ambiguity_case": ("ambiguity", [(p, name) for p in providers for name in p.ambiguities]),
    }
    for argument, (area, cases) in tables.items():
        if argument in metafunc.fixturenames:
            ids = [f"{lint.name}/{area}/{name}" for lint, name in cases]
            metafunc.parametrize(argument, cases, ids=ids)


def _listing(problems: Sequence[object]) -> str:
    return "\n".join(str(p) for p in problems)


def test_contract_files(provider_file: tuple[ProviderLint, str]) -> None:
    """The files load, and nothing outside a single code, example or ambiguity is wrong."""
    lint, _ = provider_file
    problems = lint.general_problems()
    assert not problems, _listing(problems)


def test_example(example_case: tuple[ProviderLint, str]) -> None:
    """A documented example validates its stated envelope and code schema, or is a recorded ambiguity."""
    lint, name = example_case
    example = lint.example(name)
    assert example is not None, f"not judged: the contract did not load\n{_listing(lint.general_problems())}"
    problems = lint.problems_for("example", name)
    assert not problems, _listing(problems)
    if example.ambiguity and not example.placeholder:
        assert not example.stated_ok, f"tagged {example.ambiguity!r} but validates the stated envelope"
        decision = lint.ambiguity(example.ambiguity).get("decision", "")
        validates = ", ".join(example.validates) or "no profile"
        pytest.xfail(f"{example.ambiguity}: {decision} (validates: {validates})")
    assert example.stated_ok, "\n".join(example.profile_errors["stated"])


def test_code(code_case: tuple[ProviderLint, str]) -> None:
    """A code's statuses, endpoints, recipe, defect class and OpenAPI entries agree with the tables."""
    lint, name = code_case
    problems = lint.problems_for("code", name)
    assert not problems, _listing(problems)
    assert lint.contract is not None, _listing(lint.general_problems())


def test_ambiguity(ambiguity_case: tuple[ProviderLint, str]) -> None:
    """An ambiguity is recorded once, with its readings and the decision the contract takes."""
    lint, ambiguity_id = ambiguity_case
    problems = lint.problems_for("ambiguity", ambiguity_id)
    assert not problems, _listing(problems)
    assert lint.contract is not None, _listing(lint.general_problems())
    assert lint.ambiguity(ambiguity_id).get("decision"), "no decision recorded"
