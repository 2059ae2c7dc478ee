"""How many requests may be in flight at once, and which may go now.

Every request the run's client sends takes a slot first; whichever thread sends it (a per-code
recipe, a discovery probe, a generated request, a Schemathesis case), the run never has more
than `--concurrency` requests in flight. Fewer when the target says so:

- **it slows down**: answers of a kind (an endpoint's errors, its successes) taking twice as
  long as usual (a smoothed latency against the median of the recent ones), no answer in time,
  or an unrequested 429 halve the limit, at most once per round of requests (a signal from a
  request sent before the last cut is not counted again); each other answer adds 1/limit (one
  more slot per round, up to the ceiling);
- **it asks to wait** (a short `Retry-After` on a 429): no slot is given until the wait is over;
- **its window is nearly full**: `X-RateLimit-Remaining` shown to a key, minus that key's
  requests still in flight, is the room left; a request with that key waits while there is none
  and an answer is still to come (the answer says the new room);
- **it has not answered yet**: one request at a time until the first answer (a target that never
  answers gets no more requests than a sequential run would send it before giving up);
- **the order matters**: requests in the same lane go one at a time: the rate-limited key's
  (its window is judged request by request), and those that may be billed when a spend budget is
  kept (each charge is counted before the next such request is let through, so the budget is
  never overrun by requests in flight).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

SLOWER = 2.0  # a smoothed latency this many times the usual one ...
SLACK_S = 0.05  # ... plus this is a target slowing down (loopback jitter is not)
SMOOTHING = 0.25  # weight of the newest answer in the smoothed latency
USUAL_OF = 50  # the usual latency: the median of this many recent answers of the same kind
JUDGED_FROM = 5  # answers of a kind seen before its latency is judged


@dataclass
class Ticket:
    """One request's slot: what it counted against, and in which round it was given."""

    key: str | None
    lanes: tuple[str, ...]
    round: int
    started: float
    shared: tuple[str, ...] = ()  # lanes it shares with others (an exclusive one waits for them)


class LatencyTrend:
    """Latency per kind of answer (an endpoint's errors are not its successes): a smoothed
    latency against the median of the recent ones of the same kind."""

    def __init__(self) -> None:
        self.recent: dict[str, deque[float]] = {}
        self.smoothed: dict[str, float] = {}

    def slowing(self, kind: str, seconds: float) -> bool:
        """Add an answer's latency; is its kind now answered markedly slower than usual?"""
        recent = self.recent.setdefault(kind, deque(maxlen=USUAL_OF))
        usual = statistics.median(recent) if len(recent) >= JUDGED_FROM else None
        recent.append(seconds)
        previous = self.smoothed.get(kind, seconds)
        smoothed = self.smoothed[kind] = previous + SMOOTHING * (seconds - previous)
        return usual is not None and smoothed > SLOWER * usual + SLACK_S


class InFlight:
    """Slots for requests in flight: at most `ceiling`, fewer as the target asks (see above)."""

    def __init__(self, ceiling: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = float(self.ceiling)
        self.in_flight = 0
        self.cuts = 0  # how often the limit was cut (a round ends at each cut)
        self.answered = False  # has the target answered at all yet?
        self._clock = clock
        self._cond = threading.Condition()
        self._paused_until = 0.0
        self._lanes: set[str] = set()
        self._shared: Counter[str] = Counter()  # lane -> requests sharing it in flight
        self._room: dict[str, int] = {}  # key -> requests its window still takes
        self._keyed: Counter[str] = Counter()  # key -> its requests in flight
        self._trend = LatencyTrend()

    # -- taking and giving back a slot --------------------------------------------------------
    def take(
        self, key: str | None = None, lanes: tuple[str, ...] = (), shared: tuple[str, ...] = ()
    ) -> Ticket:
        """Wait for a slot (see the module docstring), then take it: alone in each of `lanes`,
        beside others in each of `shared` (an exclusive request waits for those)."""
        with self._cond:
            while True:
                ticket = self._try_take(key, lanes, shared)
                if ticket is not None:
                    return ticket
                wait = self._paused_until - self._clock()
                self._cond.wait(timeout=wait if wait > 0 else None)

    def try_take(
        self, key: str | None = None, lanes: tuple[str, ...] = (), shared: tuple[str, ...] = ()
    ) -> Ticket | None:
        """A slot if one may be taken now, else None (nothing waits)."""
        with self._cond:
            return self._try_take(key, lanes, shared)

    def _try_take(self, key: str | None, lanes: tuple[str, ...], shared: tuple[str, ...]) -> Ticket | None:
        if self._paused_until > self._clock() or not self._may_go(key, lanes, shared):
            return None
        self.in_flight += 1
        self._lanes.update(lanes)
        self._shared.update(shared)
        if key is not None:
            self._keyed[key] += 1
            if key in self._room:
                self._room[key] -= 1
        return Ticket(key, lanes, self.cuts, self._clock(), shared)

    def _may_go(self, key: str | None, lanes: tuple[str, ...], shared: tuple[str, ...]) -> bool:
        if self.in_flight >= (max(1, int(self.limit)) if self.answered else 1):
            return False
        if self._lanes.intersection((*lanes, *shared)) or any(self._shared[lane] for lane in lanes):
            return False
        return key is None or self._room.get(key, 1) > 0 or self._keyed[key] == 0

    def give_back(
        self,
        ticket: Ticket,
        *,
        answered: str | None = "",
        refused: bool = False,
        remaining: int | None = None,
    ) -> None:
        """The request is done: `answered` names the kind of answer (its endpoint and status
        class; None: no answer in time), `refused` is an unrequested 429, `remaining` the room
        its answer showed for its key (`X-RateLimit-Remaining`), if any."""
        with self._cond:
            self._release(ticket)
            self.answered = self.answered or answered is not None
            if ticket.key is not None and remaining is not None:
                self._room[ticket.key] = remaining - self._keyed[ticket.key]
            self._adapt(ticket, answered, refused)
            self._cond.notify_all()

    def give_back_unsent(self, ticket: Ticket) -> None:
        """A guard refused the request after all: nothing was sent, nothing learnt."""
        with self._cond:
            self._release(ticket)
            if ticket.key is not None and ticket.key in self._room:
                self._room[ticket.key] += 1
            self._cond.notify_all()

    def _release(self, ticket: Ticket) -> None:
        self.in_flight -= 1
        self._lanes.difference_update(ticket.lanes)
        self._shared.subtract(ticket.shared)
        if ticket.key is not None:
            self._keyed[ticket.key] -= 1

    def _adapt(self, ticket: Ticket, answered: str | None, refused: bool) -> None:
        slowing = answered is not None and not refused
        slowing = slowing and self._trend.slowing(answered or "", self._clock() - ticket.started)
        if refused or answered is None or slowing:
            if ticket.round == self.cuts:  # one cut per round of requests
                self.limit = max(1.0, self.limit / 2)
                self.cuts += 1
            return
        self.limit = min(float(self.ceiling), self.limit + 1 / self.limit)

    def pause(self, seconds: float) -> None:
        """The target asked to wait: no slot is given for `seconds`."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._cond.notify_all()
