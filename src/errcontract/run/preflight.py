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
from errcontract.contract.model import Contract, Endpoint, loadable_contracts
from errcontract.core import paths
from errcontract.core.exchange import NO_JSON, Exchange, RequestSpec
from errcontract.core.parallel import Mapper, threaded
from errcontract.core.redact import Redactor
from errcontract.core.verdicts import Strength
from errcontract.judge.checks import Oracle
from errcontract.judge.model import PreflightEntry
from errcontract.requests.recipes import constant_headers

MADE_UP_ID = "errcontract-preflight-0000"
MADE_UP_KEY = "made-up key"  # the probe's key_fixture: a key of the contract's shape no account has
# Statuses a made-up key may share with a wrong one for other reasons than the key: a route or id
# refused before the key is read, a rate limit.
NOT_ABOUT_THE_KEY = (404, 405, 429)


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


def _line(probe: Exchange) -> str:
    shown = probe.content_type or "no content type"
    return f"{probe.request.method} {probe.request.path}: {probe.status} {shown}"


def _with_key(probe: Exchange) -> bool:
    """Sent with the main key (not none, not the made-up one)."""
    return probe.request.key_fixture not in (None, MADE_UP_KEY)


def _endpoint(contract: Contract, probe: Exchange) -> Endpoint:
    return contract.endpoints[probe.request.endpoint or ""]


def _judge(contract: Contract, probes: list[Exchange], check: Preflight) -> None:
    oracle = Oracle(contract)
    title = contract.title
    if all("html" in (p.content_type or "") for p in probes):
        check.stop = (
            f"the target answers HTML, not JSON, at every route probed ({_line(probes[0])} at "
            f"{check.base}): is --target {_a(title)} API's base URL, not a web site's?"
        )
        return
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
            f"is this {_a(title)} API, and is the base URL right?"
        )
        return
    keyless = [p for p in probes if p.request.key_fixture is None and _endpoint(contract, p).auth]
    if keyless and all(200 <= (p.status or 0) < 300 for p in keyless):
        check.stop = (
            f"the target answers {keyless[0].status} without a key on every endpoint the {title} "
            f"docs say needs one ({_line(keyless[0])}, {len(keyless)} tried): is this {_a(title)} API, "
            "and is the base URL right?"
        )
        return
    if _judge_key(contract, oracle, probes, check):
        return
    strays = list(dict.fromkeys(_line(p) for p in errors if not _ours(oracle, p) and p.status != 404))
    if strays:
        more = f" (and {len(strays) - 1} more answers)" if len(strays) > 1 else ""
        check.notes.append(f"{strays[0]}{more} is not in the {title} envelope")


def _a(title: str) -> str:
    """`a VicSee`, `an OpenAI`: the article a title takes (by its first letter's sound)."""
    return f"{'an' if title[:1].upper() in 'AEIOU' else 'a'} {title}"


def _judge_key(contract: Contract, oracle: Oracle, probes: list[Exchange], check: Preflight) -> bool:
    """Stop (True) if the main key is refused with a documented 401, or answered as a made-up
    key is; note a 401 without a documented code."""
    for probe in (p for p in probes if _with_key(p) and p.status == 401):
        code = oracle.code_of(probe)
        if code in contract.codes_by_status.get(401, ()):
            check.stop = (
                f"the target refuses --api-key ({probe.status} {code} at {probe.request.method} "
                f"{probe.request.path}): check ERRCONTRACT_API_KEY"
            )
            return True
        check.notes.append(
            f"the main key was refused ({_line(probe)}) without a documented code: "
            "check --api-key; the suites ran anyway"
        )
    same = _answered_alike(oracle, probes)
    if same is not None:
        check.stop = (
            f"the target answers --api-key as it answers a made-up key ({_said(oracle, same)} at "
            f"{same.request.method} {same.request.path}): the key is not accepted; check ERRCONTRACT_API_KEY"
        )
        return True
    return False


def _answered_alike(oracle: Oracle, probes: list[Exchange]) -> Exchange | None:
    """The main key's probe, if the made-up key's at the same endpoint got the same 4xx answer
    (status and code) for a reason that can only be the key."""
    made_up = next((p for p in probes if p.request.key_fixture == MADE_UP_KEY), None)
    if made_up is None or not 400 <= (made_up.status or 0) < 500 or made_up.status in NOT_ABOUT_THE_KEY:
        return None
    for probe in probes:
        same_place = _with_key(probe) and probe.request.endpoint == made_up.request.endpoint
        if same_place and probe.status == made_up.status and oracle.code_of(probe) == oracle.code_of(made_up):
            return probe
    return None


def _said(oracle: Oracle, probe: Exchange) -> str:
    """What the target said, in a few words: `401 INVALID_API_KEY 'Invalid API key'`; without a
    JSON body, its status and content type."""
    if probe.json() is NO_JSON:
        return f"{probe.status} {probe.content_type or 'no content type'}"
    words = [str(probe.status), str(oracle.shown_code(probe) or "no code")]
    message = oracle.message_of(probe)
    if isinstance(message, str) and message:
        words.append(repr(message[:100]))
    return " ".join(words)


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
    for other_contract in loadable_contracts(contract.root.parent)[0]:
        if other_contract.provider == contract.provider:
            continue
        other = Oracle(other_contract)
        if all(other.body_in_profile(b, Strength.STATED) for b in bodies):
            return other.contract.title
    return None
