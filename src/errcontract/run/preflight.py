"""Preflight: is this target this provider, reached at the right base, with a key it accepts?

Before any judged request, a few cheap requests that cannot be billed (GET endpoints the contract
marks non-billable, ids made up where a path needs one), read against the contract's own data:

- **wrong base URL or not this API**: every documented route probed answered 404/405 without a
  code the contract names for that endpoint;
- **wrong provider**: a request without a key is refused in *another* contract's stated envelope
  and not in this one's;
- **wrong key**: the main key, sent in the documented form to a non-billable endpoint, is refused
  with 401 and one of this contract's 401 codes, or answered exactly as a made-up key of the
  contract's shape is (the same 4xx status and code: the target cannot tell it from no account's);
- **not an API**: every probe answered HTML (a web site, a front-end), or every endpoint the docs
  say needs a key answered 2xx to a request without one.

The probes are sent side by side (none depends on another's answer). Only those signs stop the
run (exit 2, one line naming the mistake and the fix). Anything odd but not conclusive is a
*note*: the suites run, and the note heads the summary and the report. A provider that is
really broken is never stopped here: its departures are the suites' findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from errcontract.client.http import ClientSettings, NotSent, TargetClient
from errcontract.client.keys import unknown_key
from errcontract.contract.model import Contract, Endpoint
from errcontract.core import paths
from errcontract.core.exchange import Exchange, RequestSpec
from errcontract.core.parallel import Mapper, threaded
from errcontract.core.redact import Redactor
from errcontract.judge.checks import Oracle
from errcontract.judge.model import PreflightEntry
from errcontract.judge.verdict import MADE_UP_KEY, preflight_verdict
from errcontract.requests.recipes import constant_headers

MADE_UP_ID = "errcontract-preflight-0000"


@dataclass
class Preflight:
    """What the preflight saw: `stop` is the one-line usage error, `notes` head the report."""

    base: str
    stop: str | None = None
    notes: list[str] = field(default_factory=list)

    def entry(self) -> PreflightEntry:
        """What results.json keeps of it."""
        return PreflightEntry(self.base, tuple(self.notes))


def target_root(contract: Contract, target: str) -> str:
    """The root the run sends to: no trailing slash, cut before the contract's base path, so
    `https://host/api/v1`, `https://host/api/v1/` and `https://host/api/v1/generate` all give
    `https://host` (both providers write their base URL with the base path)."""
    parts = urlsplit(target)
    path, base = parts.path.rstrip("/"), contract.base_path
    if base and (path + "/").find(base + "/") >= 0:
        path = path[: (path + "/").find(base + "/")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def run_preflight(
    contract: Contract, target: str, fixtures: dict[str, str], timeout: float, concurrency: int = 4
) -> Preflight:
    root = target_root(contract, target)
    check = Preflight(base=root + contract.base_path)
    if root != target.rstrip("/"):
        check.notes.append(
            f"target {target} taken as {root} (the contract's paths start with {contract.base_path})"
        )
    key = fixtures.get(contract.main_key)
    made_up = _made_up_key(contract, key)
    most = len(_safe(contract)) + 2
    # The run's own client: whole-request deadline, bounded body, redirects never followed.
    settings = ClientSettings(
        base_url=root,
        timeout_s=timeout,
        max_requests=most,
        max_run_s=most * timeout,
        unreachable_after=1,
        concurrency=concurrency,
    )
    client = TargetClient(settings, Redactor([k for k in (key, made_up) if k]))
    try:
        sent = _probes(client, contract, key, made_up, threaded(concurrency))
        probes = [p for p in sent if p.status is not None]
    finally:
        client.close()
    if probes:
        _judge(contract, probes, check)
    return check


def _made_up_key(contract: Contract, key: str | None) -> str | None:
    """A key of the contract's shape that no account has (drawn at random, nothing of `key` in it)."""
    if not key:
        return None
    made_up = unknown_key(contract.auth.key_pattern)
    while made_up == key:
        made_up = unknown_key(contract.auth.key_pattern)
    return made_up


def _safe(contract: Contract) -> list[Endpoint]:
    return [e for e in contract.endpoints.values() if e.method == "GET" and not e.billable]


def _probes(
    client: TargetClient, contract: Contract, key: str | None, made_up: str | None, each: Mapper
) -> list[Exchange]:
    """The main key at a route without ids; no key at every endpoint the docs say needs one; the
    main key and a made-up key side by side at the first of those (one without ids if any). All
    sent side by side: none depends on another's answer."""
    safe = _safe(contract)
    plain = [e for e in safe if not e.path_params][:1]
    guarded = [e for e in safe if e.auth]
    keyed = sorted(guarded, key=lambda e: bool(e.path_params))[:1]
    asked: list[tuple[Endpoint, str | None, str | None]] = [(e, key, contract.main_key) for e in plain]
    asked += [(e, None, None) for e in guarded]
    for endpoint in keyed:
        if key and endpoint not in plain:
            asked.append((endpoint, key, contract.main_key))
        if made_up:
            asked.append((endpoint, made_up, MADE_UP_KEY))
    return each(lambda probe: _send(client, contract, *probe), asked)


def _send(
    client: TargetClient, contract: Contract, endpoint: Endpoint, key: str | None, fixture: str | None
) -> Exchange:
    headers, query = constant_headers(contract), dict[str, str]()
    keyed = bool(key and endpoint.auth)
    if key and endpoint.auth:
        contract.auth.place(headers, query, key)
    path = contract.base_path + paths.expand(endpoint.path, {p: MADE_UP_ID for p in endpoint.path_params})
    spec = RequestSpec(
        "GET",
        path,
        endpoint.name,
        headers=headers,
        query=query,
        origin="preflight",
        key_fixture=fixture if keyed else None,
    )
    try:
        return client.send(spec)
    except NotSent as exc:  # a guard refused it: nothing was sent
        return Exchange(spec, path, transport_error=str(exc))


def _judge(contract: Contract, probes: list[Exchange], check: Preflight) -> None:
    """Stop or note, as `judge.verdict.PREFLIGHT_RULES` says of the probes answered."""
    stop, notes = preflight_verdict(Oracle(contract), probes, check.base)
    check.stop = stop
    check.notes.extend(notes)
