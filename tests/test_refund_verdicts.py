"""The refund promise judged on what a faithful Vydra may do where the docs are silent: other
spending on the account while the job is made, the US spelling of its cancelled state; and a
job that keeps its credits still fails."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.verdicts import Verdict
from errcontract.run.options import RunOptions
from errcontract.run.refunds import check_refund
from errcontract.run.session import ProviderRun
from tests.faulty_servers import Connection, LoopbackServer, Request, http_response

KEY = "vydra_live_user_refundtest1_abcdef123456"
JOB = "3f1c2b9e-0000-4000-8000-000000000001"


@dataclasses.dataclass
class Account:
    """A one-job Vydra: POST /jobs charges 5, DELETE cancels, GET shows the state."""

    refunds: bool = True
    cancelled_state: str = "cancelled"
    spent_elsewhere: int = 0  # credits another client spends right after the balance is first read
    balance: int = 100
    state: str = "pending"
    reads: int = 0

    def handle(self, request: Request, conn: Connection) -> None:
        status, body = self.answer(request.method, request.path)
        conn.send(http_response(status, {"Content-Type": "application/json"}, json.dumps(body).encode()))

    def answer(self, method: str, path: str) -> tuple[int, dict[str, object]]:
        if path == "/api/v1/organization":
            self.reads += 1
            shown = self.balance
            if self.reads == 1:
                self.balance -= self.spent_elsewhere
            return 200, {"id": "org_1", "creditsRemaining": shown}
        if method == "POST" and path == "/api/v1/jobs":
            self.balance -= 5
            return 201, {"id": JOB, "status": "pending", "workflow": "generate_image", "creditsCharged": 5}
        if method == "DELETE" and path == f"/api/v1/jobs/{JOB}":
            self.state = self.cancelled_state
            self.balance += 5 if self.refunds else 0
            return 200, {"id": JOB, "status": self.state}
        if method == "GET" and path == f"/api/v1/jobs/{JOB}":
            return 200, {"id": JOB, "status": self.state}
        return 404, {"error": "Not found", "code": "NOT_FOUND"}


@pytest.fixture
def target() -> Iterator[tuple[Account, str]]:
    account = Account()
    with LoopbackServer(account.handle) as server:
        yield account, server.url


def refund_verdict(url: str) -> tuple[Verdict, str]:
    options = RunOptions(provider="vydra", target=url, allow_spend=100)
    run = ProviderRun(load_provider("vydra"), options, url, {"api_key": KEY}, embedded_mock=False)
    result = check_refund(run)
    run.client.close()
    assert result is not None
    return result.verdict, result.reason


def test_refund_passes_though_the_account_spent_elsewhere_meanwhile(target: tuple[Account, str]) -> None:
    account, url = target
    account.spent_elsewhere = 7
    assert refund_verdict(url)[0] is Verdict.PASS


def test_refund_passes_with_the_us_spelling_of_cancelled(target: tuple[Account, str]) -> None:
    account, url = target
    account.cancelled_state = "canceled"
    assert refund_verdict(url)[0] is Verdict.PASS


def test_cancelled_job_that_keeps_its_credits_fails(target: tuple[Account, str]) -> None:
    account, url = target
    account.refunds = False
    verdict, reason = refund_verdict(url)
    assert verdict is Verdict.FAIL and "did not come back" in reason


def test_job_in_another_state_after_the_cancel_is_not_observed(target: tuple[Account, str]) -> None:
    account, url = target
    account.cancelled_state, account.refunds = "completed", False
    verdict, reason = refund_verdict(url)
    assert verdict is Verdict.NOT_OBSERVED and "'completed'" in reason
