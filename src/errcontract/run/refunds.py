"""The refund promise, checked: create the cheapest documented job, cancel it, and read the balance.

Vydra's errors page: "User-cancelled jobs" are refunded "automatically and instantly ... You'll
see the refund reflected in your credit balance immediately". A contract's `refunds` section says
which endpoint creates and cancels, where the new id and its charge are, and which endpoint shows
the balance. Creating a job is billed, so on a live target this runs only with --allow-spend; on
the embedded mock it always runs. The result is a value; pytest only turns it into an outcome.
Each step waits for the answer before it (the balance before the job, the charge, the cancel);
only the job's state and the balance after the cancel are read side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from errcontract.client.http import NotSent
from errcontract.contract.parts import Refunds
from errcontract.core.exchange import pointer_get
from errcontract.core.registry import Registry, function_rule
from errcontract.core.verdicts import Verdict
from errcontract.judge.judged import Judged
from errcontract.judge.model import Evidence, RefundEntry
from errcontract.judge.verdict import RefundSeen, refund_verdict
from errcontract.requests.recipes import base_request
from errcontract.run.session import ProviderRun

CHECK = "refund_on_cancel"
PROMISE = "A cancelled job's credits are refunded at once (errors: Automatic Refunds)"


@dataclass(frozen=True)
class RefundResult:
    verdict: Verdict
    reason: str
    balances: tuple[Any, ...] = ()  # before creating, after creating, after cancelling
    charged: Any = None
    evidence: tuple[Evidence, ...] = field(default=())

    def entry(self) -> RefundEntry:
        """The refund check as results.json keeps it."""
        return RefundEntry(
            CHECK, PROMISE, self.verdict, self.reason, self.balances, self.charged, self.evidence
        )


class _Stop(Exception):
    """Not observed: the reason why the refund could not be watched."""


REFUND_RULES: Registry[Callable[[ProviderRun], RefundResult | None]] = Registry("refund rule")


@function_rule(REFUND_RULES, PROMISE, CHECK)
def check_refund(run: ProviderRun) -> RefundResult | None:
    """None when the contract documents no refund; else the verdict with the balances seen."""
    spec = run.contract.refunds
    if spec is None:
        return None
    if not run.embedded_mock and not run.options.allow_spend:
        result = RefundResult(Verdict.NOT_OBSERVED, "creating a job is billed: pass --allow-spend CREDITS")
    else:
        try:
            result = _watch(run, spec)
        except _Stop as why:
            result = RefundResult(Verdict.NOT_OBSERVED, str(why))
    run.recorder.add_refund(result.entry())
    return result


def _watch(run: ProviderRun, spec: Refunds) -> RefundResult:
    before = _balance(run, spec)
    created_judged = _send(run, spec.create, None, "creating the job")
    created = created_judged.exchange
    if not 200 <= (created.status or 0) < 300:
        raise _Stop(f"the job was not created (HTTP {created.status})")
    job_id = pointer_get(created.json(), spec.id_pointer)
    charged = pointer_get(created.json(), spec.charged_pointer)
    if not isinstance(charged, int | float) or not charged:
        raise _Stop(f"the new job shows no charge at {spec.charged_pointer}")
    after_create = _balance(run, spec)
    cancelled_judged = _send(run, spec.cancel, {"id": str(job_id)}, "cancelling the job")
    cancelled = cancelled_judged.exchange
    if not 200 <= (cancelled.status or 0) < 300:
        raise _Stop(f"the job could not be cancelled (HTTP {cancelled.status})")
    # Once the cancel is answered, the job's state and the balance are read side by side.
    steps: list[Callable[[], Any]] = [
        lambda: _require_cancelled(run, spec, str(job_id)),
        lambda: _balance(run, spec),
    ]
    after_cancel = run.each(lambda step: step(), steps)[1]
    balances = (before, after_create, after_cancel)
    evidence = (created_judged.evidence(), cancelled_judged.evidence())
    seen = RefundSeen(before, after_create, after_cancel, charged, cancelled.status)
    verdict, reason = refund_verdict(seen)
    return RefundResult(verdict, reason, balances, charged, evidence)


def _send(run: ProviderRun, endpoint_name: str, ids: dict[str, str] | None, doing: str) -> Judged:
    endpoint = run.contract.endpoints[endpoint_name]
    missing: set[str] = set()
    spec = base_request(run.contract, endpoint, run.fixtures, missing, path_params=ids)
    if missing:
        raise _Stop(f"{doing} needs {', '.join(sorted(missing))}")
    try:
        judged = run.send(spec)
    except NotSent as exc:
        raise _Stop(f"{doing}: {exc}") from None
    if judged.exchange.status is None:
        raise _Stop(f"{doing}: no answer ({judged.exchange.transport_error})")
    return judged


def _require_cancelled(run: ProviderRun, spec: Refunds, job_id: str) -> None:
    """Only a job that was cancelled has credits to give back (one that finished first has none)."""
    shown = _send(run, spec.status.endpoint, {"id": job_id}, "reading the job's status").exchange
    state = pointer_get(shown.json(), spec.status.pointer)
    if state not in spec.cancelled:
        wanted = " or ".join(repr(s) for s in spec.cancelled)
        raise _Stop(f"the job was {state!r}, not {wanted}, after the cancel: nothing to refund")


def _balance(run: ProviderRun, spec: Refunds) -> Any:
    exchange = _send(run, spec.balance.endpoint, None, "reading the balance").exchange
    value = pointer_get(exchange.json(), spec.balance.pointer)
    if not isinstance(value, int | float):
        raise _Stop(f"no balance at {spec.balance.pointer} (HTTP {exchange.status})")
    return value
