"""Envelope families and the protocol rules they give, judged on recorded exchanges.

A family (src/errcontract/contract/families/<name>/) is shipped data a contract names with
`family:`; it fills in the envelope, the error schema, the media type, protocol rules and
every-response headers the contract leaves out. Each rule is shown here failing on the exchange
that breaks it and holding on the one that keeps it, with the strength its standard gives it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from errcontract.contract.cases import identify
from errcontract.contract.families import family_names, find_family
from errcontract.contract.lint import lint_path
from errcontract.contract.model import Contract, load_contract, load_provider, meta_schema
from errcontract.core.errors import ContractError
from errcontract.core.exchange import Defect, Exchange, RequestSpec
from errcontract.core.verdicts import Severity, Strength, Verdict
from errcontract.judge.checks import Oracle, run_checks
from errcontract.judge.verdict import CodeRow, final_verdict
from errcontract.requests.recipes import apply_defect, base_request

DATA = Path(__file__).parent / "data" / "families"

MINIMAL = """
provider: {name}
title: {name}
contract_version: "1"
family: {family}
sources: {{guide: {{title: a made-up guide}}}}
base_path: /v1
auth: {{header: Authorization, scheme: Bearer, source: "guide"}}
statuses:
  "200": {{description: OK, source: guide}}
  "400": {{description: Bad Request, source: guide}}
  "404": {{description: Not Found, source: guide}}
fixtures: {{api_key: {{description: a key, secret: true}}}}
endpoints:
  get_thing: {{method: GET, path: "/things/{{id}}", auth: true, body: none, success_status: 200,
              request: {{path_params: {{id: "1"}}}}, source: guide}}
codes:
  not_found: {{status: [404], match: {{}}, message: No such thing, endpoints: [get_thing],
              provoke: observe-only, source: guide}}
  bad_request: {{status: [400], match: {{}}, message: Bad request, endpoints: [get_thing],
                provoke: observe-only, source: guide}}
