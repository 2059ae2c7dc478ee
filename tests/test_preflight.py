"""Preflight: target URL forms, and the three misconfigurations it stops on (wrong base URL,
wrong provider, wrong key), never a broken provider: every drift of the embedded mocks passes it.
The end-to-end runs against an independent faithful server are in test_preflight_runs.py."""

from __future__ import annotations

import pytest

from errcontract.contract.model import load_provider, provider_names
from errcontract.mock.drifts import drifts_for
from errcontract.mock.server import serve_in_thread
from errcontract.run.preflight import run_preflight, target_root
from tests.faulty_servers import LoopbackServer, open_json, unknown_keys_400, web_site
from tests.helpers import mocked_providers


@pytest.mark.parametrize(
    "given",
    [
        "http://h:1",
        "http://h:1/",
        "http://h:1/api/v1",
        "http://h:1/api/v1/",
        "http://h:1/api/v1/generate",
    ],
)
def test_target_with_the_base_path_or_a_docs_example_path_is_the_bare_host(given):
    assert target_root(load_provider("vicsee"), given) == "http://h:1"


def test_target_below_a_proxy_prefix_keeps_the_prefix():
    assert (
        target_root(load_provider("vydra"), "https://gw.example/vydra/api/v1/") == "https://gw.example/vydra"
    )


def _drifts() -> list[object]:
    return [
        pytest.param(p, d, id=f"{p}/{d}")
        for p in mocked_providers()
        for d in [None, *drifts_for(load_provider(p))]
    ]


@pytest.mark.parametrize(("provider", "drift"), _drifts())
def test_preflight_never_stops_a_broken_provider(provider, drift):
    with serve_in_thread(provider, drift=drift) as mock:
        check = run_preflight(load_provider(provider), mock.url, mock.fixtures, timeout=5)
    assert check.stop is None


@pytest.mark.parametrize("provider", mocked_providers())
def test_a_wrong_key_stops_with_the_fix(provider):
    contract = load_provider(provider)
    with serve_in_thread(provider) as mock:
        wrong = dict(mock.fixtures, api_key=mock.fixtures["api_key"][:-4] + "zzzz")
        check = run_preflight(contract, mock.url, wrong, timeout=5)
    assert check.stop is not None
    assert check.stop.startswith("the target refuses --api-key (401 ")
    assert check.stop.endswith("check ERRCONTRACT_API_KEY")


@pytest.mark.parametrize("provider", mocked_providers())
def test_another_providers_target_stops_naming_the_envelope(provider):
    other = next(p for p in mocked_providers() if p != provider)
    with serve_in_thread(other) as mock:
        check = run_preflight(load_provider(provider), mock.url, mock.fixtures, timeout=5)
    assert check.stop is not None
    assert "another provider's envelope" in check.stop or "no route of the" in check.stop


@pytest.mark.parametrize("provider", mocked_providers())
def test_a_wrong_base_url_stops_naming_the_route(provider):
    with serve_in_thread(provider) as mock:
        check = run_preflight(load_provider(provider), mock.url + "/v2", mock.fixtures, timeout=5)
    assert check.stop is not None
    assert check.stop.startswith(f"no route of the {provider} contract exists on the target")


def test_a_key_answered_as_a_made_up_key_is_stops_naming_what_the_target_said():
    """LiteLLM without its database answers any key 400 (issue 30): not the target's fault."""
    with LoopbackServer(unknown_keys_400) as server:
        check = run_preflight(
            load_provider("openai"), server.url, {"api_key": "sk-wrong-0123456789"}, timeout=5
        )
    assert check.stop is not None
    assert check.stop.startswith("the target answers --api-key as it answers a made-up key (400 "), check.stop
    assert "'No connected db.' at GET /v1/models)" in check.stop
    assert check.stop.endswith("the key is not accepted; check ERRCONTRACT_API_KEY")
    assert "sk-wrong" not in check.stop


@pytest.mark.parametrize("provider", provider_names())
def test_a_web_site_answering_html_everywhere_stops(provider):
    with LoopbackServer(web_site) as server:
        check = run_preflight(
            load_provider(provider), server.url, {"api_key": "k-0123456789abcdef"}, timeout=5
        )
    assert check.stop is not None
    assert check.stop.startswith("the target answers HTML, not JSON, at every route probed ("), check.stop


@pytest.mark.parametrize("provider", provider_names())
def test_a_target_open_to_requests_without_a_key_on_every_endpoint_stops(provider):
    with LoopbackServer(open_json) as server:
        check = run_preflight(
            load_provider(provider), server.url, {"api_key": "k-0123456789abcdef"}, timeout=5
        )
    assert check.stop is not None
    assert check.stop.startswith("the target answers 200 without a key on every endpoint the "), check.stop


@pytest.mark.parametrize("provider", mocked_providers())
def test_answers_outside_the_envelope_are_one_note_that_does_not_repeat_preflight(provider):
    """The summary prefixes each note with `preflight:` (it read `preflight: preflight: …`)."""
    with serve_in_thread(provider, drift="flattened-envelope") as mock:
        check = run_preflight(load_provider(provider), mock.url, mock.fixtures, timeout=5)
    title = load_provider(provider).title
    assert len(check.notes) == 1, check.notes
    assert check.notes[0].startswith("GET ") and check.notes[0].endswith(f"is not in the {title} envelope")


def test_an_openai_title_takes_an():
    with LoopbackServer(web_site) as server:
        check = run_preflight(load_provider("openai"), server.url, {"api_key": "sk-0123456789"}, timeout=5)
    assert "an OpenAI API's base URL" in (check.stop or "")
