"""Named drifts: realistic ways a provider strays from its documented error contract.

Each drift is one small function whose docstring says exactly how it is wrong, registered by
name with the pipeline hook it bends: `response` (rewrites a finished response), `error`
(changes which error a check raises, or skips it) or `inspect` (sees raw input and may crash).
Drifts are generic over the contract; `applies` drops those a provider cannot show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from errcontract.contract import Contract

if TYPE_CHECKING:
    from errcontract.mock.config import MockConfig
    from errcontract.mock.engine import Call, Engine
    from errcontract.mock.respond import MockError, Outcome

Applies = Callable[["MockConfig"], bool]


class SimulatedCrash(Exception):
    """Raised by an `inspect` drift: the app answers as an unhandled exception would (500)."""


@dataclass(frozen=True)
class Drift:
    name: str
    description: str
    hook: str
    fn: Callable[..., Any]
    applies: Applies

    def respond(self, outcome: Outcome, call: Call, engine: Engine) -> Outcome:
        return self.fn(outcome, call, engine) if self.hook == "response" else outcome

    def rewrite_error(self, err: MockError, call: Call, engine: Engine) -> MockError | None:
        return self.fn(err, call, engine) if self.hook == "error" else err

    def inspect(self, stage: str, value: Any, call: Call, engine: Engine) -> None:
        if self.hook == "inspect":
            self.fn(stage, value, call, engine)


REGISTRY: dict[str, Drift] = {}


def always(config: MockConfig) -> bool:
    return True


def drift(hook: str, applies: Applies = always) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a drift under its function's name in kebab-case; its docstring describes it."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        name = fn.__name__.replace("_", "-")
        description = re.sub(r"\s+", " ", (fn.__doc__ or "").strip())
        REGISTRY[name] = Drift(name, description, hook, fn, applies)
        return fn

    return register


def drifts_for(contract: Contract) -> dict[str, Drift]:
    """The drifts this provider's contract and mock data can show, by name."""
    from errcontract.mock import drift_library  # noqa: F401 - registers the drifts
    from errcontract.mock.config import load_mock_config

    config = load_mock_config(contract)
    return {name: d for name, d in sorted(REGISTRY.items()) if d.applies(config)}


def has_status(status: int) -> Applies:
    return lambda config: bool(config.contract.codes_by_status.get(status))


def has_condition(condition: str) -> Applies:
    return lambda config: config.code_for(condition) is not None
