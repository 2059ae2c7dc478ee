"""`errcontract new`: a provider folder from a family (and an OpenAPI document) that lints clean;
bad input is one line, exit 2, and nothing written."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from errcontract.contract.families import family_names
from errcontract.contract.lint import lint_path
from tests.live_runs import errcontract_command

PETSTORE = Path(__file__).parent / "problem_petstore" / "openapi.yaml"


def new(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = errcontract_command("new", *args, "--dir", str(tmp_path / "contracts"))
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("family", [*family_names(), "custom", "problem-json"])
def test_every_family_scaffolds_a_folder_that_lints_clean(tmp_path, family):
    proc = new(tmp_path, "acme", "--family", family)
    assert proc.returncode == 0, proc.stderr
    result = lint_path(tmp_path / "contracts" / "acme")["acme"]
    assert result.ok, [str(p) for p in result.problems]


def test_an_openapi_document_gives_endpoints_auth_ids_and_documented_errors(tmp_path):
    proc = new(tmp_path, "petstore", "--family", "problem-json", "--openapi", str(PETSTORE))
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "contracts" / "petstore"
    assert lint_path(folder)["petstore"].ok
    contract = yaml.safe_load((folder / "contract.yaml").read_text(encoding="utf-8"))
    assert contract["family"] == "problem-details"
    assert contract["auth"] == {
        "header": "X-API-Key",
        "source": "openapi: components.securitySchemes.api_key",
    }
    assert set(contract["endpoints"]) == {"list_pets", "create_pet", "get_pet"}
    assert contract["discover"]["pet_id"]["endpoint"] == "list_pets"
    codes = contract["codes"]
    assert {name: c["status"] for name, c in codes.items()} == {
        "bad_request": [400],
        "unauthorized": [401],
        "not_found": [404],
        "method_not_allowed": [405],
    }
    assert codes["unauthorized"]["provoke"]["defect"] == {"key": "missing"}
    assert codes["bad_request"]["provoke"]["defect"] == {"remove_field": "name"}
    assert codes["not_found"]["provoke"]["defect"] == {"path_params": {"pet_id": "999999999"}}
    assert codes["method_not_allowed"]["provoke"]["defect"] == {
        "method": "POST"
    }  # /pets/{pet_id} has GET only


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("acme", "--family", "soap"), "unknown family 'soap'"),
        (("Acme!", "--family", "openai"), "provider name 'Acme!'"),
        (("acme", "--family", "openai", "--openapi", "/nonexistent/openapi.yaml"), "cannot read"),
        (
            ("acme", "--family", "openai", "--openapi", "SWAGGER"),
            "OpenAPI 3.0 or 3.1 document is needed (swagger 2.0)",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, args, says):
    swagger = tmp_path / "swagger.yaml"
    swagger.write_text('swagger: "2.0"\ninfo: {title: x, version: "1"}\npaths: {}\n', encoding="utf-8")
    args = tuple(str(swagger) if a == "SWAGGER" else a for a in args)
    proc = new(tmp_path, *args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and says in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "contracts").exists() or not any((tmp_path / "contracts").iterdir())


def test_an_existing_folder_is_never_overwritten(tmp_path):
    assert new(tmp_path, "acme", "--family", "openai").returncode == 0
    before = (tmp_path / "contracts" / "acme" / "contract.yaml").read_bytes()
    proc = new(tmp_path, "acme", "--family", "google")
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert (tmp_path / "contracts" / "acme" / "contract.yaml").read_bytes() == before
