"""Status checks: is the status documented, and does it fit what the request carried?"""

from __future__ import annotations

from errcontract.checks.oracle import Oracle
from errcontract.checks.registry import Violation, check
from errcontract.exchange import Exchange


@check("status_documented")
def status_documented(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """The status table lists every status the API uses; anything else breaks it."""
    status = exchange.status
    if status in oracle.contract.statuses:
        return []
    where = exchange.header("location")
    extra = f" (redirect to {where}; not followed)" if where and 300 <= status < 400 else ""
    severity = "violation" if oracle.scope_of(exchange) else "warning"
    message = f"HTTP {status} is not in the documented status table{extra}"
    return [Violation("status_documented", message, status, None, severity)]


@check("defect_rejected")
def defect_rejected(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """A request with a certain defect must not succeed."""
    status = exchange.status or 0
    if not 200 <= status < 300 or not exchange.request.has_certain_defect:
        return []
    expected = ", ".join(sorted(exchange.request.justified_codes())) or "an error"
    message = (
        f"HTTP {status} accepted a request with defect "
        f"{exchange.request.describe_defects()} (expected {expected})"
    )
    return [Violation("defect_rejected", message, status, None)]


@check("no_server_error_for_client_mistake")
def no_server_error_for_client_mistake(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """A client mistake gets a 4xx: the docs keep 5xx for server-side issues."""
    status = exchange.status or 0
    if status < 500 or not exchange.request.has_certain_defect:
        return []
    message = (
        f"HTTP {status} for a client mistake ({exchange.request.describe_defects()}); "
        "the docs reserve 5xx for server-side failures"
    )
    return [Violation("no_server_error_for_client_mistake", message, status, oracle.code_of(exchange))]
