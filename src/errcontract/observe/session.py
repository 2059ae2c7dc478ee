"""A traffic session: entries in (from files, a proxy, a transport), one target per host and API
prefix, results per target out, published as one report set (a folder each and one index).

Entries are scrubbed of credentials as they come in (`traffic.scrub`), routed (`traffic.route`),
and judged by the target's HostJudge. Entries judged for no target are counted by reason, and
entries to hosts no contract lists are counted per host, both named in every target's results.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from errcontract.contract.model import Contract, every_contract, load_provider, provider_names
from errcontract.core.errors import UsageError
from errcontract.core.slug import slug
from errcontract.core.verdicts import Verdict
from errcontract.judge.model import CodeEntry, Finding, RunResult, TrafficEntry, VerdictSource
from errcontract.judge.results import RunMeta, build_results, write_json_atomic
from errcontract.judge.verdict import MET_DURING_THE_RUN
from errcontract.observe.host import NOT_IN_TRAFFIC, HostJudge
from errcontract.report.publish import ReportSet
from errcontract.traffic.entry import Entry, Recorded, Skipped
from errcontract.traffic.pipeline import Scrubbed, Unreadable, first_line, scrubbed
from errcontract.traffic.route import Routed, Router, Unrouted
from errcontract.traffic.scrub import Scrubber

RESULTS = "results.json"
TRAFFIC_HINT = "choose another with --report-dir"


@dataclass(frozen=True)
class TargetResults:
    folder: str
    results: RunResult


class TrafficSession:
    """Judges entries as they come; `results()` gives each target's results.json."""

    def __init__(self, contracts: Sequence[Contract], provider: Contract | None = None) -> None:
        self.router = Router(list(contracts), provider)
        self.scrub = Scrubber()
        self.hosts: dict[tuple[str, str], HostJudge] = {}
        self.not_judged: Counter[str] = Counter()
        self.seq = 0
        self.started = time.time()
        self._lock = threading.RLock()  # results are built while a proxy may still add

    # -- in -------------------------------------------------------------------------------------
    def add(self, entry: Entry) -> Entry:
        """One entry as read, judged; returned with its credentials scrubbed (scrubbed here,
        before anything else sees it)."""
        with self._lock:
            item = scrubbed(self.scrub, entry)
            if isinstance(item, Unreadable):
                self.add_unreadable(item)
                return Skipped(entry.where, "cannot be read as an exchange")
            return self.add_scrubbed(item)

    def add_scrubbed(self, item: Scrubbed) -> Entry:
        """One entry scrubbed already (by `scrubbed`, here or in a reader process), judged."""
        with self._lock:
            entry = item.entry
            if isinstance(entry, Skipped):
                self.seq += 1
                self.not_judged[entry.reason] += 1
                return entry
            try:
                routed = list(self.router.route(entry))
            except ValueError as exc:  # a URL urllib cannot split (`http://[::1`): counted, not judged
                self.add_unreadable(Unreadable(entry.where, first_line(exc)))
                return Skipped(entry.where, "cannot be read as an exchange")
            self.seq += 1
            for one in routed:
                self._judge(one, item.key)
            return entry

    def add_unreadable(self, item: Unreadable) -> None:
        with self._lock:
            self.seq += 1
            self.not_judged[f"an entry that cannot be read as an exchange ({item.reason})"] += 1

    def adopt_secrets(self, secrets: Iterable[str]) -> None:
        """Credentials a reader process met (masked once more in every report written)."""
        self.scrub.found.update(secrets)

    def add_live(self, entry: Entry) -> Entry:
        """`add` for live traffic (the proxy, the transport): whatever goes wrong in judging is
        counted, never raised into the client's request or the code under test."""
        try:
            return self.add(entry)
        except Exception as exc:  # a bug of ours must not break the caller's traffic
            with self._lock:
                self.not_judged[f"could not be judged ({type(exc).__name__}: {first_line(exc)})"] += 1
            return Skipped(entry.where, "could not be judged")

    def add_all(self, entries: Iterable[Entry]) -> None:
        for entry in entries:
            self.add(entry)

    def _judge(self, routed: Routed | Unrouted, key: str | None) -> None:
        if isinstance(routed, Unrouted):
            self.not_judged[routed.reason] += 1
            return
        target = routed.target
        ident = (target.provider, target.url)
        if ident not in self.hosts:
            self.hosts[ident] = HostJudge(self.router.contract(target), target)
        entry = routed.entry
        self.hosts[ident].add(entry, key, _seq_of(entry, self.seq))

    def finish(self) -> None:
        """Decide the entries still held (hosts whose API prefix was never found)."""
        with self._lock:
            for routed in list(self.router.finish()):
                self._judge(routed, None)

    # -- out ------------------------------------------------------------------------------------
    @property
    def secrets(self) -> list[str]:
        """Every credential met (masked already; handed to the report set's last scrub)."""
        return self.scrub.secrets

    def folders(self) -> dict[str, HostJudge]:
        """Each target's report folder: `<provider>-<host and prefix slug>`, as a run names targets."""
        named: dict[str, HostJudge] = {}
        for (provider, url), host in sorted(self.hosts.items()):
            base = f"{provider}-{slug(url)}"
            name, n = base, 1
            while name in named:
                n += 1
                name = f"{base}~{n}"
            named[name] = host
        return named

    def results(self, strict: bool = False) -> list[TargetResults]:
        with self._lock:
            return [TargetResults(f, self._results_of(h, strict)) for f, h in self.folders().items()]

    def _results_of(self, host: HostJudge, strict: bool) -> RunResult:
        times = host.times
        started = min(times) if times else self.started
        meta = RunMeta(
            target=host.target.url,
            embedded_mock=False,
            started_at=started,
            duration_s=(max(times) - started) if times else 0.0,
            requests=host.entries,
            answered=host.answered,
            not_sent={},
        )
        with self._lock:
            recorder = host.results_recorder()
        results = build_results(recorder, meta, strict)
        traffic = TrafficEntry(
            files=tuple(
                f"{name} ({n} entr{'y' if n == 1 else 'ies'})" for name, n in sorted(host.files.items())
            ),
            entries=host.entries,
            judged=host.answered,
            prefix=host.target.prefix,
            prefix_found_by=host.target.found_by,
            not_judged=dict(self.not_judged),
            other_hosts=dict(self.router.other_hosts),
            headers_absent=tuple(host.absent_headers() if host.answered else ()),
        )
        codes = tuple(mark_source(code, host, results.violations) for code in results.codes)
        return replace(results, codes=codes, traffic=traffic)


