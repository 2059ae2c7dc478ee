"""Which provider, and which target, a recorded entry belongs to.

Without `--provider`, an entry belongs to the contract whose `hosts` list its host and whose
base path begins its path; entries to other hosts are counted per host, never judged. With
`--provider NAME`, every host is taken as serving NAME's API under a prefix of its own
("compatible" servers mount it at `/openai/v1`, `/api/v1`, or at the root): the prefix of a host
is what comes before one of the contract's endpoint paths in its entries, found from the first
entry that has one (entries met before it are held, at most HOLD per host); a host none of
whose entries names one is not that API, and is counted, not judged. A host and its prefix are
one target: its own report folder, as several targets are in a run.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from errcontract.contract.model import Contract
from errcontract.traffic.entry import Recorded

HOLD = 1000  # entries of a host held until its prefix is known


@dataclass(frozen=True)
class Target:
    """A host (scheme, host and port) with the prefix its API is mounted under."""

    provider: str
    origin: str  # https://api.groq.com
    prefix: str  # /openai/v1 ("" at the root)
    found_by: str  # "contract hosts" | "discovered from FILE:ENTRY"

    @property
    def url(self) -> str:
        return self.origin + self.prefix

    def rebased(self, path: str, contract: Contract) -> str:
        """The entry's path as the contract writes it: its base path, then the endpoint path."""
        return contract.base_path + path[len(self.prefix) :]


@dataclass(frozen=True)
class Routed:
    entry: Recorded
    target: Target


@dataclass(frozen=True)
class Unrouted:
    entry: Recorded
    reason: str
    host: str


def origin_of(url: str) -> tuple[str, str, str]:
    """(origin, host, path) of a URL: `https://h:8443`, `h:8443`, `/v1/x`."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    netloc = host + (f":{parts.port}" if parts.port else "")
    return f"{parts.scheme.lower()}://{netloc}", netloc, parts.path or "/"


def endpoint_prefix(contract: Contract, method: str, path: str) -> str | None:
    """The shortest prefix of `path` after which a documented endpoint's path follows."""
    segments = path.split("/")
    for cut in range(1, len(segments)):
        prefix = "/".join(segments[:cut])
        if contract.endpoint_for(method, path[len(prefix) :]) is not None:
            return prefix
    return None


@dataclass
class _Host:
    target: Target | None = None
    held: deque[Recorded] = field(default_factory=deque)


class Router:
    """Routes entries as they are read; `finish` decides the entries still held at the end."""

    def __init__(self, contracts: list[Contract], provider: Contract | None = None) -> None:
        self.contracts = {c.provider: c for c in contracts}
        self.provider = provider
        self.by_host = {h: c for c in contracts for h in c.hosts}
        self._hosts: dict[str, _Host] = {}
        self.other_hosts: Counter[str] = Counter()

    def contract(self, target: Target) -> Contract:
        return self.provider if self.provider is not None else self.contracts[target.provider]

    def route(self, entry: Recorded) -> Iterator[Routed | Unrouted]:
        origin, host, path = origin_of(entry.url)
        if self.provider is None:
            yield self._by_contract_hosts(entry, origin, host, path)
            return
        yield from self._discovered(entry, origin, host, path)

    def _by_contract_hosts(self, entry: Recorded, origin: str, host: str, path: str) -> Routed | Unrouted:
        contract = self.by_host.get(host) or self.by_host.get(host.partition(":")[0])
        if contract is None:
            self.other_hosts[host] += 1
            return Unrouted(entry, "a host no contract lists (use --provider NAME to judge it as NAME)", host)
        base = contract.base_path
        if not (path == base or path.startswith(base + "/")):
            return Unrouted(entry, f"outside {contract.provider}'s base path {base}", host)
        return Routed(entry, Target(contract.provider, origin, base, "contract hosts"))

    def _discovered(self, entry: Recorded, origin: str, host: str, path: str) -> Iterator[Routed | Unrouted]:
        assert self.provider is not None
        state = self._hosts.setdefault(origin, _Host())
        if state.target is None:
            prefix = endpoint_prefix(self.provider, entry.method, path)
            if prefix is None:
                if len(state.held) < HOLD:
                    state.held.append(entry)
                    return
                yield self._fallback(entry, host)
                return
            state.target = Target(self.provider.provider, origin, prefix, f"discovered from {entry.where}")
            while state.held:
                yield self._under(state.held.popleft(), state.target, host)
        yield self._under(entry, state.target, host)

    def _under(self, entry: Recorded, target: Target, host: str) -> Routed | Unrouted:
        _, _, path = origin_of(entry.url)
        if target.prefix and not (path == target.prefix or path.startswith(target.prefix + "/")):
            return Unrouted(entry, f"outside the API prefix {target.prefix} found on {host}", host)
        return Routed(entry, target)

    def _fallback(self, entry: Recorded, host: str) -> Unrouted:
        """A host none of whose entries names a documented endpoint is not this API: not judged."""
        assert self.provider is not None
        reason = f"no entry of this host names one of {self.provider.provider}'s endpoints (not its API)"
        self.other_hosts[host] += 1
        return Unrouted(entry, reason, host)

    def finish(self) -> Iterator[Routed | Unrouted]:
        """The entries still held (hosts whose prefix was never found), each decided now."""
        for state in self._hosts.values():
            while state.held:
                entry = state.held.popleft()
                yield self._fallback(entry, origin_of(entry.url)[1])
