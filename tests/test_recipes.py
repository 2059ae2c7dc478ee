"""Recipes: one documented defect each, fixtures filled, missing fixtures named."""

from __future__ import annotations

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.exchange import NO_JSON
from errcontract.requests.recipes import MissingFixture, build_request

FIXTURES = {
    "api_key": "sk-test-0123456789abcdef",
    "pending_task_id": "task-pending",
    "model": "any-listed-model",
    "foreign_task_id": "task-foreign",
    "no_result_task_id": "task-empty",
    "api_key_no_credits": "sk-poor-0123456789abcdef",
    "api_key_rate_limited": "sk-busy-0123456789ab",
}


@pytest.fixture(scope="module")
def vicsee():
    return load_provider("vicsee")


def test_every_provokable_code_has_a_buildable_recipe(vicsee):
    for code in vicsee.codes.values():
        if not code.observe_only:
            spec = build_request(vicsee, code.provoke, FIXTURES)
            assert spec.justified_codes() == {code.name}
            assert spec.origin == f"recipe:{code.provoke}"


def test_missing_model_recipe_drops_only_model(vicsee):
    spec = build_request(vicsee, "missing-model", FIXTURES)
    assert spec.json_body == {"prompt": "errcontract conformance probe"}
    assert spec.headers["Authorization"] == "Bearer sk-test-0123456789abcdef"


def test_invalid_json_recipe_sends_raw_text(vicsee):
    spec = build_request(vicsee, "invalid-json", FIXTURES)
    assert spec.json_body is NO_JSON
    assert spec.content.startswith(b'{"model": "any-listed-model"')


def test_use_key_recipe_swaps_the_key_and_names_its_fixture(vicsee):
    spec = build_request(vicsee, "insufficient-credits", FIXTURES)
    assert spec.headers["Authorization"] == "Bearer sk-poor-0123456789abcdef"
    assert spec.key_fixture == "api_key_no_credits"


def test_path_params_recipe_needs_no_base_ids(vicsee):
    spec = build_request(vicsee, "task-not-found", {"api_key": "sk-x-0123456789"})
    assert spec.path == "/api/v1/tasks/errcontract-no-such-task-0000"


def test_missing_fixture_is_named(vicsee):
    with pytest.raises(MissingFixture) as info:
        build_request(vicsee, "forbidden", {"api_key": "sk-x-0123456789"})
    assert info.value.names == ["foreign_task_id"]


def test_rate_limit_recipe_expects_a_429(vicsee):
    assert build_request(vicsee, "rate-limited", FIXTURES).expects_rate_limit
    assert not build_request(vicsee, "invalid-model", FIXTURES).expects_rate_limit


def test_vydra_upload_recipe_describes_the_file():
    vydra = load_provider("vydra")
    spec = build_request(vydra, "file-too-large", {"api_key": "vydra_live_user_u1_abc"})
    assert spec.upload.size == 20 * 1024 * 1024 + 1
    assert spec.upload.content_type == "image/png"


def test_scope_recipe_falls_back_over_endpoints_with_an_uncertain_defect():
    from errcontract.requests.recipes import build_requests

    vydra = load_provider("vydra")
    specs = build_requests(
        vydra,
        "insufficient-scope",
        {"api_key": "vydra_live_user_u1_abc", "api_key_limited_scope": "vydra_live_user_u1_xyz"},
    )
    assert [s.endpoint for s in specs] == ["list_models", "upload", "list_jobs", "organization"]
    assert not any(s.has_certain_defect for s in specs)


def test_a_header_defect_on_an_id_path_is_sent_with_a_made_up_id_marked_assumed(vicsee):
    """INVALID_AUTH_FORMAT's recipe is on GET /tasks/{id}: without --pending-task-id a made-up id
    serves as well (the defect is in the header); the id is an assumed part of the request, so
    an answer refusing it (TASK_NOT_FOUND) means the defect was not reached, never a failure."""
    spec = build_request(vicsee, "invalid-auth-format", {"api_key": "sk-x-0123456789"})
    assert spec.path == "/api/v1/tasks/errcontract-made-up-id"
    assert spec.headers["Authorization"].startswith("Token ")
    assumed = [d for d in spec.defects if d.assumed]
    assert len(assumed) == 1 and "TASK_NOT_FOUND" in assumed[0].codes and not assumed[0].certain
    assert spec.has_certain_defect  # the header defect still must be refused
