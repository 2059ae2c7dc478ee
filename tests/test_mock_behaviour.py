"""The faithful mocks' success paths, state (credits, refunds, tasks) and test-mode faults,
each against a real uvicorn server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from errcontract.contract.model import load_provider
from errcontract.mock.server import ThreadedMock, serve_in_thread
from errcontract.mock.testing import auth_headers

VICSEE = load_provider("vicsee")
VYDRA = load_provider("vydra")
FAULT = "X-Errcontract-Fault"


def _client(mock: ThreadedMock) -> httpx.Client:
    return httpx.Client(base_url=mock.url + "/api/v1")


@pytest.fixture(scope="module")
def vicsee() -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    with serve_in_thread("vicsee", test_mode=True) as mock, _client(mock) as client:
        client.headers.update(auth_headers(VICSEE, mock.fixtures["api_key"]))
        yield client, mock.fixtures


@pytest.fixture(scope="module")
def vydra() -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    with serve_in_thread("vydra", test_mode=True) as mock, _client(mock) as client:
        client.headers.update(auth_headers(VYDRA, mock.fixtures["api_key"]))
        yield client, mock.fixtures


def _generate(client: httpx.Client, model: str, **headers: str) -> httpx.Response:
    return client.post("/generate", json={"model": model, "prompt": "a cat"}, headers=headers)


def test_vicsee_generate_charges_the_models_credits_and_the_task_can_be_read_and_downloaded(
    vicsee: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, fixtures = vicsee
    created = _generate(client, fixtures["model"])
    assert created.status_code == 200
    data = created.json()["data"]
    assert created.json()["success"] is True
    second = _generate(client, fixtures["model"]).json()["data"]
    assert data["creditsRemaining"] - second["creditsRemaining"] == second["creditsUsed"] > 0
    task = client.get(f"/tasks/{data['id']}").json()["data"]
    assert task["id"] == data["id"] and task["result"]["url"].startswith("https://")
    download = client.get(f"/tasks/{data['id']}/download")
    assert download.status_code == 200 and download.json()["data"]["url"]
    proxied = client.get(f"/tasks/{data['id']}/download", params={"mode": "proxy"})
    assert proxied.headers["content-type"] == "image/png"


def test_vicsee_models_need_no_key(vicsee: tuple[httpx.Client, dict[str, str]]) -> None:
    client, fixtures = vicsee
    response = httpx.get(str(client.base_url).rstrip("/") + "/models")
    assert response.status_code == 200
    assert fixtures["model"] in [m["id"] for m in response.json()["data"]]


@pytest.mark.parametrize(
    ("code", "status"),
    [("PROVIDER_ERROR", 500), ("GENERATION_FAILED", 500), ("INTERNAL_ERROR", 500), ("502", 502)],
)
def test_vicsee_fault_header_fails_generate_with_that_code_and_refunds(
    vicsee: tuple[httpx.Client, dict[str, str]], code: str, status: int
) -> None:
    client, fixtures = vicsee
    before = _generate(client, fixtures["model"]).json()["data"]["creditsRemaining"]
    failed = _generate(client, fixtures["model"], **{FAULT: code})
    after = _generate(client, fixtures["model"]).json()["data"]
    assert failed.status_code == status
    answered = failed.json()["error"]["code"]
    assert answered in VICSEE.codes_by_status[status]
    if code in VICSEE.codes:  # a named fault answers with exactly that code
        assert answered == code
    assert before - after["creditsRemaining"] == after["creditsUsed"]  # the failed one was refunded


def test_vicsee_proxy_error_fault_on_download_is_a_documented_5xx(
    vicsee: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, fixtures = vicsee
    task_id = _generate(client, fixtures["model"]).json()["data"]["id"]
    response = client.get(f"/tasks/{task_id}/download", headers={FAULT: "PROXY_ERROR"})
    # ambiguity server-error-statuses: the error page files PROXY_ERROR under (500, 502)
    assert response.status_code in (500, 502)
    assert response.json()["error"]["code"] == "PROXY_ERROR"


def test_fault_header_is_ignored_without_test_mode() -> None:
    with serve_in_thread("vicsee") as mock, _client(mock) as client:
        client.headers.update(auth_headers(VICSEE, mock.fixtures["api_key"]))
        response = _generate(client, mock.fixtures["model"], **{FAULT: "PROVIDER_ERROR"})
    assert response.status_code == 200


def _credits(client: httpx.Client) -> int:
    return client.get("/organization").json()["creditsRemaining"]


def test_vydra_job_is_created_201_listed_read_and_cancelling_refunds_it(
    vydra: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, _ = vydra
    before = _credits(client)
    created = client.post("/jobs", json={"workflow": "generate_video", "input": {"prompt": "x"}})
    assert created.status_code == 201
    job = created.json()
    assert _credits(client) == before - job["creditsCharged"]
    assert job["id"] in [j["id"] for j in client.get("/jobs", params={"limit": 100}).json()["data"]]
    assert client.get(f"/jobs/{job['id']}").json()["id"] == job["id"]
    cancelled = client.delete(f"/jobs/{job['id']}").json()
    assert cancelled["status"] == "cancelled"
    assert _credits(client) == before


def test_vydra_500_fault_reports_and_applies_the_refund(
    vydra: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, _ = vydra
    before = _credits(client)
    response = client.post("/models/flux-pro", json={"prompt": "x"}, headers={FAULT: "500"})
    assert response.status_code == 500
    assert response.json()["refund"] == {"applied": True, "creditsRefunded": 10}
    assert isinstance(response.json()["code"], str)
    assert _credits(client) == before


def test_vydra_model_run_upload_limits_and_health_succeed(
    vydra: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, _ = vydra
    run = client.post("/models/flux-schnell", json={"prompt": "x"})
    assert run.status_code == 200 and run.json()["creditsCharged"] == 2
    upload = client.post("/upload", files={"file": ("a.png", b"\x89PNG" + bytes(60), "image/png")})
    assert upload.status_code == 200 and upload.json()["size"] == 64
    limits = client.get("/account/rate-limits").json()
    assert set(limits["limits"]) == {"rpm", "rph", "rpd", "concurrent"}
    assert httpx.get(str(client.base_url).rstrip("/") + "/health").status_code == 200
    models = client.get("/models", params={"isActive": "false"}).json()
    assert models["count"] == len(models["data"]) == 1


def test_vydra_unknown_route_gets_the_not_found_envelope(
    vydra: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, _ = vydra
    response = client.get("/no/such/route")
    assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")
