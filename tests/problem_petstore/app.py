"""The petstore behind openapi.yaml, on connexion 3: connexion routes, checks the key and
validates each request from the document, and raises its own problems; the handlers add only
what the document cannot say (a pet that does not exist is a 404 problem).

Run by tests/test_problem_framework.py in a virtual environment of its own (connexion is no
dependency of errcontract): `python app.py PORT KEY [DRIFT]`, on 127.0.0.1 only. DRIFT bends
connexion's own problems after the fact, to show errcontract catches it: `status-member` (the
body's status says 400 whatever the response's), `plain-json` (sent as application/json),
`no-allow` (a 405 without its Allow header).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import connexion
from connexion import problem

KEY = sys.argv[2] if len(sys.argv) > 2 else "petstore-key"
PETS: dict[int, dict[str, Any]] = {1: {"id": 1, "name": "Rex", "tag": "dog"}}
# An operation whose responses have several media types (JSON, problem+json) needs its handler
# to name the one it returns: connexion answers 500 otherwise.
JSON = {"Content-Type": "application/json"}


def check_key(token: str) -> dict[str, Any] | None:
    return {"sub": "tester"} if token == KEY else None


def list_pets(limit: int = 20) -> Any:
    return list(PETS.values())[:limit], 200, JSON


def create_pet(body: dict[str, Any]) -> Any:
    pet = {"id": max(PETS) + 1, **body}
    PETS[pet["id"]] = pet
    return pet, 201, JSON


def get_pet(pet_id: int) -> Any:
    if pet_id not in PETS:
        return problem(404, "Not Found", f"No pet has id {pet_id}")
    return PETS[pet_id], 200, JSON


class Drift:
    """ASGI middleware rewriting each application/problem+json response as DRIFT says."""

    def __init__(self, app: Any, kind: str) -> None:
        self.app, self.kind = app, kind

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {}

        async def bend(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                held["start"] = message
                return
            start = held.pop("start", None)
            if start is None:
                await send(message)
                return
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            body = message.get("body", b"")
            if (b"content-type", b"application/problem+json") in [(k.lower(), v) for k, v in headers]:
                body, headers = self.rewrite(body, headers)
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({**message, "body": body})

        await self.app(scope, receive, bend)

    def rewrite(self, body: bytes, headers: list[Any]) -> tuple[bytes, list[Any]]:
        if self.kind == "no-allow":
            return body, [(k, v) for k, v in headers if k.lower() != b"allow"]
        if self.kind == "plain-json":
            return body, [(k, b"application/json" if k.lower() == b"content-type" else v) for k, v in headers]
        problem = json.loads(body)
        problem["status"] = 400 if problem.get("status") != 400 else 422
        return json.dumps(problem).encode(), headers


def main() -> None:
    app = connexion.AsyncApp(__name__, specification_dir=str(Path(__file__).parent))
    app.add_api("openapi.yaml")
    drift = sys.argv[3] if len(sys.argv) > 3 else ""
    served: Any = Drift(app, drift) if drift else app
    import uvicorn

    uvicorn.run(served, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")


if __name__ == "__main__":
    main()
