"""The drift registry: realistic ways a provider strays from its documented error contract.

Each drift is one small function whose docstring says exactly how it is wrong, registered by
name with the pipeline hook it bends: `response` (rewrites a finished response), `error`
(changes which error a check raises, or skips it), `inspect` (sees raw input and may crash) or
`skip` (leaves out one named step of the provider's behaviour: `ownership`, `refund_on_cancel`).
Drifts are generic over the contract; `applies` drops those a provider cannot show. The drifts
themselves are in `library`, `semantics` and `protocol`; `drifts.drifts_for` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from errcontract.core.registry import Registry

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
    caught_by: frozenset[str] = frozenset()  # the checks that must catch it (any one); empty:
    # a departure from our mock only, which the docs allow (the suites must not fail it)
    as_warning: bool = False  # it breaks an exemplified fact only: a warning (fails with --strict)
    # Where one provider's docs leave open what another's promise, the contract decides, not the
    # drift: `allowed` (the docs allow it: caught by nothing) and `warns` (only an example shows
    # the fact it breaks) read the provider's contract.
    allowed: Applies | None = None
    warns: Applies | None = None

    def for_provider(self, config: MockConfig) -> Drift:
        """This drift as the provider's contract judges it."""
        if self.allowed is not None and self.allowed(config):
            return replace(self, caught_by=frozenset(), as_warning=False)
        if self.warns is not None and self.warns(config):
            return replace(self, as_warning=True)
        return self

    def respond(self, outcome: Outcome, call: Call, engine: Engine) -> Outcome:
        return self.fn(outcome, call, engine) if self.hook == "response" else outcome

    def rewrite_error(self, err: MockError, call: Call, engine: Engine) -> MockError | None:
        return self.fn(err, call, engine) if self.hook == "error" else err

    def inspect(self, stage: str, value: Any, call: Call, engine: Engine) -> None:
        if self.hook == "inspect":
            self.fn(stage, value, call, engine)

    def skips(self, step: str, call: Call, engine: Engine) -> bool:
        return self.hook == "skip" and bool(self.fn(step, call, engine))


REGISTRY: Registry[Drift] = Registry("drift")


def always(config: MockConfig) -> bool:
    return True


def drift(
    hook: str,
    applies: Applies = always,
    *,
    caught_by: set[str],
    description: str,
    as_warning: bool = False,
    allowed: Applies | None = None,
    warns: Applies | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a drift under its function's name in kebab-case, with the description users read
    (`errcontract mock --list-drifts`) as data; `caught_by` names the checks that must catch it
    (the drift tests read it), unless the provider's contract says its docs allow it (`allowed`)
    or only exemplify it (`warns`)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        name = fn.__name__.replace("_", "-")
        made = Drift(name, description, hook, fn, applies, frozenset(caught_by), as_warning, allowed, warns)
        REGISTRY.add(name, made, description)
        return fn

    return register


def has_status(status: int) -> Applies:
    return lambda config: bool(config.contract.codes_by_status.get(status))


def has_condition(condition: str) -> Applies:
    return lambda config: config.code_for(condition) is not None


def provokes(condition: str) -> Applies:
    """The condition maps to a code the contract provokes (a recipe with the fixtures to reach
    it): a drift there is one a run can see."""

    def applies(config: MockConfig) -> bool:
        code = config.contract.codes.get(config.code_for(condition) or "")
        return code is not None and not code.observe_only

    return applies


def requires_rate_limit_headers(config: MockConfig) -> bool:
    spec = config.contract.headers.rate_limit
    return spec is not None and spec.required_on != "none" and any(f.required for f in spec.fields.values())
