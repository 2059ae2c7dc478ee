"""Status checks: is the status documented, and does it fit what the request carried?"""

from __future__ import annotations

from errcontract.core.exchange import Exchange
from errcontract.core.verdicts import Severity
from errcontract.judge.checks.registry import Violation, check
from errcontract.judge.oracle import Oracle


@check(promise="The status table lists every status the API uses; anything else breaks it.")
def status_documented(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """The status table lists every status the API uses; anything else breaks it."""
    status = exchange.status
    if status is None or status in oracle.contract.statuses or oracle.contract.codes_at(status):
        return []
    where = exchange.header("location")
    extra = f" (redirect to {where}; not followed)" if where and 300 <= status < 400 else ""
    severity = Severity.VIOLATION if oracle.scope_of(exchange) else Severity.WARNING
    message = f"HTTP {status} is not in the documented status table{extra}"
    return [Violation("status_documented", message, status, None, severity)]


def _certain_codes(exchange: Exchange) -> tuple[str, ...]:
    """The codes the request's first certain defect documents (the promise a success breaks)."""
    return next((d.codes for d in exchange.request.defects if d.certain), ())


def _served_despite_defect(exchange: Exchange) -> bool:
    return 200 <= (exchange.status or 0) < 300 and exchange.request.has_certain_defect


def _access_control(exchange: Exchange, oracle: Oracle) -> bool:
    """Is the certain defect a missing, malformed or foreign credential (its codes all 401/403)?"""
    codes = _certain_codes(exchange)
    known = [oracle.contract.codes[c] for c in codes if c in oracle.contract.codes]
    return bool(known) and all(set(c.statuses) <= {401, 403} for c in known)


@check(promise="A request with a certain defect must not succeed.")
def defect_rejected(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """A request with a certain defect must not succeed."""
    status = exchange.status or 0
    if not _served_despite_defect(exchange) or _access_control(exchange, oracle):
        return []
    if oracle.window_had_room(exchange):
        return []
    codes = _certain_codes(exchange)
    expected = ", ".join(sorted(exchange.request.justified_codes())) or "an error"
    message = (
        f"HTTP {status} accepted a request with defect "
        f"{exchange.request.describe_defects()} (expected {expected})"
    )
    return [Violation("defect_rejected", message, status, codes[0] if codes else None)]


@check(promise="A request with no, malformed or foreign credentials is never served.")
def access_control(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """A request with no, malformed or foreign credentials is never served."""
    status = exchange.status or 0
    if not _served_despite_defect(exchange) or not _access_control(exchange, oracle):
        return []
    codes = _certain_codes(exchange)
    defects = exchange.request.describe_defects()
    promised = " or ".join(codes)
    message = f"access control: HTTP {status} served a request with {defects} (the docs promise {promised})"
    return [Violation("access_control", message, status, codes[0])]


@check(promise="An endpoint the docs open to everyone answers a request without credentials.")
def open_endpoint_needs_no_key(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """An endpoint the docs open to everyone answers a request without credentials."""
    endpoint = oracle.contract.endpoint_for(exchange.request.method, _below_base(exchange, oracle))
    sent_key = oracle.contract.auth.sent(exchange.request.headers, exchange.request.query) is not None
    if endpoint is None or endpoint.auth or sent_key or exchange.status != 401:
        return []
    message = f"{endpoint.method} {endpoint.path} needs no key by the docs, but answered 401 without one"
    return [Violation("open_endpoint_needs_no_key", message, 401, None)]


def _below_base(exchange: Exchange, oracle: Oracle) -> str:
    path, base = exchange.request.path, oracle.contract.base_path
    return path[len(base) :] if path.startswith(base) else path


@check(promise="A client mistake gets a 4xx: the docs keep 5xx for server-side issues.")
def no_server_error_for_client_mistake(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """A client mistake gets a 4xx: the docs keep 5xx for server-side issues."""
    if not oracle.server_error_for_client_defect(exchange):
        return []
    status = exchange.status or 0
    certain = exchange.request.has_certain_defect
    kind = "a client mistake" if certain else "a request with a variation the docs do not forbid"
    message = (
        f"HTTP {status} for {kind} ({exchange.request.describe_defects()}); "
        "the docs reserve 5xx for server-side failures"
    )
    answered = oracle.code_of(exchange)
    # The promise broken is the code the mistake should have drawn, not the 5xx's own case.
    drawn = next(iter(_certain_codes(exchange)), None)
    code = drawn if drawn is not None else (answered if answered in oracle.contract.codes else None)
    severity = Severity.VIOLATION if certain else Severity.WARNING
    return [Violation("no_server_error_for_client_mistake", message, status, code, severity)]
