"""Builders for recorded exchanges, so checks are tested without any server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from errcontract.contract.model import Contract, has_embedded_mock, provider_names
from errcontract.core.exchange import Defect, Exchange, RequestSpec


def mocked_providers() -> tuple[str, ...]:
    """The providers whose folder describes an embedded mock (mock.yaml): the ones a test can
    run against with no target (a new one is picked up with no test change)."""
    return tuple(p for p in provider_names() if has_embedded_mock(p))


def recorded_providers() -> tuple[str, ...]:
    """The providers with a recorded run in tests/data (results-<provider>.json)."""
    return tuple(p for p in provider_names() if (DATA / f"results-{p}.json").is_file())


DATA = Path(__file__).parent / "data"

VICSEE_HEADERS = {
    "content-type": "application/json",
    "x-ratelimit-limit": "500",
    "x-ratelimit-remaining": "499",
    "x-ratelimit-reset": "2026-11-24T00:00:00.000Z",
}


def spec_for(
    contract: Contract,
    endpoint: str = "generate",
    defect_codes: tuple[str, ...] = (),
    key_fixture: str | None = "api_key",
    origin: str = "probe",
) -> RequestSpec:
    ep = contract.endpoints[endpoint]
    defects = (Defect("test-defect", None, defect_codes),) if defect_codes else ()
    path = contract.base_path + ep.path.replace("{id}", "t1").replace("{slug}", "m1")
    return RequestSpec(
        method=ep.method,
        path=path,
        endpoint=endpoint,
        defects=defects,
        key_fixture=key_fixture,
        origin=origin,
    )


def exchange(spec: RequestSpec, status: int, body: Any, headers: dict[str, str] | None = None) -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Exchange(
        request=spec,
        url="http://127.0.0.1:1" + spec.path,
        status=status,
        headers=dict(VICSEE_HEADERS if headers is None else headers),
        body=raw,
    )


JSON = {"content-type": "application/json"}


def openai_error(type_: str, code: str | None, message: str = "something", param: str | None = None) -> dict:
    """OpenAI's error object, every member present (its OpenAPI `Error` schema)."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def vicsee_error(code: str, message: str = "something") -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message}}


def edit(file: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file (which must hold it): break a contract on purpose."""
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
