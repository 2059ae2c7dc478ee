"""Code checks: is the code documented for the status, and justified by the request?"""

from __future__ import annotations

from errcontract.core.exchange import Exchange
from errcontract.core.verdicts import Severity
from errcontract.judge.checks.registry import Violation, check
from errcontract.judge.oracle import Oracle


@check(promise="Clients switch on the code: it must be one the docs list for this status.")
def code_documented(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """Clients switch on the code: it must be one the docs list for this status."""
    status = exchange.status or 0
    code = oracle.code_of(exchange)
    documented = oracle.contract.codes_at(status)
    if status < 400 or code is None or not documented or code in documented:
        return []
    known = oracle.contract.codes.get(code)
    if known:
        text = f"{code} is documented with HTTP {list(known.statuses)}, got {status}"
    else:
        text = f"undocumented code {code!r} for HTTP {status} (documented: {', '.join(documented)})"
    severity = Severity.VIOLATION if oracle.scope_of(exchange) else Severity.WARNING
    return [Violation("code_documented", text, status, code, severity)]


@check(promise="The code is one that one of the request's defects justifies (no order is assumed).")
def code_justified(exchange: Exchange, oracle: Oracle) -> list[Violation]:
    """The code is one that one of the request's defects justifies (no order is assumed)."""
    status = exchange.status or 0
    code = oracle.code_of(exchange)
    if not 400 <= status < 500 or code is None or code in oracle.always_justified:
        return []
    request = exchange.request
    if not request.defects:
        text = f"{code} (HTTP {status}) for a request errcontract believes valid"
        return [Violation("code_justified", text, status, code, Severity.WARNING)]
    justified = request.justified_codes()
    if code in justified or code not in oracle.contract.codes:
        return []  # an undocumented code is code_documented's finding
    text = (
        f"{oracle.shown_code(exchange)} is not justified by the request's defect "
        f"({request.describe_defects()}): expected {' or '.join(sorted(justified))}"
    )
    return [Violation("code_justified", text, status, code)]
