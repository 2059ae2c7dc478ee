"""The generic request pipeline: route, authenticate, limit, authorize, validate, bill, act.

The order is the provider-neutral one the docs imply (who are you, may you, is the request
well-formed, can you pay). Each step detects a generic condition; mock.yaml maps it to the
provider's documented code and the contract decides status, envelope and headers.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from errcontract.contract.model import Contract, Endpoint
from errcontract.core import paths
from errcontract.mock import actions, steps
from errcontract.mock.config import MockConfig
from errcontract.mock.document import BehaviourDoc
from errcontract.mock.drifts.registry import Drift, SimulatedCrash
from errcontract.mock.respond import (
    MockError,
    Outcome,
    error_outcome,
    follow_protocol,
    iso_timestamp,
    rate_limit_headers,
    status_headers,
)
from errcontract.mock.state import Account, ApiKey, MockState, Usage

FAULT_HEADER = "x-errcontract-fault"


@dataclass
class Call:
    """One request on its way through the pipeline, and what the steps learned about it."""

    request: Request
    endpoint: Endpoint | None = None
    behaviour: BehaviourDoc = field(default_factory=lambda: BehaviourDoc())
    path_params: dict[str, str] = field(default_factory=dict)
    key: ApiKey | None = None
    usage: Usage | None = None
    body: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    body_read: bool = False

    @property
    def account(self) -> Account | None:
        return self.key.account if self.key else None


def _route_table(contract: Contract) -> list[tuple[str, re.Pattern[str], Endpoint]]:
    table = []
    for endpoint in contract.endpoints.values():
        table.append((endpoint.method, paths.template_regex(endpoint.path, contract.base_path), endpoint))
    return table


class Engine:
    """The ASGI app behind the mock's one route: one instance per app, holding the state."""

    def __init__(self, config: MockConfig, state: MockState, drift: Drift | None, test_mode: bool) -> None:
        self.contract = config.contract
        self.config = config
        self.state = state
        self.drift = drift
        self.test_mode = test_mode
        self.routes = _route_table(config.contract)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry: every method and path (the route table is the contract's, not Starlette's)."""
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        call = Call(request)
        try:
            outcome = await self._handle(call)
        except MockError as err:
            outcome = self.error(err, call)
        except SimulatedCrash:  # what Starlette answers for an unhandled exception
            await _drain(call.request)
            return PlainTextResponse("Internal Server Error", status_code=500)
        if not call.body_read:
            await _drain(request)
        self._add_headers(outcome, call)
        follow_protocol(self.contract, outcome)
        if self.drift is not None:
            outcome = self.drift.respond(outcome, call, self)
        return outcome.to_response()

    def fail(self, call: Call, condition: str, **details: Any) -> None:
        """Raise the condition's error, unless the provider has no such check (or a drift skips it)."""
        err = MockError(condition, **details)
        if err.code is None and self.config.code_for(condition, err.field) is None:
            return
        if self.drift is not None:
            replaced = self.drift.rewrite_error(err, call, self)
            if replaced is None:
                return
            err = replaced
        raise err

    def skips(self, step: str, call: Call) -> bool:
        """Does the served drift leave out this step of the provider's behaviour?"""
        return self.drift is not None and self.drift.skips(step, call, self)

    def error(self, err: MockError, call: Call) -> Outcome:
        code = err.code or self.config.code_for(err.condition, err.field)
        if code is None:  # a condition raised directly must be mapped; fall back to the 400 one
            code = self.config.code_for("invalid_body") or "BAD_REQUEST"
        status = err.status or self.config.status_for(code)
        return error_outcome(self.config, code, status, {**call.params, **err.params}, err.message)

    async def _handle(self, call: Call) -> Outcome:
        self._route(call)
        endpoint = call.endpoint
        assert endpoint is not None
        if endpoint.auth:
            self._authenticate(call)
            self._count(call)
            steps.scope(self, call)
        else:
            self._identify_quietly(call)
        steps.query(self, call)
        steps.path_model(self, call)
        if endpoint.body == "json":
            await steps.json_body(self, call)
        steps.resource(self, call)
        steps.charge(self, call)
        self._fault(call)
        return await actions.run(self, call)

    def _route(self, call: Call) -> None:
        path = call.request.scope["path"]
        method = call.request.method.upper()
        for route_method, pattern, endpoint in self.routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                call.endpoint = endpoint
                call.behaviour = self.config.endpoints.get(endpoint.name, BehaviourDoc())
                call.path_params = match.groupdict()
                return
        self._identify_quietly(call)
        raise MockError("route_not_found", message="Requested resource doesn't exist")

    def _authenticate(self, call: Call) -> None:
        auth = self.contract.auth
        raw = (self._credential(call) or "").strip()
        if not raw:
            raise MockError("missing_auth")
        scheme_ok, key = auth.read(raw)
        if not scheme_ok:
            raise MockError("bad_scheme")
        if not key or not re.search(auth.key_pattern, key):
            raise MockError("bad_key_format")
        found = self.state.keys.get(key)
        if found is None:
            self.fail(call, "unknown_key")
            raise MockError("unknown_key")  # a drift cannot invent an account for an unknown key
        if found.revoked:
            self.fail(call, "revoked_key")
        if found.expired:
            self.fail(call, "expired_key")
        if found.refused_with:
            self.fail(call, "refused_key", code=found.refused_with)
        call.key = found

    def _credential(self, call: Call) -> str | None:
        """The credential the request carries where the contract's auth block says, as sent."""
        request = call.request
        return self.contract.auth.sent(dict(request.headers), dict(request.query_params))

    def _identify_quietly(self, call: Call) -> None:
        """Who sent a request that needs no key: only to give the rate-limit headers."""
        found = self.state.keys.get(self.contract.auth.read(self._credential(call) or "")[1])
        if found is not None and not (found.revoked or found.expired):
            call.key = found
            call.usage = self.state.peek_usage(found.account)

    def _count(self, call: Call) -> None:
        assert call.account is not None
        usage = self.state.count_request(call.account)
        call.usage = usage
        if usage.exceeded:
            call.params.update(
                limit=usage.limit,
                used=usage.used,
                window=self.config.window,
                retry_after=retry_after(usage),
                reset_iso=iso_timestamp(usage.reset_at),
            )
            self.fail(call, "rate_limited")

    def _fault(self, call: Call) -> None:
        """Test mode only: X-Errcontract-Fault names a code or status the endpoint then fails with."""
        wanted = call.request.headers.get(FAULT_HEADER) if self.test_mode else None
        if not wanted or call.endpoint is None:
            return
        wanted = wanted.strip()
        for name, fault in self.config.faults.items():
            endpoints = fault.get("endpoints", ("*",))
            statuses = [str(s) for s in fault["statuses"]]
            if wanted != name and wanted not in statuses:
                continue
            if "*" in endpoints or call.endpoint.name in endpoints:
                steps.refund_charge(self, call)
                status = int(wanted) if wanted in statuses else int(fault["status"])
                raise MockError("fault", code=fault["code"], status=status, message=fault.get("message"))

    def _add_headers(self, outcome: Outcome, call: Call) -> None:
        usage = call.usage if outcome.status != 401 else None
        spec = self.contract.headers.rate_limit
        if usage is None and spec is not None and spec.anonymous is not None:
            usage = self.state.anonymous_usage()  # 'any response': no user, an untouched window
        if usage is None:
            return
        outcome.headers.update(rate_limit_headers(self.contract, usage))
        if outcome.status == 429 and call.usage is not None:
            outcome.headers.update(status_headers(self.contract, 429, retry_after(call.usage)))


def retry_after(usage: Usage) -> int:
    """Whole seconds until the window resets (at least 1: a client must wait)."""
    return max(1, int(usage.reset_at - time.time() + 0.999))


async def _drain(request: Request) -> None:
    """Read what the handler did not, so a client still sending its body gets the response."""
    if "content-length" not in request.headers and "transfer-encoding" not in request.headers:
        return
    try:
        async for _ in request.stream():
            pass
    except RuntimeError:  # already consumed
        return
