"""Schemathesis glue: its negative cases on `contracts/<provider>/openapi.yaml`, sent through OUR
client and judged by OUR checks, so its findings land in the same results as everything else.

Each case becomes a `RequestSpec` (from `case.as_transport_kwargs`) whose defects are the case's
negative components, mapped to the contract's defect classes by their `locations`. Auth is
injected per case (`with_security_parameters=False`: generated security values are often
headers h11 refuses, and auth mistakes are the strategies' job). Our checks run as the
Schemathesis check `errcontract_contract`; of the built-in checks only `not_a_server_error` is
kept, and only on the embedded mock (the others flag what the docs do not promise, and some send
requests of their own). Against a live target: no method probes, no shrinking, no example
database, and billable operations left out unless --allow-spend.

Against a live target (nothing is shrunk there) the cases are sent in the background, up to
--concurrency in flight, while Schemathesis goes on generating: a case's test returns at once,
and the provider's Schemathesis test fails, when it ends, with every case that broke the
contract (`finish_in_background`). On the embedded mock each case is judged in its turn, so a
failing one is shrunk.
"""

from __future__ import annotations

import contextvars
import datetime
import threading
import unittest
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import control as _control
from schemathesis.errors import FailureGroup
from schemathesis.pytest import lazy as _lazy

from errcontract.client.http import NotSent
from errcontract.contract.model import Contract, Endpoint
from errcontract.core.exchange import Exchange, RequestSpec
from errcontract.core.identity import ByIdentity
from errcontract.judge.judged import Judged
from errcontract.requests.recipes import constant_headers
from errcontract.requests.strategies import is_guarded
from errcontract.requests.strategies.values import h11_accepts, one_line
from errcontract.run.negative_cases import as_sent, case_defects
from errcontract.run.session import ProviderRun

__all__ = [
    "case_to_spec",
    "check_case",
    "errcontract_contract",
    "finish_in_background",
    "lazy_schema",
    "load_schema",
    "openapi_path",
    "operation_selected",
    "prepare_node",
]

ORIGIN = "http://errcontract.invalid"  # only to build URLs; the run's client sends to its target
DROPPED_HEADERS = frozenset({"user-agent", "content-length", "accept", "accept-encoding", "connection"})
# Per run: the Schemathesis requests sent (options.schemathesis_requests()); an entry goes with its run.
_SENT: weakref.WeakKeyDictionary[ProviderRun, int] = weakref.WeakKeyDictionary()
_JUDGED: contextvars.ContextVar[Judged | None] = contextvars.ContextVar("errcontract_judged", default=None)
# Per schema config (not hashable: by identity), the operation ids not to test; an entry goes with it.
_LEFT_OUT: ByIdentity[frozenset[str]] = ByIdentity()

WRITTEN_FOR = "4.32.5"  # the Schemathesis this adapter and its one private patch were written for
BOTH_SKIPS = (unittest.SkipTest, _control.SkipTest)


def _catch_both_skips() -> None:
    """Schemathesis 4.32.5's lazy (fixture) schemas catch `unittest.SkipTest` only, while its
    generator raises its own SkipTest ("Impossible to generate negative test cases", e.g. for an
    operation whose only parameter is a string path id); its eager `parametrize` catches both. No
    public hook reaches that `except`, so the lazy path is made to catch both (such an operation
    is skipped after its coverage cases). Another version fails loudly here rather than erring
    quietly; tests/test_schemathesis_adapter.py pins the behaviour."""
    installed = version("schemathesis")
    if installed != WRITTEN_FOR or getattr(_lazy, "SkipTest", None) not in (unittest.SkipTest, BOTH_SKIPS):
        raise ImportError(
            f"errcontract's Schemathesis adapter was written for schemathesis=={WRITTEN_FOR} "
            f"(installed: {installed}); re-check its lazy-schema SkipTest patch and update WRITTEN_FOR"
        )
    setattr(_lazy, "SkipTest", BOTH_SKIPS)  # noqa: B010 (a private module)


_catch_both_skips()


def lazy_schema(fixture_name: str) -> Any:
    """Schemathesis' pytest integration over the schema the fixture returns (`load_schema`),
    restricted to the operations `operation_selected` keeps."""
    return schemathesis.pytest.from_fixture(fixture_name).include(operation_selected)


def prepare_node(node: Any) -> None:
    """Schemathesis 4.32.5's lazy schemas read `node._nodeid`, which pytest 9 items no longer have."""
    if not hasattr(node, "_nodeid"):
        node._nodeid = node.nodeid


