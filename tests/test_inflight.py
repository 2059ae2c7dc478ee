"""Requests in flight: never more than --concurrency, fewer when the target slows down, asks to
wait or shows little room, and the rate-limited key's requests one at a time (client/inflight.py).
A fake clock: nothing here waits."""

from __future__ import annotations

import threading

from errcontract.client.inflight import InFlight, Ticket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def taken(slots: InFlight, count: int, key: str | None = None) -> list[Ticket]:
    tickets = [slots.try_take(key) for _ in range(count)]
    assert all(t is not None for t in tickets), "a slot was refused below the limit"
    return [t for t in tickets if t is not None]


def answered_once(slots: InFlight) -> InFlight:
    slots.give_back(taken(slots, 1)[0])
    return slots


def test_one_request_at_a_time_until_the_target_has_answered() -> None:
    slots = InFlight(4, Clock())
    first = taken(slots, 1)[0]
    assert slots.try_take() is None
    slots.give_back(first, answered=None)  # no answer in time: still one at a time
    second = taken(slots, 1)[0]
    assert slots.try_take() is None
    slots.give_back(second)
    assert len(taken(slots, 2)) == 2


def test_no_more_than_the_ceiling_in_flight() -> None:
    slots = answered_once(InFlight(4, Clock()))
    tickets = taken(slots, 4)
    assert slots.try_take() is None
    slots.give_back(tickets[0])
    assert slots.try_take() is not None


def test_an_unrequested_429_halves_the_limit_once_per_round() -> None:
    slots = answered_once(InFlight(4, Clock()))
    tickets = taken(slots, 4)
    for ticket in tickets:  # four 429s from requests sent in the same round: one cut
        slots.give_back(ticket, refused=True)
    assert slots.limit == 2
    assert len(taken(slots, 2)) == 2 and slots.try_take() is None


def test_a_later_round_of_429s_cuts_again_down_to_one() -> None:
    slots = InFlight(4, Clock())
    for _ in range(3):
        slots.give_back(taken(slots, 1)[0], refused=True)
    assert slots.limit == 1


def test_answers_in_time_give_the_slots_back_one_per_round() -> None:
    clock = Clock()
    slots = InFlight(4, clock)
    slots.give_back(taken(slots, 1)[0], refused=True)
    assert slots.limit == 2
    for _ in range(4):
        ticket = taken(slots, 1)[0]
        clock.now += 0.1
        slots.give_back(ticket, answered="GET /x 4xx")
    assert 3 <= slots.limit <= 4


def test_a_target_slowing_down_gets_fewer_requests_in_flight() -> None:
    clock = Clock()
    slots = InFlight(4, clock)

    def answer(latency: float) -> None:
        ticket = taken(slots, 1)[0]
        clock.now += latency
        slots.give_back(ticket, answered="POST /generate 4xx")

    for _ in range(10):
        answer(0.1)
    assert slots.limit == 4  # steady at 100 ms: no cut
    for _ in range(10):
        answer(0.5)
    assert slots.limit < 4


def test_steady_high_latency_is_no_slowdown() -> None:
    clock = Clock()
    slots = InFlight(4, clock)
    for _ in range(50):
        ticket = taken(slots, 1)[0]
        clock.now += 0.3
        slots.give_back(ticket, answered="POST /generate 4xx")
    assert slots.limit == 4 and slots.cuts == 0


def test_a_slow_kind_of_answer_is_judged_against_its_own_kind() -> None:
    clock = Clock()
    slots = InFlight(4, clock)
    for index in range(40):  # fast errors, slow successes, interleaved: nothing slows down
        ticket = taken(slots, 1)[0]
        slow = index % 3 == 0
        clock.now += 2.0 if slow else 0.05
        slots.give_back(ticket, answered="POST /jobs 2xx" if slow else "POST /jobs 4xx")
    assert slots.cuts == 0


def test_no_answer_in_time_cuts_the_limit() -> None:
    slots = InFlight(4, Clock())
    slots.give_back(taken(slots, 1)[0], answered=None)
    assert slots.limit == 2


def test_no_slot_while_the_target_asked_to_wait() -> None:
    clock = Clock()
    slots = InFlight(4, clock)
    slots.pause(2.0)
    assert slots.try_take() is None
    clock.now += 2.0
    assert slots.try_take() is not None


def test_in_flight_requests_count_against_the_room_the_target_shows() -> None:
    slots = answered_once(InFlight(4, Clock()))
    first, second, _third = taken(slots, 3, key="api_key")
    slots.give_back(first, remaining=2)  # two still in flight take the room shown
    assert slots.try_take("api_key") is None
    assert slots.try_take("other_key") is not None  # another key's window is its own
    slots.give_back(second, remaining=5)
    assert slots.try_take("api_key") is not None


def test_a_key_without_room_still_sends_once_nothing_of_it_is_in_flight() -> None:
    slots = InFlight(4, Clock())
    slots.give_back(taken(slots, 1, key="api_key")[0], remaining=0)
    assert slots.try_take("api_key") is not None  # the run's guards decide (Remaining 0 stops it)


def test_a_lane_goes_one_request_at_a_time() -> None:
    slots = answered_once(InFlight(4, Clock()))
    lane = ("window:api_key_rate_limited",)
    ticket = slots.try_take("api_key_rate_limited", lane)
    assert ticket is not None
    assert slots.try_take("api_key_rate_limited", lane) is None
    assert slots.try_take("api_key") is not None
    slots.give_back(ticket)
    assert slots.try_take("api_key_rate_limited", lane) is not None


def test_a_request_in_two_lanes_waits_for_both() -> None:
    slots = answered_once(InFlight(4, Clock()))
    billed = slots.try_take("api_key", ("billable",))
    assert billed is not None
    assert slots.try_take("api_key_rate_limited", ("window:api_key_rate_limited", "billable")) is None
    slots.give_back(billed)
    assert slots.try_take("api_key_rate_limited", ("window:api_key_rate_limited", "billable")) is not None


def test_a_refused_send_gives_its_room_back() -> None:
    slots = InFlight(1, Clock())
    slots.give_back(taken(slots, 1, key="k")[0], remaining=1)
    ticket = taken(slots, 1, key="k")[0]
    slots.give_back_unsent(ticket)
    assert slots.limit == 1 and slots.try_take("k") is not None


def test_a_waiting_sender_goes_when_a_slot_is_given_back() -> None:
    slots = InFlight(1)
    first = taken(slots, 1)[0]
    got: list[Ticket] = []
    waiter = threading.Thread(target=lambda: got.append(slots.take()))
    waiter.start()
    slots.give_back(first)
    waiter.join(timeout=30)
    assert got and not waiter.is_alive()


def test_an_exclusive_request_waits_for_those_sharing_its_lane() -> None:
    slots = answered_once(InFlight(4, Clock()))
    first = slots.try_take("api_key", shared=("billable",))
    second = slots.try_take("api_key", shared=("billable",))
    assert first is not None and second is not None  # billable ones beside each other
    assert slots.try_take("api_key", lanes=("billable",)) is None  # one alone waits for both
    slots.give_back(first)
    assert slots.try_take("api_key", lanes=("billable",)) is None
    slots.give_back(second)
    alone = slots.try_take("api_key", lanes=("billable",))
    assert alone is not None
    assert slots.try_take("api_key", shared=("billable",)) is None  # none beside it while it goes
