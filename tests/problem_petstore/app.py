"""The petstore behind openapi.yaml, on connexion 3: connexion routes, checks the key and
validates each request from the document, and raises its own problems; the handlers add only
what the document cannot say (a pet that does not exist is a 404 problem).

Run by tests/test_problem_framework.py in a virtual environment of its own (connexion is no
dependency of errcontract): `python app.py PORT KEY`, on 127.0.0.1 only.
"""

from __future__ import annotations

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


def main() -> None:
    app = connexion.AsyncApp(__name__, specification_dir=str(Path(__file__).parent))
    app.add_api("openapi.yaml")
    app.run(host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")


if __name__ == "__main__":
    main()
