"""Each documented example body, judged against every envelope profile of its contract.

A contract's examples are the provider's own sample error bodies. Each is validated against each
envelope profile (always "stated", plus e.g. Vydra's "exemplified" for the shape its examples
actually show), refined by the code's per-code schema; then checked against the tables: its
status, its code, the code at the code pointer, the message pattern, and its ambiguity tag (an
example that breaks the stated envelope must say which recorded ambiguity explains it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import referencing.exceptions

from errcontract.contract.cases import identify
from errcontract.contract.lint.problem import Finding, Problem, in_contract
from errcontract.contract.model import Contract, key_path
from errcontract.contract.parts import Example
from errcontract.core import pointer
from errcontract.core.verdicts import Strength

__all__ = ["STATED", "ExampleResult", "example_problems", "example_schema", "judge_example"]

STATED = Strength.STATED  # the envelope profile every contract has


@dataclass(frozen=True)
class ExampleResult:
    """One documented example body, judged against every envelope profile of its contract.

    `profile_errors` maps each profile (always "stated", plus e.g. Vydra's "exemplified") to the
    validation errors of the body against that profile and the code's per-code schema; an empty
    tuple means the body validates it. Placeholder examples are judged on the envelope only.
    """

    name: str
    status: int
    code: str | None
    placeholder: bool
    ambiguity: str | None
    profile_errors: dict[str, tuple[str, ...]]

    def ok(self, profile: str) -> bool | None:
        """Does the body validate this profile? None when the contract has no such profile."""
        errors = self.profile_errors.get(profile)
        return None if errors is None else not errors

    @property
    def stated_ok(self) -> bool:
        return bool(self.ok(STATED))

    @property
    def validates(self) -> tuple[str, ...]:
        return tuple(p for p, errors in self.profile_errors.items() if not errors)


def example_schema(contract: Contract, profile: str, code: str | None) -> dict[str, Any]:
    """The profile's envelope, refined by the code's per-code schema when it has one."""
    schema = contract.profile_schema(profile)
    refinement = contract.code_schema(code) if code else None
    if refinement is None:
        return schema
    return {**schema, "allOf": [*schema.get("allOf", []), {"$ref": refinement["$ref"]}]}


def _validation_errors(schema: dict[str, Any], body: Any) -> tuple[str, ...]:
    """The body's errors against the schema; a broken schema (reported by its own rule) is one."""
    validator = jsonschema.Draft202012Validator(schema)
    try:
        errors = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    except referencing.exceptions.Unresolvable as exc:
        return (f"(schema): cannot be applied: {exc}",)
    return tuple(f"{key_path(e.absolute_path)}: {e.message}" for e in errors)


def judge_example(contract: Contract, example: Example) -> ExampleResult:
    code = None if example.placeholder else example.code
    errors = {
        profile: _validation_errors(example_schema(contract, profile, code), example.body)
        for profile in contract.envelope.profiles
    }
    return ExampleResult(
        example.name, example.status, example.code, example.placeholder, example.ambiguity, errors
    )


def example_problems(contract: Contract, index: int, result: ExampleResult) -> Iterator[Problem]:
    where, subject = ["examples", index], ("example", result.name)
    for key, message in _example_findings(contract, result, contract.examples[index].body):
        yield in_contract(contract, [*where, *key], message, subject)


def _example_findings(contract: Contract, result: ExampleResult, body: Any) -> Iterator[Finding]:
    known = {a.id for a in contract.ambiguities}
    if result.ambiguity and result.ambiguity not in known:
        yield ["ambiguity"], f"no ambiguity {result.ambiguity!r} in ambiguities"
    if result.status not in contract.statuses:
        yield ["status"], f"{result.status} is not in the status table"
    if result.code and not result.placeholder:
        if result.code not in contract.codes:
            yield ["code"], f"{result.code} is not in the code table"
        elif result.status not in contract.codes[result.code].statuses:
            yield ["status"], f"{result.code} is not documented with status {result.status}"
    yield from _envelope_findings(contract, result)
    if result.stated_ok and result.code and not result.placeholder:
        yield from _body_findings(contract, result, body)


def _envelope_findings(contract: Contract, result: ExampleResult) -> Iterator[Finding]:
    errors = result.profile_errors[STATED]
    if errors and not result.ambiguity:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        yield ["body"], f"does not validate the stated profile: {errors[0]}{more}"
    elif not errors and result.ambiguity:
        yield ["ambiguity"], f"tagged {result.ambiguity!r} but validates the stated profile: drop the tag"
    elif errors and len(result.profile_errors) > 1 and not result.validates:
        yield ["body"], "validates none of the profiles " + ", ".join(result.profile_errors)


def _body_findings(contract: Contract, result: ExampleResult, body: Any) -> Iterator[Finding]:
    found = identify(contract, body, result.status)
    if found != result.code:
        at = contract.envelope.code_pointer
        raw = pointer.get(body, at)
        yield ["body"], f"is case {found!r} (code {raw!r} at {at}), tagged {result.code}"
    code = contract.codes.get(result.code or "")
    message = pointer.get(body, contract.envelope.message_pointer)
    if code and code.message_pattern and not re.search(code.message_pattern, str(message)):
        yield ["body"], f"message {message!r} does not match {code.name}'s message_pattern"
