"""The registries refuse a duplicate name, and every drift names checks that exist."""

from __future__ import annotations

from typing import Any

import pytest

import errcontract.judge.checks  # noqa: F401  (registers every check family)
from errcontract.core.registry import Registry, function_rule
from errcontract.judge.checks import registry
from errcontract.judge.checks.sequence import SEQUENCE_CHECKS, sequence_check
from errcontract.mock.drifts import REGISTRY
from errcontract.mock.drifts import registry as drift_registry
from errcontract.run import refunds


def _no_violations(exchange: Any, oracle: Any) -> list[registry.Violation]:
    return []


def test_a_rule_registered_twice_is_refused_whatever_its_kind() -> None:
    rules: Registry[Any] = Registry("check")
    function_rule(rules, "nothing is wrong")(_no_violations)
    with pytest.raises(ValueError, match="check '_no_violations' registered twice"):
        function_rule(rules, "nothing is wrong")(_no_violations)
    assert rules["_no_violations"] is _no_violations and rules.promise("_no_violations") == "nothing is wrong"


@pytest.mark.parametrize(
    ("rules", "register"),
    [
        (registry.CHECKS, lambda name: registry.check(name, promise="p")(_no_violations)),
        (SEQUENCE_CHECKS, lambda name: sequence_check(name, promise="p")(_no_violations)),
        (refunds.REFUND_RULES, lambda name: function_rule(refunds.REFUND_RULES, "p", name)(_no_violations)),
    ],
    ids=["check", "sequence-check", "refund-rule"],
)
def test_the_real_registries_refuse_a_name_already_taken(rules: Registry[Any], register: Any) -> None:
    existing = next(iter(rules))
    with pytest.raises(ValueError, match=f"{existing!r} registered twice"):
        register(existing)


def test_a_drift_registered_twice_is_refused() -> None:
    def auth_errors_as_403(outcome: Any, call: Any, engine: Any) -> Any:
        return outcome

    with pytest.raises(ValueError, match="drift 'auth-errors-as-403' registered twice"):
        drift_registry.drift("response", caught_by={"status_documented"}, description="d")(auth_errors_as_403)


def test_every_rule_carries_the_promise_users_read_as_data() -> None:
    for rules in (registry.CHECKS, SEQUENCE_CHECKS, refunds.REFUND_RULES, REGISTRY):
        for name in rules:
            assert rules.promise(name) not in ("", name), (rules.kind, name)
    assert "both providers" not in registry.rule_of("content_type_json")


def test_every_check_promise_is_a_whole_sentence() -> None:
    """Promises once cut off at a docstring's first line ('... (RFC') read as whole sentences."""
    for rules in (registry.CHECKS, SEQUENCE_CHECKS):
        for name in rules:
            promise = rules.promise(name)
            assert promise.endswith((".", ".)")), (name, promise)
            assert promise.count("(") == promise.count(")"), (name, promise)


def test_every_drift_names_checks_that_exist() -> None:
    """`caught_by` names a registered check, a sequence check, the refund check or the
    could-not-judge error: a renamed check cannot leave a drift pointing at nothing."""
    known = (
        set(registry.CHECKS) | set(SEQUENCE_CHECKS) | set(refunds.REFUND_RULES) | {registry.COULD_NOT_JUDGE}
    )
    unknown = {d.name: sorted(d.caught_by - known) for d in REGISTRY.values() if d.caught_by - known}
    assert not unknown
    assert any(d.caught_by for d in REGISTRY.values())
