"""Lint rules for how documented cases are recognised (`codes.<name>.match`, see `cases`).

A client tells errors apart by status and by what the body carries; two cases of one status
recognised by the same members and values could not be told apart, so the contract would be
promising a distinction no response can show. Importing this module registers its rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from errcontract.contract.cases import case_match
from errcontract.contract.lint.problem import Problem, in_contract
from errcontract.contract.lint.rules import rule
from errcontract.contract.model import Contract

__all__ = ["cases_are_told_apart", "match_codes_are_strings_or_null"]


@rule
def cases_are_told_apart(contract: Contract) -> Iterator[Problem]:
    """No two cases of a status are recognised the same way (nor one by a subset of the other's
    members when it is listed first: it would always win)."""
    names = list(contract.codes)
    for first, second in combinations(names, 2):
        shared = set(contract.codes[first].statuses) & set(contract.codes[second].statuses)
        if not shared:
            continue
        a, b = case_match(contract, first), case_match(contract, second)
        if a.items() <= b.items():
            status = min(shared)
            how = "the same way" if a == b else f"more loosely ({a or 'any body'})"
            message = (
                f"{first} is recognised {how} as {second} at status {status}: "
                f"{second} could never be told apart (add a member to its match, or list it first)"
            )
            yield in_contract(contract, ["codes", second, "match"], message, ("code", second))


@rule
def match_codes_are_strings_or_null(contract: Contract) -> Iterator[Problem]:
    """The value a case pins at the code pointer is a code string or null, as clients read it."""
    pointer = contract.envelope.code_pointer
    for name, code in contract.codes.items():
        value = (code.match or {}).get(pointer, "")
        if not (value is None or isinstance(value, str)):
            where = ["codes", name, "match", pointer]
            yield in_contract(
                contract, where, f"{value!r} at the code pointer: give a string or null", ("code", name)
            )