headers: {{}}
examples: []
ambiguities: []
"""


def family_contract(tmp_path: Path, family: str) -> Contract:
    folder = tmp_path / f"t-{family}"
    folder.mkdir()
    (folder / "contract.yaml").write_text(MINIMAL.format(name=f"t-{family}", family=family), encoding="utf-8")
    return load_contract(folder, meta_schema())


def recorded(
    status: int, body: Any, headers: dict[str, str] | None = None, path: str = "/v1/things/1"
) -> Exchange:
    """A GET of a documented path (so stated findings are violations) and its answer."""
    spec = RequestSpec(method="GET", path=path, endpoint=None, key_fixture="api_key")
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Exchange(
        request=spec,
        url="http://127.0.0.1:1" + path,
        status=status,
        headers={"content-type": "application/json", **(headers or {})},
        body=raw,
    )


def findings(contract: Contract, ex: Exchange) -> dict[str, tuple[Severity, Strength]]:
    """Each check's finding on the exchange (code_justified left out: these requests carry no
    defect, which it warns about whatever the family)."""
    outcome = run_checks(ex, Oracle(contract))
    found = [*outcome.violations, *outcome.warnings]
    return {v.check: (v.severity, v.strength) for v in found if v.check != "code_justified"}


PROBLEM = {"content-type": "application/problem+json"}
JSON = {"content-type": "application/json"}


# -- the families themselves --------------------------------------------------------------------


def test_every_shipped_family_loads_with_its_schema_and_a_source_for_each_rule():
    names = family_names()
    assert {"problem-details", "google", "anthropic", "openai", "jsonapi"} <= set(names)
    for name in names:
        family = find_family(name)
        assert family.schema["$defs"]["stated"], name
        for rules in family.document.get("protocol", {}).values():
            for rule in rules if isinstance(rules, list) else [rules]:
                assert rule["source"].split(":")[0] in family.document["sources"], (name, rule)


def test_a_family_is_found_by_its_alias():
    assert find_family("problem-json").name == "problem-details"


def test_an_unknown_family_is_one_line_naming_the_file_and_the_known_families(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "contract.yaml").write_text(MINIMAL.format(name="x", family="soap"), encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_contract(folder, meta_schema())
    message = str(caught.value)
    assert "\n" not in message and "contract.yaml: family: unknown family 'soap'" in message
    assert "problem-details" in message
    (problem,) = lint_path(folder)["x"].problems
    assert "unknown family 'soap'" in str(problem)


def test_openai_takes_its_envelope_from_the_family_and_keeps_its_own_case_schemas():
    openai = load_provider("openai")
    assert openai.family == "openai"
    assert openai.envelope.code_pointer == "/error/code"
    defs = openai.error_schema["$defs"]
    assert defs["error"]["required"] == ["type", "message", "param", "code"]
    own = json.loads((openai.root / "error.schema.json").read_text(encoding="utf-8"))
    assert defs["codes"] == own["$defs"]["codes"] and "stated" not in own["$defs"]


def test_the_family_test_contracts_lint_clean():
    for folder in sorted(DATA.iterdir()):
        result = lint_path(folder)[folder.name]
        assert result.ok, [str(p) for p in result.problems]


# -- RFC 9457 problem details ---------------------------------------------------------------------


def test_problem_status_member_that_disagrees_with_the_http_status_is_a_stated_violation(tmp_path):
    contract = family_contract(tmp_path, "problem-details")
    found = findings(contract, recorded(404, {"title": "Not Found", "status": 400}, PROBLEM))
    assert found["status_member"] == (Severity.VIOLATION, Strength.STATED)
    assert "status_member" not in findings(contract, recorded(404, {"status": 404}, PROBLEM))


def test_problem_status_member_written_as_a_string_is_a_violation(tmp_path):
    contract = family_contract(tmp_path, "problem-details")
    assert "status_member" in findings(contract, recorded(404, {"status": "404"}, PROBLEM))


def test_problem_sent_as_plain_json_is_an_exemplified_warning(tmp_path):
    contract = family_contract(tmp_path, "problem-details")
    found = findings(contract, recorded(404, {"title": "Not Found", "status": 404}))
    assert found["error_media_type"] == (Severity.WARNING, Strength.EXEMPLIFIED)
    assert "error_media_type" not in findings(contract, recorded(404, {"status": 404}, PROBLEM))


def test_problem_about_blank_title_other_than_the_reason_phrase_warns(tmp_path):
    contract = family_contract(tmp_path, "problem-details")
    found = findings(contract, recorded(404, {"type": "about:blank", "title": "Oops"}, PROBLEM))
    assert found["blank_title"] == (Severity.WARNING, Strength.EXEMPLIFIED)
    for kept in ({"title": "not found"}, {"type": "https://example.com/probs/gone", "title": "Oops"}):
        assert "blank_title" not in findings(contract, recorded(404, kept, PROBLEM)), kept


def test_problem_extension_members_are_allowed_and_member_types_are_stated(tmp_path):
    contract = family_contract(tmp_path, "problem-details")
    body = {"type": "https://example.com/probs/out-of-credit", "balance": 30, "accounts": ["/a/1"]}
    assert findings(contract, recorded(400, body, PROBLEM)) == {}
    assert "envelope" in findings(contract, recorded(400, {"title": 7}, PROBLEM))


# -- google.rpc.Status (AIP-193) ------------------------------------------------------------------


def google_error(code: int, status: str, reason: str = "THEME_REQUIRED") -> dict[str, Any]:
    info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "x.example"}
    return {"error": {"code": code, "message": "m", "status": status, "details": [info]}}


@pytest.fixture(scope="module")
def shelves() -> Contract:
    return load_contract(DATA / "shelves-google", meta_schema())


def test_google_error_code_other_than_the_http_status_is_a_violation(shelves):
    assert "status_member" in findings(shelves, recorded(400, google_error(404, "INVALID_ARGUMENT")))
    assert findings(shelves, recorded(400, google_error(400, "INVALID_ARGUMENT"))) == {}


def test_google_status_name_not_mapped_to_the_http_status_is_a_violation(shelves):
    found = findings(shelves, recorded(400, google_error(400, "NOT_FOUND"), path="/v1/shelves/1"))
    assert found["status_name"] == (Severity.VIOLATION, Strength.STATED)


def test_google_error_without_exactly_one_error_info_or_with_a_bad_reason_breaks_the_envelope(shelves):
    none = google_error(400, "INVALID_ARGUMENT")
    none["error"]["details"] = []
    lower = google_error(400, "INVALID_ARGUMENT", reason="theme_required")
    long = google_error(400, "INVALID_ARGUMENT", reason="A" * 64)
    for body in (none, lower, long):
        assert "envelope" in findings(shelves, recorded(400, body)), body


def test_google_case_is_decided_by_the_error_info_reason_in_any_detail(shelves):
    body = google_error(400, "INVALID_ARGUMENT")
    body["error"]["details"].insert(0, {"@type": "type.googleapis.com/google.rpc.Help", "links": []})
    assert identify(shelves, body, 400) == "THEME_REQUIRED"
    assert identify(shelves, google_error(400, "INVALID_ARGUMENT", "OTHER"), 400) == "INVALID_ARGUMENT"


def test_google_404_to_a_request_without_permission_breaks_permission_before_existence(shelves):
    denied = Defect("use_key: api_key_read_only", "auth", ("PERMISSION_DENIED",))
    unknown = Defect("path: ids no resource has", "shelf", ("NOT_FOUND",))
    spec = RequestSpec(method="GET", path="/v1/shelves/x", endpoint="get_shelf", defects=(denied, unknown))
    answered = Exchange(spec, "http://127.0.0.1:1/v1/shelves/x", 404, JSON, b"")
    answered.body = json.dumps(google_error(404, "NOT_FOUND", "SHELF_NOT_FOUND")).encode()
    assert findings(shelves, answered)["status_precedence"] == (Severity.VIOLATION, Strength.STATED)
    first = Exchange(spec, "http://127.0.0.1:1/v1/shelves/x", 403, JSON, b"")
    first.body = json.dumps(google_error(403, "PERMISSION_DENIED", "DENIED")).encode()
    assert "status_precedence" not in findings(shelves, first)


# -- JSON:API -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def articles() -> Contract:
    return load_contract(DATA / "articles-jsonapi", meta_schema())


VND = {"content-type": "application/vnd.api+json"}


def articles_exchange(status: int, body: Any, headers: dict[str, str]) -> Exchange:
    spec = RequestSpec(method="GET", path="/api/articles/1", endpoint="get_article", key_fixture="api_key")
    return Exchange(spec, "http://127.0.0.1:1/api/articles/1", status, headers, json.dumps(body).encode())


def test_jsonapi_status_string_other_than_the_http_status_warns(articles):
    body = {"errors": [{"status": "400", "code": "article_not_found"}]}
    found = findings(articles, articles_exchange(404, body, VND))
    assert found == {"status_member": (Severity.WARNING, Strength.EXEMPLIFIED)}
    body = {"errors": [{"status": "404", "code": "article_not_found"}]}
    assert findings(articles, articles_exchange(404, body, VND)) == {}


def test_jsonapi_status_as_a_number_breaks_the_envelope_and_plain_json_breaks_the_media_type(articles):
    body = {"errors": [{"status": 404, "code": "article_not_found"}]}
    found = findings(articles, articles_exchange(404, body, {"content-type": "application/json"}))
    assert found["envelope"][0] is Severity.VIOLATION
    assert found["error_media_type"] == (Severity.VIOLATION, Strength.STATED)


# -- Anthropic: a header on every response --------------------------------------------------------


def test_every_response_header_missing_is_stated_and_its_pattern_only_exemplified(tmp_path):
    contract = family_contract(tmp_path, "anthropic")
    body = {"type": "error", "error": {"type": "not_found_error", "message": "m"}, "request_id": "req_1"}
    missing = findings(contract, recorded(404, body))
    assert missing == {"every_response_headers": (Severity.VIOLATION, Strength.STATED)}
    other = findings(contract, recorded(404, body, {"request-id": "0f8f-uuid"}))
    assert other == {"every_response_headers": (Severity.WARNING, Strength.EXEMPLIFIED)}
    assert findings(contract, recorded(404, body, {"request-id": "req_018EeWyXxfu5pfWkrYcMdjWG"})) == {}
    served = recorded(200, {"id": "msg_1"})
    assert "every_response_headers" in findings(contract, served)


# -- a 5xx to a client defect ---------------------------------------------------------------------


def defective(status: int, body: Any, certain: bool, assumed: bool = False) -> Exchange:
    defect = Defect("content type: none", "body", ("bad_request",), certain=certain, assumed=assumed)
    spec = RequestSpec(method="GET", path="/v1/things/1", endpoint="get_thing", defects=(defect,))
    return Exchange(spec, "http://127.0.0.1:1/v1/things/1", status, PROBLEM, json.dumps(body).encode())


def test_a_5xx_to_a_soft_defect_warns_and_to_a_certain_one_fails(tmp_path):
    contract = family_contract(tmp_path, "problem-details")
    crash = {"title": "Internal Server Error", "status": 500}
    soft = run_checks(defective(500, crash, certain=False), Oracle(contract))
    assert [v.check for v in soft.warnings] == ["no_server_error_for_client_mistake"]
    certain = run_checks(defective(500, crash, certain=True), Oracle(contract))
    assert "no_server_error_for_client_mistake" in {v.check for v in certain.violations}
    assumed = run_checks(defective(500, crash, certain=False, assumed=True), Oracle(contract))
    assert "no_server_error_for_client_mistake" not in {v.check for v in assumed.warnings}


def test_an_observe_only_server_error_met_only_on_a_client_defect_does_not_pass():
    row = CodeRow("server_error", met_on_client_defect=4)
    final = final_verdict(row, (500,), None)
    assert final.verdict is Verdict.NOT_OBSERVED and "client defect" in (final.reason or "")
    row.observed, row.observed_statuses = 1, {500}
    assert final_verdict(row, (500,), None).verdict is Verdict.PASS


# -- wrong method, unknown path -------------------------------------------------------------------


def test_a_405_must_carry_allow_with_the_documented_methods_where_the_docs_give_405(tmp_path):
    contract = family_contract(tmp_path, "problem-details")
    assert "allow_header" not in findings(
        contract, recorded(405, {"status": 405}, PROBLEM)
    )  # 405 undocumented
    folder = tmp_path / "t-problem-details"
    text = (folder / "contract.yaml").read_text(encoding="utf-8")
    not_found = '"404": {description: Not Found, source: guide}'
    text = text.replace(not_found, not_found + '\n  "405": {description: Method Not Allowed, source: guide}')
    (folder / "contract.yaml").write_text(text, encoding="utf-8")
    contract = load_contract(folder, meta_schema())
    post = Exchange(
        RequestSpec(method="POST", path="/v1/things/1", endpoint="get_thing"),
        "http://127.0.0.1:1/v1/things/1",
        405,
        PROBLEM,
        json.dumps({"status": 405}).encode(),
    )
    assert "allow_header" in findings(contract, post)
    post.headers["allow"] = "HEAD, OPTIONS"
    assert "allow_header" in findings(contract, post)
    post.headers["allow"] = "GET, HEAD"
    assert "allow_header" not in findings(contract, post)


def test_method_and_path_defects_send_the_request_the_wrong_way_or_to_the_wrong_place(tmp_path):
    contract = family_contract(tmp_path, "problem-details")
    spec = base_request(contract, contract.endpoints["get_thing"], {"api_key": "k"}, set())
    assert apply_defect(contract, spec, {"method": "DELETE"}, {}, set()).method == "DELETE"
    moved = apply_defect(contract, spec, {"path": "/errcontract-no-such-path"}, {}, set())
    assert moved.path == "/v1/errcontract-no-such-path" and moved.method == "GET"


@pytest.mark.parametrize(
    ("defect", "says"),
    [
        (
            "{method: GET}",
            "GET /things/{id} is documented: a wrong-method recipe needs a method its path lacks",
        ),
        ('{path: "/things/{id}"}', "/things/{id} is a documented path: an unknown-path recipe needs one"),
    ],
)
def test_the_lint_refuses_a_wrong_method_or_unknown_path_recipe_the_docs_document(tmp_path, defect, says):
    folder = tmp_path / "t"
    folder.mkdir()
    text = MINIMAL.format(name="t", family="problem-details")
    text = text.replace(
        "provoke: observe-only, source: guide}\n  bad_request",
        f"provoke: {{endpoint: get_thing, defect: {defect}}}, source: guide}}\n  bad_request",
    )
    (folder / "contract.yaml").write_text(text, encoding="utf-8")
    problems = [str(p) for p in lint_path(folder)["t"].problems]
    assert any(says in p for p in problems), problems
