"""A target whose daily limit is tiny: the run stops probing at the first 429 (which is
conformant, so not a violation), reports the rest as not observed, and exits 0."""

from __future__ import annotations

from pathlib import Path

from tests.faulty_servers import DailyLimit, LoopbackServer, VicSeeKeys, assert_clean, run_errcontract

KEY = "sk-PLANTED-ratelimit-2c8e4a6f0d1b"
DAILY_LIMIT = 2
CONCURRENCY = 4  # the default --concurrency: at most 3 other requests are in flight when a 429 comes


def test_tiny_daily_limit_stops_probing_at_the_first_429_and_exits_0(tmp_path: Path) -> None:
    target = DailyLimit(DAILY_LIMIT, VicSeeKeys(valid={KEY}))
    with LoopbackServer(target) as server:
        outcome = run_errcontract(
            [
                "--provider",
                "vicsee",
                "--target",
                server.url,
                "--api-key",
                KEY,
                "--timeout",
                "2",
                "--examples",
                "5",
                "--concurrency",
                str(CONCURRENCY),
            ],
            tmp_path / "reports",
        )
    assert not server.crashes
    assert_clean(outcome, [KEY])
    assert outcome.exit_code == 0, outcome.stdout
    assert target.answered_429 >= 1
    # Only what was already in flight when the 429 was answered arrives after it (issue 28: no
    # burst of concurrent requests beyond those); nothing new is sent.
    assert target.after_first_429 <= CONCURRENCY - 1, f"{target.after_first_429} requests after the first 429"
    assert len(server.requests) <= DAILY_LIMIT + 1 + (CONCURRENCY - 1)  # the limit, the 429, in flight
    results = outcome.results()
    assert results["verdict"] == "conformant"
    assert any("rate limited" in reason for reason in results["not_sent"]), results["not_sent"]
    verdicts = {c["code"]: c["verdict"] for c in results["codes"]}
    assert [v for v in verdicts.values() if v == "pass"]  # what it saw before the limit was judged
    assert verdicts["INVALID_MODEL"] == "not-observed"  # probing stopped before it
