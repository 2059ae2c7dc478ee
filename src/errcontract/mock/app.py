"""The mock as a Starlette app: one catch-all route handing every request to the engine.

One route, not one per endpoint: unknown paths and methods must get the provider's own 404
envelope (never Starlette's plain-text 404/405), and the engine owns routing so drifts and
checks see every request the same way.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from errcontract.contract.model import Contract
from errcontract.core.errors import UsageError
from errcontract.mock.config import load_mock_config
from errcontract.mock.drifts import drifts_for
from errcontract.mock.engine import Engine
from errcontract.mock.state import MockState


def build_app(
    contract: Contract, drift: str | None = None, test_mode: bool = False
) -> tuple[Starlette, dict[str, str]]:
    """The provider's mock app and its fixtures (keys and ids are fresh on every call).

    `drift` names one of `drifts_for(contract)`; `test_mode` enables the X-Errcontract-Fault
    header, which a default app ignores.
    """
    config = load_mock_config(contract)
    chosen = None
    if drift is not None:
        available = drifts_for(contract)
        if drift not in available:
            raise UsageError(
                f"unknown drift {drift!r} for {contract.provider}: see 'errcontract mock "
                f"{contract.provider} --list-drifts'"
            )
        chosen = available[drift]
    state = MockState(config)
    engine = Engine(config, state, chosen, test_mode)
    app = Starlette(routes=[Route("/{path:path}", engine)])
    app.state.engine = engine
    return app, dict(state.fixtures)
