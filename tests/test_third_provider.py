"""A third provider is data only: an RFC 9457 problem+json API loads and lints with no code change.

The envelope is RFC 9457's problem details object (type, title, status, detail, instance) with a
`code` extension member as the code pointer. `/type` would be the RFC's own identifier, but it is
a URI, and the code table is keyed by short upper-case codes that clients switch on; so each code
pins its type URI in a per-code schema instead (RFC 9457 section 3.1: "type" identifies the
problem type; section 3.2: extension members carry the rest).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from errcontract.contract.lint import lint_path
from errcontract.contract.model import load_contract, load_provider, meta_schema

PROBS = "https://example.com/probs/"

CONTRACT_YAML = f"""
provider: problems
title: Problem Details API
contract_version: "1.0.0"
sources:
  rfc9457: {{title: "RFC 9457: Problem Details for HTTP APIs", url: "https://www.rfc-editor.org/rfc/rfc9457"}}
base_path: /v2
auth: {{header: Authorization, scheme: Bearer, source: "rfc9457: examples"}}
envelope:
  code_pointer: /code
  message_pointer: /detail
  schema: error.schema.json
  profiles: {{stated: "#/$defs/stated"}}
  source: "rfc9457: section 3"
statuses:
  "200": {{description: OK, source: rfc9110}}
  "400": {{description: Bad Request, source: rfc9110}}
  "401": {{description: Unauthorized, source: rfc9110}}
  "403": {{description: Forbidden, source: rfc9110}}
fixtures:
  api_key: {{description: a valid key, secret: true}}
  poor_key: {{description: a key whose account has too little credit, secret: true}}
endpoints:
  transfer:
    method: POST
    path: /transfers
    auth: true
    body: json
    required_fields: [to, amount]
    fields: {{to: string, amount: integer}}
    success_status: 200
    request: {{json: {{to: acct-2, amount: 1}}}}
    source: "rfc9457: section 3"
codes:
  VALIDATION_ERROR:
    status: [400]
    message: Your request parameters didn't validate.
    endpoints: [transfer]
    provoke: {{endpoint: transfer, defect: {{set_field: {{amount: lots}}}}}}
    defect_class: request
    schema: "#/$defs/codes/VALIDATION_ERROR"
    source: "rfc9457: section 3 (invalid-params)"
  UNAUTHORIZED:
    status: [401]
    message: Unauthorized
    endpoints: [transfer]
    provoke: {{endpoint: transfer, defect: {{remove_header: Authorization}}}}
    defect_class: auth
    source: rfc9110
  OUT_OF_CREDIT:
    status: [403]
    message: You do not have enough credit.
    endpoints: [transfer]
    provoke: {{endpoint: transfer, defect: {{use_key: poor_key}}}}
    defect_class: credit
    schema: "#/$defs/codes/OUT_OF_CREDIT"
    source: "rfc9457: section 3 (out-of-credit); ambiguity type-or-code"
defect_classes:
  request: {{}}
  auth: {{}}
  credit: {{}}
headers: {{}}
examples:
  - name: out-of-credit
    status: 403
    code: OUT_OF_CREDIT
    source: "rfc9457: section 3, with the code extension added"
    body:
      type: {PROBS}out-of-credit
      title: You do not have enough credit.
      status: 403
      detail: Your current balance is 30, but that costs 50.
      instance: /account/12345/msgs/abc
      balance: 30
      accounts: [/account/12345, /account/67890]
      code: OUT_OF_CREDIT
ambiguities:
  - id: type-or-code
    summary: RFC 9457 identifies a problem by its type URI; clients here switch on a code.
    readings: ["the code is /type", "the code is an extension member"]
    decision: Clients switch on the code extension; each code pins its type URI in its schema.
    source: "rfc9457: sections 3.1 and 3.2"
"""

ERROR_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$ref": "#/$defs/stated",
    "$defs": {
        "stated": {
            "type": "object",
            "required": ["type", "title", "status", "code"],
            "properties": {
                "type": {"type": "string", "format": "uri-reference"},
                "title": {"type": "string"},
                "status": {"type": "integer", "minimum": 100, "maximum": 599},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
            },
        },
        "codes": {
            "VALIDATION_ERROR": {
                "properties": {
                    "type": {"const": f"{PROBS}validation-error"},
                    "invalid-params": {"type": "array"},
                }
            },
            "OUT_OF_CREDIT": {
                "required": ["balance"],
                "properties": {"type": {"const": f"{PROBS}out-of-credit"}, "balance": {"type": "integer"}},
            },
        },
    },
}


def error_response(codes: list[str]) -> dict[str, Any]:
    properties = {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "enum": codes},
    }
    schema = {"type": "object", "required": ["type", "title", "status", "code"], "properties": properties}
    return {"description": "problem details", "content": {"application/problem+json": {"schema": schema}}}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Problem Details API", "version": "1.0.0"},
    "servers": [{"url": "/v2"}],
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/transfers": {
            "post": {
                "operationId": "transfer",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["to", "amount"],
                                "properties": {"to": {"type": "string"}, "amount": {"type": "integer"}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": {"description": "done"},
                    "400": error_response(["VALIDATION_ERROR"]),
                    "401": error_response(["UNAUTHORIZED"]),
                    "403": error_response(["OUT_OF_CREDIT"]),
                },
            }
        }
    },
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A contracts root holding only the third provider (the meta-schemas are the package's)."""
    folder = tmp_path / "contracts" / "problems"
    folder.mkdir(parents=True)
    (folder / "contract.yaml").write_text(CONTRACT_YAML, encoding="utf-8")
    (folder / "error.schema.json").write_text(json.dumps(ERROR_SCHEMA, indent=2), encoding="utf-8")
    (folder / "openapi.yaml").write_text(yaml.safe_dump(OPENAPI, sort_keys=False), encoding="utf-8")
    return folder.parent


def test_problem_json_provider_loads_through_the_generic_loader(root: Path) -> None:
    contract = load_provider("problems", root)
    assert contract == load_contract(root / "problems", meta_schema())
    assert contract.codes_by_status[403] == ("OUT_OF_CREDIT",)
    assert contract.code_schema("OUT_OF_CREDIT") is not None


def test_problem_json_provider_lints_with_no_problems(root: Path) -> None:
    [(name, result)] = lint_path(root).items()
    assert (name, [str(p) for p in result.problems]) == ("problems", [])
    assert result.codes == ("VALIDATION_ERROR", "UNAUTHORIZED", "OUT_OF_CREDIT")
    assert result.example("out-of-credit").validates == ("stated",)


def test_problem_json_example_is_held_to_its_code_schema(root: Path) -> None:
    contract_file = root / "problems" / "contract.yaml"
    data = yaml.safe_load(contract_file.read_text(encoding="utf-8"))
    data["examples"][0]["body"]["type"] = f"{PROBS}validation-error"
    contract_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    problems = lint_path(root)["problems"].problems_for("example", "out-of-credit")
    assert [p.key_path for p in problems] == ["examples/0/body"]