def openapi_path(contract: Contract) -> Path:
    return contract.root / "openapi.yaml"


def load_schema(run: ProviderRun) -> Any:
    """The provider's OpenAPI as a configured Schemathesis schema, or None without the file."""
    path = openapi_path(run.contract)
    if not path.is_file():
        return None
    schema = schemathesis.openapi.from_path(str(path))
    live = not run.embedded_mock
    schema.config.update(base_url=run.target.rstrip("/") + run.contract.base_path)
    schema.config.seed = run.options.seed
    schema.config.generation.update(
        modes=[GenerationMode.NEGATIVE],
        max_examples=run.options.schemathesis_per_operation(),
        no_shrink=live,
        database="none",
        with_security_parameters=False,
    )
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    schema.config.phases.coverage.unexpected_methods = set()
    if is_guarded(run.embedded_mock, run.options.allow_spend):
        _LEFT_OUT.set(schema.config, frozenset(e.name for e in run.contract.endpoints.values() if e.billable))
    return schema


def operation_selected(ctx: Any) -> bool:
    """The filter the suite applies (`lazy_schema.include`): operations a negative case can break
    (parameters or a body), minus those `load_schema` left out (billable ones on a live target).
    A filter on the fixture's schema would not do: the pytest integration replaces it."""
    operation = ctx.operation  # not parsed yet at filtering time: read its raw definition
    raw = operation.definition.raw
    if raw.get("operationId") in (_LEFT_OUT.get(operation.schema.config) or frozenset()):
        return False
    return bool(raw.get("requestBody") or raw.get("parameters") or "{" in operation.path)


def _endpoint(contract: Contract, case: Any) -> Endpoint | None:
    operation_id = case.operation.definition.raw.get("operationId")
    return contract.endpoints.get(operation_id) or contract.endpoint_for(case.method, case.path)


