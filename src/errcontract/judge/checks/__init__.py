"""Checks: small pure functions over recorded exchanges, registered by name.

A check is `(exchange, oracle) -> list[Violation]`; it never sends a request, so each one can be
unit-tested on a recorded exchange. A check that crashes becomes an error result, never a crash
of the run. Importing this package registers every family of checks.
"""

from errcontract.judge.checks import codes, envelope, headers, protocol, status
from errcontract.judge.checks.registry import (
    CHECKS,
    CheckOutcome,
    Violation,
    check,
    rule_of,
    run_checks,
)
from errcontract.judge.oracle import Oracle

__all__ = [
    "CHECKS",
    "CheckOutcome",
    "Oracle",
    "Violation",
    "check",
    "codes",
    "envelope",
    "headers",
    "protocol",
    "rule_of",
    "run_checks",
    "status",
]
