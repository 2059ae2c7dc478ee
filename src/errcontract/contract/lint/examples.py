"""Each documented example body, judged against every envelope profile of its contract.

A contract's examples are the provider's own sample error bodies. Each is validated against each
envelope profile (always "stated", plus e.g. Vydra's "exemplified" for the shape its examples
actually show), refined by the code's per-code schema; then checked against the tables: its
status, its code, the code at the code pointer, the message pattern, and its ambiguity tag (an
example that breaks the stated envelope must say which recorded ambiguity explains it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
import referencing.exceptions

from errcontract.contract.cases import identify
from errcontract.contract.lint.problem import Finding, Problem, in_contract
from errcontract.contract.model import Contract, key_path
from errcontract.contract.parts import Example
from errcontract.core import pointer
from errcontract.core.rules import Rule, holding_rules
from errcontract.core.verdicts import Strength, Verdict

__all__ = [
    "EXAMPLE_RULES",
    "STATED",
    "ExampleResult",
    "ExampleSeen",
    "example_problems",
    "example_schema",
    "judge_example",
]

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


@dataclass(frozen=True)
class ExampleSeen:
    """What the example's rows read: the judged example and the tables it is held to (the
    ambiguities recorded, the status table, each code's documented statuses)."""

    result: ExampleResult
    ambiguities: frozenset[str]
    statuses: frozenset[int]
    code_statuses: Mapping[str, tuple[int, ...]]

    @property
    def tagged_code(self) -> str | None:
        """The code the example is tagged with (None for a placeholder, judged on the envelope only)."""
        return None if self.result.placeholder else self.result.code

    @property
    def stated_errors(self) -> tuple[str, ...]:
        return self.result.profile_errors[STATED]


def _at(*key: str) -> Callable[[ExampleSeen], tuple[str, ...]]:
    return lambda _seen: key


def _breaks_stated(seen: ExampleSeen) -> str:
    errors = seen.stated_errors
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"does not validate the stated profile: {errors[0]}{more}"


# Every row that holds is a finding (FAIL, its reason the message, its details the key path below
# the example); the envelope's three rows exclude each other.
EXAMPLE_RULES: tuple[Rule[ExampleSeen], ...] = (
    Rule(
        "tagged with an ambiguity not recorded",
        lambda e: bool(e.result.ambiguity) and e.result.ambiguity not in e.ambiguities,
        Verdict.FAIL,
        lambda e: f"no ambiguity {e.result.ambiguity!r} in ambiguities",
        _at("ambiguity"),
    ),
    Rule(
        "a status not in the status table",
        lambda e: e.result.status not in e.statuses,
        Verdict.FAIL,
        lambda e: f"{e.result.status} is not in the status table",
        _at("status"),
    ),
    Rule(
        "a code not in the code table",
        lambda e: bool(e.tagged_code) and e.tagged_code not in e.code_statuses,
        Verdict.FAIL,
        lambda e: f"{e.result.code} is not in the code table",
        _at("code"),
    ),
    Rule(
        "a code at a status the docs do not give it",
        lambda e: (
            e.tagged_code in e.code_statuses and e.result.status not in e.code_statuses[e.tagged_code or ""]
        ),
        Verdict.FAIL,
        lambda e: f"{e.result.code} is not documented with status {e.result.status}",
        _at("status"),
    ),
    Rule(
        "breaks the stated profile without an ambiguity to explain it",
        lambda e: bool(e.stated_errors) and not e.result.ambiguity,
        Verdict.FAIL,
        _breaks_stated,
        _at("body"),
    ),
    Rule(
        "tagged with an ambiguity but validates the stated profile",
        lambda e: not e.stated_errors and bool(e.result.ambiguity),
        Verdict.FAIL,
        lambda e: f"tagged {e.result.ambiguity!r} but validates the stated profile: drop the tag",
        _at("ambiguity"),
    ),
    Rule(
        "tagged, and validates none of the profiles",
        lambda e: (
            bool(e.stated_errors)
            and bool(e.result.ambiguity)
            and len(e.result.profile_errors) > 1
            and not e.result.validates
        ),
        Verdict.FAIL,
        lambda e: "validates none of the profiles " + ", ".join(e.result.profile_errors),
        _at("body"),
    ),
)


def _example_findings(contract: Contract, result: ExampleResult, body: Any) -> Iterator[Finding]:
    seen = ExampleSeen(
        result,
        frozenset(a.id for a in contract.ambiguities),
        frozenset(contract.statuses),
        {name: tuple(code.statuses) for name, code in contract.codes.items()},
    )
    for rule in holding_rules(EXAMPLE_RULES, seen):
        yield list(rule.details(seen)), rule.reason(seen) or rule.name
    if result.stated_ok and seen.tagged_code:
        yield from _body_findings(contract, result, body)


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
