"""The spend guard on a live target: nothing billable without --allow-spend; spend seen in
billable successes is counted and stops billable requests at the cap."""

from __future__ import annotations

import pytest

from errcontract.client.http import NotSent
from errcontract.contract.model import load_provider
from errcontract.mock.server import serve_in_thread
from errcontract.requests.recipes import base_request
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun


def live_run(mock, allow_spend: float | None) -> ProviderRun:
    contract = load_provider("vicsee")
    options = RunOptions(provider="vicsee", allow_spend=allow_spend)
    return ProviderRun(contract, options, mock.url, dict(mock.fixtures), embedded_mock=False)


def generate_request(run: ProviderRun):
    return base_request(run.contract, run.contract.endpoints["generate"], run.fixtures, set())


def test_billable_request_is_not_sent_without_allow_spend():
    with serve_in_thread("vicsee") as mock:
        run = live_run(mock, None)
        with pytest.raises(NotSent, match="--allow-spend"):
            run.send_exchange(generate_request(run))
        run.client.close()
    assert run.client.stats.sent == 0


def test_spend_is_counted_and_the_cap_stops_billable_requests():
    with serve_in_thread("vicsee") as mock:
        run = live_run(mock, 1)
        first = run.send_exchange(generate_request(run))
        with pytest.raises(NotSent, match="spend cap reached"):
            run.send_exchange(generate_request(run))
        task = base_request(run.contract, run.contract.endpoints["get_task"], run.fixtures, set())
        read = run.send_exchange(task)
        run.client.close()
    assert first.status == 200
    assert run.client.stats.spent == first.json()["data"]["creditsUsed"] > 0
    assert read.status == 200  # reads are never billed, so never refused by the cap


def test_billable_requests_sent_side_by_side_never_overrun_the_cap():
    """Billable requests go one at a time while a budget is kept: each charge is counted before
    the next is let through, however many threads send (a cap of 1 credit: one job, not four)."""
    with serve_in_thread("vicsee") as mock:
        run = live_run(mock, 1)
        spec = generate_request(run)
        task = base_request(run.contract, run.contract.endpoints["get_task"], run.fixtures, set())
        run.send_exchange(task)  # the target has answered: requests may now go side by side

        def send(_: int) -> int | None:
            try:
                return run.send_exchange(spec).status
            except NotSent:
                return None

        statuses = run.each(send, list(range(8)))
        run.client.close()
    assert statuses.count(200) == 1, statuses
    assert statuses.count(None) == 7


def test_a_budget_that_covers_them_sends_every_billable_request():
    """Once a charge is known, billable requests may go beside each other while the budget covers
    every one in flight at that charge (near the cap, one at a time: the test above)."""
    with serve_in_thread("vicsee") as mock:
        run = live_run(mock, 1_000_000)
        spec = generate_request(run)
        first = run.send_exchange(spec)  # the first goes alone: no charge known yet
        charge = first.json()["data"]["creditsUsed"]
        statuses = run.each(lambda _: run.send_exchange(spec).status, list(range(8)))
        run.client.close()
    assert charge > 0 and statuses == [200] * 8
    assert run.client.stats.spent == 9 * charge
