"""Fuzzing end to end against real mock servers: the faithful mocks pass, crash drifts are found
with a redacted reproducer, runs repeat for a seed, guards end runs gracefully."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from errcontract.contract.model import load_provider
from errcontract.mock.process import running_mock
from errcontract.requests.recipes import fixture_values
from errcontract.run.fuzz import FuzzReport, budget_plan, draw_run_requests, run_fuzz
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun
from tests.helpers import mocked_providers


@contextmanager
def provider_run(
    provider: str, drift: str | None = None, embedded_mock: bool = True, **options: object
) -> Iterator[ProviderRun]:
    with running_mock(provider, drift) as mock:
        run = ProviderRun(
            load_provider(provider),
            RunOptions(provider=provider, **options),
            mock.url,
            mock.fixtures,
            embedded_mock=embedded_mock,
        )
        try:
            yield run
        finally:
            run.client.close()


def outcome(report: FuzzReport) -> list[tuple[int, int | None, tuple[str, ...]]]:
    return [
        (
            r.index,
            r.judged.exchange.status if r.judged else None,
            tuple(sorted(v.check for v in r.judged.outcome.violations)) if r.judged else (),
        )
        for r in report.results
    ]


@pytest.mark.parametrize("provider", mocked_providers())
def test_default_run_against_the_faithful_mock_finds_nothing(provider):
    with provider_run(provider) as run:
        report = run_fuzz(run)
    assert report.sent == 100
    assert report.failures == [], report.failure_text()


@pytest.mark.parametrize(
    ("provider", "drift"),
    [
        ("vicsee", "crash-on-array-body"),
        ("vicsee", "crash-on-non-ascii-model"),
        ("vydra", "crash-on-array-body"),
        ("vydra", "crash-on-non-ascii-model"),
    ],
)
def test_default_run_finds_a_crash_on_unusual_input_with_a_redacted_shrunk_reproducer(provider, drift):
    with provider_run(provider, drift) as run:
        report = run_fuzz(run)
        key = run.fixtures["api_key"]
    assert report.failures
    first = report.failures[0]
    assert first.shrunk is not None and first.shrunk.reproduce.startswith("curl ")
    assert first.shrunk.exchange.status == 500
    assert key not in report.failure_text()


def test_a_shrink_out_of_time_before_any_candidate_fails_reproduces_the_drawn_request(monkeypatch):
    """A loaded machine: shrinking's time bound passes before a smaller candidate is tried. The
    drawn request still fails, so it is the reproducer, never none."""
    monkeypatch.setattr("errcontract.run.fuzz.shrink.SHRINK_SECONDS", 0.0)
    with provider_run("vicsee", "crash-on-array-body") as run:
        report = run_fuzz(run)
    first = report.failures[0]
    assert first.shrunk is not None and first.shrunk.exchange.status == 500
    assert first.shrunk.exchange.request == first.judged.exchange.request


def test_concurrent_run_reports_what_a_sequential_run_reports():
    with provider_run("vydra", examples=60, seed=3, concurrency=4) as run:
        concurrent = outcome(run_fuzz(run))
        run.options.concurrency = 1
        sequential = outcome(run_fuzz(run))
    assert concurrent == sequential


def test_budget_refusals_are_not_sent_not_failures():
    with provider_run("vydra", max_requests=5) as run:
        report = run_fuzz(run)
    assert report.sent == 5
    assert sum(report.not_sent.values()) == 95
    assert report.failures == []


def test_a_huge_examples_draws_no_more_than_the_request_budget_left():
    """--examples 100000000 --max-requests 200: drawing them all never ends (and its memory grows
    with the count); only what the budget lets be sent is drawn, the rest counted not sent."""
    with provider_run("vydra", examples=100_000_000, max_requests=200) as run:
        run.client.stats.sent = 30  # the per-code tests' share of the budget, already spent
        report = run_fuzz(run)
        counted = sum(run.client.stats.not_sent.values())
    assert len(report.results) == 170
    assert report.sent == 170
    assert sum(report.not_sent.values()) == counted == 100_000_000 - 170


def test_guarded_run_sends_every_request_and_never_shrinks():
    """The mock posing as a live target, no --allow-spend: the spend guard never has to refuse,
    because the strategy only draws billable requests that stop before billing."""
    with provider_run("vicsee", "crash-on-array-body", embedded_mock=False) as run:
        report = run_fuzz(run)
    assert report.not_sent == {}
    assert report.failures and all(r.shrunk is None for r in report.failures)


def test_same_seed_draws_the_same_requests_and_another_seed_others():
    contract = load_provider("vydra")
    run = SimpleNamespace(
        contract=contract,
        options=RunOptions(examples=50, seed=7),
        embedded_mock=True,
        fixtures=fixture_values(contract, {"api_key": "vydra_live_user_u1_abcdef0123456789"}),
    )
    first, again = draw_run_requests(run), draw_run_requests(run)
    run.options.seed = 8
    other = draw_run_requests(run)
    assert first == again
    assert first != other


def test_budget_plan_spreads_the_budget_evenly_in_a_seeded_order():
    pairs = [("a", "x"), ("b", "y"), ("c", "z")]
    plan = budget_plan(pairs, 7, seed_value=1)
    assert sorted(share for _, share in plan) == [2, 2, 3]
    assert plan == budget_plan(pairs, 7, seed_value=1)
    assert {pair for pair, _ in plan} == set(pairs)


def test_schemathesis_content_type_defect_undone_by_multipart_encoding_is_soft():
    from types import SimpleNamespace

    from errcontract.core.exchange import Defect
    from errcontract.run.negative_cases import as_sent as _as_sent

    case = SimpleNamespace(
        media_type="multipart/form-data",
        operation=SimpleNamespace(body=[SimpleNamespace(media_type="multipart/form-data")]),
    )
    defect = Defect("schemathesis body: Unsupported Content-Type: text/plain", "body", ("INVALID_INPUT",))
    sent = {"Content-Type": "multipart/form-data; boundary=x"}
    assert [d.certain for d in _as_sent((defect,), case, sent)] == [False]
    assert [d.certain for d in _as_sent((defect,), case, {"Content-Type": "text/plain"})] == [True]


@pytest.mark.parametrize(
    ("endpoint", "body", "refused"),
    [
        ("generate", [1, 2], True),  # not an object
        ("generate", {"prompt": "p"}, True),  # a required field missing
        ("generate", {"model": 5, "prompt": "p"}, True),  # a required field of another type
        ("generate", {"model": "m", "prompt": "p", "options": 5}, False),  # an optional field: docs silent
        ("generate", {"model": "m", "prompt": "p", "extra": True}, False),  # an extra field: docs silent
        ("get_task", None, False),  # no body documented: a stray header is soft
    ],
)
def test_schemathesis_body_is_certain_only_where_the_docs_promise_a_refusal(endpoint, body, refused):
    from errcontract.contract.model import load_provider
    from errcontract.run.negative_cases import _docs_refuse

    assert _docs_refuse(load_provider("vicsee").endpoints[endpoint], body) is refused


def test_a_generated_lookup_value_beside_another_negative_component_may_draw_its_code():
    """Recorded: Schemathesis sent OpenAI's chat completion a `role` of null and a random model;
    the mock answered 404 model_not_found (the model is checked first), which code_justified
    failed as 'not justified by the request's defect'. The generated model is a soft lookup
    defect of its own, so model_not_found is justified, and never required."""
    from errcontract.contract.model import load_provider
    from errcontract.run.negative_cases import case_defects

    contract = load_provider("openai")
    body = {"model": "\x1e\U000c7c21", "messages": [{"role": None, "content": "S"}]}
    location = SimpleNamespace(value="body")
    case = SimpleNamespace(
        body=body,
        media_type="application/json",
        operation=SimpleNamespace(body=[SimpleNamespace(media_type="application/json")]),
        meta=SimpleNamespace(
            phase=SimpleNamespace(
                data=SimpleNamespace(
                    description="violates `type` at /properties/messages/items/properties/role"
                ),
                name=SimpleNamespace(value="fuzzing"),
            ),
            components=[location],
            is_negative_at=lambda at: at is location,
        ),
    )
    defects = case_defects(contract, contract.endpoints["create_chat_completion"], case)
    lookup = [d for d in defects if d.name == "schemathesis lookup: generated model"]
    assert len(lookup) == 1 and "model_not_found" in lookup[0].codes and not lookup[0].certain
    vicsee = load_provider("vicsee")  # no class lists `lookup` there: nothing added
    case.body = {"model": "x", "prompt": None}
    assert not [d for d in case_defects(vicsee, vicsee.endpoints["generate"], case) if "lookup" in d.name]
