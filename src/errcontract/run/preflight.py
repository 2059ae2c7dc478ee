"""Preflight: is this target this provider, reached at the right base, with a key it accepts?

Before any judged request, a few cheap requests that cannot be billed (GET endpoints the contract
marks non-billable, ids made up where a path needs one), read against the contract's own data:

- **wrong base URL or not this API**: every documented route probed answered 404/405 without a
  code the contract names for that endpoint;
- **wrong provider**: a request without a key is refused in *another* contract's stated envelope
  and not in this one's;
- **wrong key**: the main key, sent in the documented form to a non-billable endpoint, is refused
  with 401 and one of this contract's 401 codes.

Only those signs stop the run (exit 2, one line naming the mistake and the fix). Anything odd but
not conclusive is a *note*: the suites run, and the note heads the summary and the report. A
provider that is really broken is never stopped here: its departures are the suites' findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from errcontract.client.http import ClientSettings, NotSent, TargetClient
from errcontract.client.redact import Redactor
from errcontract.contract.locate import provider_folders, provider_folders_in
from errcontract.contract.model import Contract, Endpoint, load_folder
from errcontract.core import paths
from errcontract.core.exchange import NO_JSON, Exchange, RequestSpec
from errcontract.core.verdicts import Strength
from errcontract.judge.checks import Oracle
from errcontract.requests.recipes import constant_headers

MADE_UP_ID = "errcontract-preflight-0000"


@dataclass
class Preflight:
    """What the preflight saw: `stop` is the one-line usage error, `notes` head the report."""

    base: str
    stop: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_results(self) -> dict[str, Any]:
        return {"base": self.base, "notes": self.notes}


def target_root(contract: Contract, target: str) -> str:
    """The root the run sends to: no trailing slash, cut before the contract's base path, so
    `https://host/api/v1`, `https://host/api/v1/` and `https://host/api/v1/generate` all give
    `https://host` (both providers write their base URL with the base path)."""
    parts = urlsplit(target)
    path, base = parts.path.rstrip("/"), contract.base_path
    if base and (path + "/").find(base + "/") >= 0:
        path = path[: (path + "/").find(base + "/")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def run_preflight(contract: Contract, target: str, fixtures: dict[str, str], timeout: float) -> Preflight:
    root = target_root(contract, target)
    check = Preflight(base=root + contract.base_path)
    if root != target.rstrip("/"):
        check.notes.append(
            f"target {target} taken as {root} (the contract's paths start with {contract.base_path})"
        )
    key = fixtures.get(contract.main_key)
    # The run's own client: whole-request deadline, bounded body, redirects never followed.
    settings = ClientSettings(
        base_url=root, timeout_s=timeout, max_requests=4, max_run_s=4 * timeout, unreachable_after=1
    )
    client = TargetClient(settings, Redactor([key] if key else []))
    try:
        probes = [p for p in _probes(client, contract, key) if p.status is not None]
    finally:
        client.close()
    if probes:
        _judge(contract, probes, check)
    return check


def _probes(client: TargetClient, contract: Contract, key: str | None) -> list[Exchange]:
    safe = [e for e in contract.endpoints.values() if e.method == "GET" and not e.billable]
    plain = [e for e in safe if not e.path_params][:1]
    keyed = [e for e in safe if e.auth][:1]
    found = [_send(client, contract, e, key) for e in plain]
    for endpoint in keyed:
        found.append(_send(client, contract, endpoint, None))
        if key and endpoint not in plain:
            found.append(_send(client, contract, endpoint, key))
    return found


def _send(client: TargetClient, contract: Contract, endpoint: Endpoint, key: str | None) -> Exchange:
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
        key_fixture=contract.main_key if keyed else None,
    )
    try:
        return client.send(spec)
    except NotSent as exc:  # a guard refused it: nothing was sent
        return Exchange(spec, path, transport_error=str(exc))


def _line(probe: Exchange) -> str:
    shown = probe.content_type or "no content type"
    return f"{probe.request.method} {probe.request.path}: {probe.status} {shown}"


def _with_key(probe: Exchange) -> bool:
    return probe.request.key_fixture is not None


def _endpoint(contract: Contract, probe: Exchange) -> Endpoint:
    return contract.endpoints[probe.request.endpoint or ""]


def _judge(contract: Contract, probes: list[Exchange], check: Preflight) -> None:
    oracle = Oracle(contract)
    title = contract.title
    errors = [p for p in probes if (p.status or 0) >= 400]
    other = _other_envelope(contract, errors)
    if other and not any(_ours(oracle, p) for p in errors):
        check.stop = (
            f"the target answers with another provider's envelope ({other}'s, at "
            f"{_line(errors[0])}): check --provider, or --target"
        )
        return
    # A request without a key may be refused before routing (401 on any path): only the probes
    # with a key, or to endpoints without auth, tell whether the routes exist. A documented route
    # without ids must never be 404; one with a made-up id may fairly be.
    routed = [p for p in probes if _with_key(p) or not _endpoint(contract, p).auth]
    routed = [p for p in routed if not _endpoint(contract, p).path_params] or routed
    if routed and all(_route_absent(contract, oracle, p) for p in routed):
        where = f"{_line(routed[0])} at {check.base}"
        check.stop = (
            f"no route of the {contract.provider} contract exists on the target ({where}): "
            f"is this a {title} API, and is the base URL right?"
        )
        return
    for probe in (p for p in probes if _with_key(p) and p.status == 401):
        code = oracle.code_of(probe)
        if code in contract.codes_by_status.get(401, ()):
            check.stop = (
                f"the target refuses --api-key ({probe.status} {code} at {probe.request.method} "
                f"{probe.request.path}): check ERRCONTRACT_API_KEY"
            )
            return
        check.notes.append(
            f"the main key was refused ({_line(probe)}) without a documented code: "
            "check --api-key; the suites ran anyway"
        )
    for probe in (p for p in probes if (p.status or 0) >= 400 and not _ours(oracle, p) and p.status != 404):
        check.notes.append(f"preflight: {_line(probe)} is not in the {title} envelope")


def _route_absent(contract: Contract, oracle: Oracle, probe: Exchange) -> bool:
    """404/405 without a code the contract names for this very endpoint (a catch-all NOT_FOUND
    in the envelope is what an unknown route gets too)."""
    code = contract.codes.get(oracle.code_of(probe) or "")
    named = code is not None and probe.request.endpoint in code.endpoints
    return probe.status in (404, 405) and not named


def _ours(oracle: Oracle, probe: Exchange) -> bool:
    """Is the body an error in this contract's stated envelope?"""
    return probe.json() is not NO_JSON and oracle.body_in_profile(probe.json(), Strength.STATED)


def _other_envelope(contract: Contract, probes: list[Exchange]) -> str | None:
    """The title of another contract whose stated envelope these error bodies follow."""
    bodies = [p.json() for p in probes if p.json() is not NO_JSON]
    if not bodies:
        return None
    # every provider in use, and those beside this contract's folder (a contract loaded from a root)
    folders = {**provider_folders(), **provider_folders_in(contract.root.parent)}
    for name, folder in folders.items():
        if name == contract.provider:
            continue
        other = Oracle(load_folder(folder))
        if all(other.body_in_profile(b, Strength.STATED) for b in bodies):
            return other.contract.title
    return None
