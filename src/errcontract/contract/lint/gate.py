"""Every registered contract rule, and the gate `errcontract run` passes a contract through.

Inside the lint package so that importing it first (as `errcontract run` does) or the lint
first gives the same order: the package, then this module, then the rule modules.

The rules live in `lint/rules.py` (and register themselves there); `lint/auth.py`,
`lint/cases.py` and `lint/values.py` add theirs when imported, which this module does once for
every reader. `errcontract lint` runs them with the examples, the OpenAPI and mock.yaml checks
besides; a run needs only these (milliseconds), so a contract the lint would refuse never gets
as far as a verdict.
"""

from __future__ import annotations

from errcontract.contract.lint import auth as lint_auth
from errcontract.contract.lint import cases as lint_cases
from errcontract.contract.lint import values as lint_values
from errcontract.contract.lint.problem import Problem
from errcontract.contract.lint.rules import rule_problems
from errcontract.contract.model import Contract
from errcontract.core.errors import ContractError

__all__ = ["REGISTERING_MODULES", "contract_problems", "require_sound"]

REGISTERING_MODULES = (lint_auth, lint_cases, lint_values)  # imported for their rules


def contract_problems(contract: Contract) -> list[Problem]:
    """What every registered rule finds wrong with the contract."""
    return rule_problems(contract)


def require_sound(contract: Contract) -> Contract:
    """The contract, or a ContractError naming its first problem (a run on a contract that
    breaks its own rules would blame the target for the contract's mistakes)."""
    problems = contract_problems(contract)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ContractError(f"{problems[0]}{more}: `errcontract lint` lists every problem")
    return contract