def contracts_for(provider: str | None) -> tuple[list[Contract], Contract | None]:
    """Every contract (each entry to its hosts' provider), or the one named (every host as it)."""
    if provider is None:
        return every_contract(), None
    if provider not in provider_names():
        raise UsageError(f"unknown provider {provider!r} (known: {', '.join(provider_names())})")
    contract = load_provider(provider)
    return [contract], contract


def _seq_of(entry: Recorded, fallback: int) -> int:
    """The entry's place in its file (its number in `where`), for the rules over recorded time."""
    tail = entry.where.rpartition(":")[2]
    return int(tail) if tail.isdigit() else fallback


def mark_source(code: CodeEntry, host: HostJudge, violations: Sequence[Finding]) -> CodeEntry:
    """Where the code's verdict came from: the first violation's entry, or the first entry that
    showed it; a code never seen keeps *not observed (not in the traffic)*."""
    if code.verdict == Verdict.FAIL and code.violations:
        where = violations[code.violations[0]].source.removeprefix("traffic ")
        return replace(code, came_from=VerdictSource("traffic", where))
    if code.verdict == Verdict.PASS and code.code in host.first_seen:
        where = host.first_seen[code.code]
        reason = code.reason
        if reason == MET_DURING_THE_RUN:
            reason = f"seen in the traffic at a documented status ({where})"
        return replace(code, came_from=VerdictSource("traffic", where), reason=reason)
    if code.verdict == Verdict.NOT_OBSERVED:
        return replace(code, reason=NOT_IN_TRAFFIC)
    return code


def publish(session: TrafficSession, report_dir: Path, strict: bool = False) -> list[TargetResults]:
    """Write every target's report set and the index beside them, swapped in whole."""
    targets = session.results(strict)
    folders = [t.folder for t in targets]
    with ReportSet(report_dir, folders, TRAFFIC_HINT) as reports:
        for t in targets:
            write_json_atomic(reports.provider_dir(t.folder) / RESULTS, t.results.to_json())
            reports.write_provider(t.results, session.secrets, t.folder)
        reports.publish([t.results for t in targets], session.secrets, folders)
    return targets
