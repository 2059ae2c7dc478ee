"""The run-level rate-limit rules on hand-made sequences: what rests on an exemplified window kind
warns, Retry-After never fails (the docs tie it to the reset nowhere), and a wait longer than the
whole window (another limit's) is not judged."""

from __future__ import annotations

import pytest

from errcontract.contract.model import load_provider
from errcontract.core.verdicts import Severity, Strength
from errcontract.judge.checks.sequence import (
    SEQUENCE_CHECKS,
    Sample,
    Window,
    judge_sequences,
    run_sequence_checks,
)

NOW = 1_800_000_000.0
DAY_FIXED = Window("fixed", 86400, Strength.STATED)
MINUTE_SLIDING = Window("sliding", 60, Strength.STATED)


def served(seq: int, reset: float, status: int = 200, retry_after: float | None = None) -> Sample:
    return Sample("api_key", seq, NOW + seq, status, "500", 500 - seq, reset, retry_after)


def moving_resets() -> list[Sample]:
    return [served(i, NOW + i + 86400) for i in range(6)]  # always a day from now


@pytest.mark.parametrize(
    ("strength", "severity"),
    [(Strength.STATED, Severity.VIOLATION), (Strength.EXEMPLIFIED, Severity.WARNING)],
)
def test_moving_reset_in_a_fixed_window_is_judged_as_surely_as_the_window_is_given(
    strength: Strength, severity: Severity
) -> None:
    window = Window("fixed", 86400, strength)
    found = SEQUENCE_CHECKS["rate_limit_reset_fixed"](moving_resets(), window)
    assert [(v.check, v.severity, v.strength) for v in found] == [
        ("rate_limit_reset_fixed", severity, strength)
    ]


def test_reset_that_stays_put_is_no_finding() -> None:
    samples = [served(i, NOW + 3600) for i in range(6)]
    assert SEQUENCE_CHECKS["rate_limit_reset_fixed"](samples, DAY_FIXED) == []


def test_retry_after_later_than_the_reset_is_a_warning() -> None:
    samples = [served(0, NOW + 10, status=429, retry_after=50)]  # reset in 10 s, wait 50 s
    found = SEQUENCE_CHECKS["retry_after_agrees_with_reset"](samples, MINUTE_SLIDING)
    assert [(v.severity, v.strength) for v in found] == [(Severity.WARNING, Strength.EXEMPLIFIED)]


def test_retry_after_longer_than_the_window_is_another_limits_wait() -> None:
    """Vydra's headers count the minute; an hour's 429 asks for a long wait."""
    samples = [served(0, NOW + 40, status=429, retry_after=1800)]
    assert SEQUENCE_CHECKS["retry_after_agrees_with_reset"](samples, MINUTE_SLIDING) == []


def test_vicsee_moving_reset_is_a_warning_from_its_contract() -> None:
    found = run_sequence_checks(moving_resets(), load_provider("vicsee"))
    assert {(v.check, v.severity) for v in found} == {("rate_limit_reset_fixed", Severity.WARNING)}


def frozen(seq: int, reset: float) -> Sample:
    return Sample("api_key", seq, NOW + seq, 200, "500", 500, reset, None)


@pytest.mark.parametrize("window", [DAY_FIXED, Window("fixed", 86400, Strength.EXEMPLIFIED), MINUTE_SLIDING])
def test_a_remaining_count_frozen_at_the_limit_fails_whatever_the_reset_does(window: Window) -> None:
    """20 served requests, the count never moves, the reset a day from each request: the rule
    rests on neither the window's kind nor its reset."""
    samples = [frozen(i, NOW + i + 86400) for i in range(20)]
    found = SEQUENCE_CHECKS["rate_limit_remaining_decreases"](samples, window)
    assert [(v.check, v.severity) for v in found] == [("rate_limit_remaining_decreases", Severity.VIOLATION)]


def test_a_window_that_rolls_over_is_judged_from_the_rollover() -> None:
    """A fixed day that resets mid-run: the count jumps back up, then goes down again."""
    counts = [3, 2, 1, 500, 499, 498, 497, 496]
    samples = [Sample("api_key", i, NOW + i, 200, "500", c, NOW + 3600, None) for i, c in enumerate(counts)]
    assert SEQUENCE_CHECKS["rate_limit_remaining_decreases"](samples, DAY_FIXED) == []


def test_a_rule_without_enough_samples_is_not_judged_never_passed() -> None:
    """Two served responses say nothing of a trend: 'not judged (2 samples)', not a pass."""
    samples = [frozen(i, NOW + 3600) for i in range(2)]
    found, coverage = judge_sequences(samples, load_provider("vicsee"), "api_key")
    assert found == []
    rule = coverage["rate_limit_remaining_decreases"]
    assert not rule.judged and rule.samples == 2
    assert rule.text.startswith("not judged (2 samples")
    assert coverage["rate_limit_limit_constant"].judged


def test_a_run_sends_the_few_non_billable_served_requests_the_remaining_rule_needs() -> None:
    """A no-spend run against a target serves too few requests to judge the remaining count:
    the run tops them up with non-billable requests (VicSee: GET /tasks/{id}), no more."""
    from errcontract.mock.server import serve_in_thread
    from errcontract.run.options import RunOptions
    from errcontract.run.session import ProviderRun

    contract = load_provider("vicsee")
    with serve_in_thread("vicsee") as mock:
        run = ProviderRun(
            contract, RunOptions(provider="vicsee"), mock.url, mock.fixtures, embedded_mock=False
        )
        sent = run.top_up_samples()
        run.client.close()
        results = run.results().to_json()
    assert 4 <= sent <= 8 and results["requests"] == sent
    assert results["sequence_rules"]["rate_limit_remaining_decreases"]["judged"]
    assert results["violations"] == []