def _body(kwargs: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """RequestSpec body fields from requests-style kwargs (json, raw data, form or multipart)."""
    if "json" in kwargs:
        return {"json_body": kwargs["json"]}
    data, files = kwargs.get("data"), kwargs.get("files")
    if files is None and (data is None or isinstance(data, bytes | str)):
        return {"content": data.encode() if isinstance(data, str) else data} if data is not None else {}
    encoded = httpx.Request("POST", ORIGIN, data=data, files=files)
    headers["Content-Type"] = encoded.headers["content-type"]
    return {"content": encoded.read()}


def case_to_spec(run: ProviderRun, case: Any) -> RequestSpec | None:
    """The case as a RequestSpec, or None when its headers could not go on the wire as they are."""
    contract = run.contract
    endpoint = _endpoint(contract, case)
    kwargs = case.as_transport_kwargs(base_url=ORIGIN + contract.base_path)
    headers = {
        k: str(v) for k, v in (kwargs.get("headers") or {}).items() if k.lower() not in DROPPED_HEADERS
    }
    path = urlsplit(kwargs["url"]).path
    if not all(h11_accepts(v) for v in headers.values()) or endpoint is None or not one_line(path):
        return None
    try:
        body = _body(kwargs, headers)
    except (AttributeError, TypeError, ValueError):  # a multipart part httpx cannot encode (an int)
        return None
    if "json_body" in body and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = contract.content_type
    for name, value in constant_headers(contract).items():
        if not any(k.lower() == name.lower() for k in headers):
            headers[name] = value
    query = {
        k: ",".join(map(str, v)) if isinstance(v, list) else str(v)
        for k, v in (kwargs.get("params") or {}).items()
        if v is not None
    }
    key_fixture = None
    if endpoint.auth and run.fixtures.get(contract.main_key):
        key_fixture = contract.main_key
        contract.auth.place(headers, query, run.fixtures[key_fixture])
    defects = as_sent(case_defects(contract, endpoint, case), case, headers)
    return RequestSpec(
        method=case.method.upper(),
        path=path,
        endpoint=endpoint.name,
        headers=headers,
        query=query,
        defects=defects,
        key_fixture=key_fixture,
        origin="schemathesis",
        may_bill=endpoint.billable and not any(d.certain for d in defects),
        **body,
    )


def _as_response(exchange: Exchange) -> httpx.Response:
    spec = exchange.request
    response = httpx.Response(
        exchange.status or 0,
        headers=exchange.headers,
        content=exchange.body,
        request=httpx.Request(spec.method, exchange.url),
    )
    response.elapsed = datetime.timedelta(seconds=exchange.elapsed_s)
    return response


@schemathesis.check
def errcontract_contract(ctx: Any, response: Any, case: Any) -> bool | None:
    """Our checks' verdict on the exchange this case produced (judged once, as the run sent it)."""
    judged = _JUDGED.get()
    if judged is None:
        return True  # not a case errcontract sent: nothing to say
    if judged.outcome.violations:
        lines = [f"{v.check}: {v.message}" for v in judged.outcome.violations]
        raise AssertionError("\n".join([*lines, f"reproduce: {judged.reproduce}"]))
    return None


class _Background:
    """A run's Schemathesis cases in flight: sent by worker threads, judged as they come back."""

    def __init__(self, run: ProviderRun) -> None:
        self.run = run
        self.pool = ThreadPoolExecutor(
            max_workers=max(1, run.options.concurrency), thread_name_prefix="errcontract-schemathesis"
        )
        self.sent: list[Future[Judged | None]] = []

    def submit(self, spec: RequestSpec) -> None:
        test = getattr(self.run.recorder.current_test, "name", None)
        self.sent.append(self.pool.submit(self._send, spec, test))

    def _send(self, spec: RequestSpec, test: str | None) -> Judged | None:
        self.run.recorder.current_test.name = test  # its findings name the Schemathesis test
        try:
            return self.run.send(spec)
        except NotSent:
            return None  # refused by a guard: not observed, not a failure

    def finish(self, interrupted: bool = False) -> list[Judged]:
        """Wait for every case sent (interrupted: for those in flight only, the rest dropped);
        the judged ones that broke the contract."""
        self.pool.shutdown(wait=True, cancel_futures=interrupted)
        if interrupted:
            return []
        judged = (future.result() for future in self.sent)
        return [j for j in judged if j is not None and j.outcome.violations]


_BACKGROUND: weakref.WeakKeyDictionary[ProviderRun, _Background] = weakref.WeakKeyDictionary()
_BACKGROUND_LOCK = threading.Lock()


def _in_background(run: ProviderRun) -> _Background | None:
    """The run's background sender: against a live target only (nothing is shrunk there)."""
    if run.embedded_mock:
        return None
    with _BACKGROUND_LOCK:
        if run not in _BACKGROUND:
            _BACKGROUND[run] = _Background(run)
        return _BACKGROUND[run]


def finish_in_background(run: ProviderRun, interrupted: bool = False) -> None:
    """Wait for the cases still in flight; fail with those that broke the contract (interrupted:
    nothing more is sent, and the interruption goes on)."""
    with _BACKGROUND_LOCK:
        background = _BACKGROUND.pop(run, None)
    broken = background.finish(interrupted) if background is not None else []
    if broken:
        lines = [f"{len(broken)} Schemathesis cases broke the {run.provider} contract"]
        for judged in broken:
            lines += [f"{v.check}: {v.message}" for v in judged.outcome.violations]
            lines.append(f"reproduce: {judged.reproduce}")
        pytest.fail(run.redact("\n".join(lines)), pytrace=False)


def check_case(run: ProviderRun, case: Any) -> None:
    """Send one Schemathesis case through the run and judge it (FailureGroup on violations);
    against a live target, sent in the background (`finish_in_background` judges the lot)."""
    most = run.options.schemathesis_requests()
    if most is not None and _SENT.get(run, 0) >= most:
        return  # the Schemathesis budget of this run is used up
    spec = case_to_spec(run, case)
    if spec is None:
        return
    background = _in_background(run)
    if background is not None:
        background.submit(spec)
        _SENT[run] = _SENT.get(run, 0) + 1
        return
    try:
        judged = run.send(spec)
    except NotSent:
        return  # refused by a guard: not observed, not a failure
    _SENT[run] = _SENT.get(run, 0) + 1
    exchange = judged.exchange
    if exchange.status is None:
        return  # a transport error: recorded by the run as an error
    checks = [errcontract_contract] + ([not_a_server_error] if run.embedded_mock else [])
    token = _JUDGED.set(judged)
    failure = None
    try:
        case.validate_response(_as_response(exchange), checks=checks)
    except FailureGroup as group:  # a BaseExceptionGroup: shown as one clean failure, no traceback
        failure = "\n".join(
            [*(f"{f.title}: {f.message}" for f in group.exceptions), f"reproduce: {judged.reproduce}"]
        )
    finally:
        _JUDGED.reset(token)
    if failure is not None:
        pytest.fail(run.redact(failure), pytrace=False)
