"""A request part the docs do not give (a guessed body, a model read from the target) is marked on
the request; a target refusing that part, before the defect under test, leaves the code not
observed rather than failed, and the refusal is no `code_justified` finding."""

from __future__ import annotations

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.verdicts import Verdict
from errcontract.requests.assumptions import assumed_defects
from errcontract.requests.recipes import defect_class_for
from errcontract.run.code_tests import provoke
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun
from tests.faulty_servers import Connection, LoopbackServer, Request, VicSeeKeys, vicsee_answer, vicsee_error
from tests.faulty_servers.vicsee import rate_limit_headers

KEY, BROKE = "sk-assumed-main-0001", "sk-assumed-broke-0002"


@pytest.mark.parametrize(
    ("provider", "endpoint", "discovered", "locations"),
    [
        ("vicsee", "generate", (), []),
        ("vicsee", "upscale", (), ["body"]),
        ("vicsee", "generate", ("model",), ["body"]),
        ("vydra", "run_model", ("model",), ["body", "path"]),
        ("vydra", "create_job", ("model",), []),
    ],
)
def test_parts_the_docs_do_not_give_are_marked_assumed(
    provider: str, endpoint: str, discovered: tuple[str, ...], locations: list[str]
) -> None:
    contract = load_provider(provider)
    found = assumed_defects(contract, endpoint, discovered)
    assert all(d.assumed and not d.certain and d.codes for d in found)
    expected = [defect_class_for(contract, contract.endpoints[endpoint], where)[0] for where in locations]
    assert sorted(str(d.defect_class) for d in found) == sorted(map(str, expected))


def own_upscale_fields(request: Request, conn: Connection) -> None:
    """A faithful VicSee whose upscale wants `imageUrl` and checks the body before credits."""
    if request.path == "/api/v1/tools/upscale" and b"imageUrl" not in request.body:
        conn.send(vicsee_error(400, "INVALID_JSON", "Invalid request body", rate_limit_headers()))
        return
    conn.send(vicsee_answer(request, VicSeeKeys(valid={KEY, BROKE}, no_credits={BROKE}), rate_limit_headers))


def test_refusal_of_a_guessed_body_leaves_the_code_not_observed_there() -> None:
    with LoopbackServer(own_upscale_fields) as server:
        options = RunOptions(provider="vicsee", target=server.url, allow_spend=100)
        fixtures = {"api_key": KEY, "api_key_no_credits": BROKE, "model": "vicsee-image-1"}
        run = ProviderRun(load_provider("vicsee"), options, server.url, fixtures, embedded_mock=False)
        result = provoke(run, "INSUFFICIENT_CREDITS")
        results = run.results().to_json()
        run.client.close()
    cells = {endpoint: (verdict, reason) for endpoint, verdict, reason in result.cells}
    assert cells["generate"][0] is Verdict.PASS
    assert cells["upscale"][0] is Verdict.NOT_OBSERVED and "a guessed body" in (cells["upscale"][1] or "")
    assert result.verdict is Verdict.PASS
    assert not [v for v in results["violations"] if v["check"] == "code_justified"]
