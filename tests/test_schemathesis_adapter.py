"""What errcontract relies on in Schemathesis, pinned: the version the adapter was written for,
its one private patch (the lazy-schema path skips an operation whose negative cases cannot be
generated, where unpatched it errs), and that nothing else in src/ reaches into Schemathesis."""

from __future__ import annotations

import json
import re
import unittest
from importlib.metadata import version
from pathlib import Path

import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_31

from errcontract.contract.locate import shipped_contracts
from errcontract.run import schemathesis_adapter
from errcontract.run.schemathesis_adapter import BOTH_SKIPS, WRITTEN_FOR

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
# One operation whose only parameter is a string path id: no negative case can be generated.
SUITE = """
import pytest
import schemathesis
from schemathesis import GenerationMode
{adapter}

SCHEMA = {{
    "openapi": "3.0.3",
    "info": {{"title": "t", "version": "1"}},
    "paths": {{
        "/items/{{id}}": {{
            "get": {{
                "operationId": "get_item",
                "parameters": [
                    {{"name": "id", "in": "path", "required": True, "schema": {{"type": "string"}}}}
                ],
                "responses": {{"200": {{"description": "ok"}}}},
            }}
        }}
    }},
}}


@pytest.fixture
def api(request):
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    schema = schemathesis.openapi.from_dict(SCHEMA)
    schema.config.update(base_url="http://127.0.0.1:9")
    schema.config.generation.update(modes=[GenerationMode.NEGATIVE], max_examples=5, database="none")
    schema.config.phases.update(phases=["fuzzing"])
    return schema


@{cases}.parametrize()
def test_operation(case):
    raise AssertionError("no negative case exists for this operation")
"""
WITH_ADAPTER = SUITE.format(
    adapter="from errcontract.run.schemathesis_adapter import lazy_schema\ncases = lazy_schema('api')",
    cases="cases",
)
UNPATCHED = SUITE.format(adapter="", cases="schemathesis.pytest.from_fixture('api')")


def test_the_installed_schemathesis_is_the_one_the_adapter_and_pyproject_name() -> None:
    pinned = re.search(r'"schemathesis==([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pinned is not None
    assert version("schemathesis") == WRITTEN_FOR == pinned.group(1)


def test_another_schemathesis_version_fails_loudly_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemathesis_adapter, "version", lambda name: "9.9.9")
    with pytest.raises(ImportError, match=rf"schemathesis=={re.escape(WRITTEN_FOR)} \(installed: 9.9.9\)"):
        schemathesis_adapter._catch_both_skips()


def test_the_lazy_path_catches_both_skips_once_the_adapter_is_imported() -> None:
    from schemathesis.pytest import lazy

    assert lazy.SkipTest == BOTH_SKIPS and unittest.SkipTest in BOTH_SKIPS


def test_an_operation_with_no_negative_case_is_skipped_through_the_adapter(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_lazy=WITH_ADAPTER)
    result = pytester.runpytest_subprocess("-p", "no:errcontract", "-p", "no:cacheprovider", "-rA", "-v")
    text = result.stdout.str()
    assert result.ret == 0, text
    assert re.search(r"SUBSKIPPED .*Impossible to generate negative test cases", text), text
    assert "SUBFAILED" not in text and "error" not in text


def test_unpatched_schemathesis_still_errs_there_so_the_patch_is_still_needed(
    pytester: pytest.Pytester,
) -> None:
    """When this fails, Schemathesis catches its own SkipTest on the lazy path: drop the patch."""
    pytester.makepyfile(test_lazy=UNPATCHED)
    result = pytester.runpytest_subprocess("-p", "no:errcontract", "-p", "no:cacheprovider")
    assert result.ret != 0
    assert "SkipTest" in result.stdout.str()


def test_only_the_adapter_and_the_openapi_lint_import_schemathesis() -> None:
    importing = {
        path.relative_to(ROOT / "src").as_posix()
        for path in (ROOT / "src").rglob("*.py")
        if re.search(r"^\s*(import|from) schemathesis\b", path.read_text(encoding="utf-8"), re.M)
    }
    assert importing == {
        "errcontract/run/schemathesis_adapter.py",
        "errcontract/contract/lint/openapi.py",
    }


def test_the_shipped_openapi_meta_schema_is_the_one_schemathesis_loads_with():
    """`errcontract lint` validates openapi.yaml with contracts/openapi-3.1.schema.json, a copy of
    the meta-schema Schemathesis loads OpenAPI 3.1 with (so the lint needs none of its modules)."""
    shipped = json.loads((shipped_contracts() / "openapi-3.1.schema.json").read_text(encoding="utf-8"))
    shipped.pop("$comment")
    assert shipped == OPENAPI_31
