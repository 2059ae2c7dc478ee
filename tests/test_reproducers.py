"""Reproducers that run as printed: keys as the variables the reader sets, made-up keys drawn at
random and never shown, bodies with control bytes quoted so a paste sends the same bytes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from errcontract.client.curl import curl_command
from errcontract.client.keys import UNKNOWN, unknown_key
from errcontract.contract.model import load_provider
from errcontract.core.exchange import RequestSpec
from errcontract.requests.recipes import build_request, fixture_values
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun
from tests.faulty_servers import LoopbackServer, http_response
from tests.helpers import mocked_providers

VYDRA_KEY = "vydra_live_user_u42_AbC123xyz987def456"
VICSEE_KEY = "sk-live-abcdef0123456789"


def vicsee_run() -> ProviderRun:
    fixtures = {"api_key": VICSEE_KEY, "api_key_no_credits": "sk-broke-abcdef0123456789", "model": "m1"}
    return ProviderRun(
        load_provider("vicsee"), RunOptions(provider="vicsee"), "http://127.0.0.1:9", fixtures, False
    )


@pytest.mark.parametrize("provider", mocked_providers())
def test_unknown_keys_match_the_key_pattern_and_are_drawn_afresh(provider: str) -> None:
    contract = load_provider(provider)
    pattern = contract.auth.key_pattern
    drawn = {fixture_values(contract, {"api_key": VYDRA_KEY})["api_key:unknown"] for _ in range(5)}
    assert len(drawn) == 5
    assert all(re.match(pattern, key) for key in drawn)
    assert re.match(pattern, unknown_key(pattern))


def test_an_unknown_key_shares_nothing_with_the_real_key() -> None:
    """Not its length, not its characters, not their classes: the pattern alone draws it."""
    contract = load_provider("vydra")
    short, long = "vydra_live_user_1_2", "vydra_live_user_" + "9" * 40 + "_" + "Z" * 40
    short_fake = fixture_values(contract, {"api_key": short})["api_key:unknown"]
    long_fake = fixture_values(contract, {"api_key": long})["api_key:unknown"]
    assert len(short_fake) > len(short) and len(long_fake) < len(long)
    assert not set(long_fake.removeprefix("vydra_live_user_")) <= {"9", "Z", "_"}


def test_a_run_draws_its_unknown_key_once_and_masks_it_everywhere() -> None:
    run = vicsee_run()
    fake = run.fixtures["api_key:unknown"]
    spec = build_request(run.contract, run.contract.codes["INVALID_API_KEY"].provoke, run.fixtures)
    assert spec.headers["Authorization"] == f"Bearer {fake}"  # the key drawn when the run started
    assert fake not in run.redact(f"Bearer {fake}") and "…" in run.redact(f"Bearer {fake}")
    command = curl_command(spec, run.target, run.redact)
    run.client.close()
    assert fake not in command
    assert '-H "Authorization: Bearer $ERRCONTRACT_UNKNOWN_API_KEY"' in command
    assert command.endswith(f"# {UNKNOWN.name}: {UNKNOWN.note}")


def test_fixture_keys_become_their_variables_and_other_keys_of_the_shape_are_masked() -> None:
    run = vicsee_run()
    spec = build_request(run.contract, run.contract.codes["INSUFFICIENT_CREDITS"].provoke, run.fixtures)
    command = curl_command(spec, run.target, run.redact)
    drawn_by_fuzzing = "sk-q8w7e6r5t4y3u2i1o0p9"
    text = run.redact(f"sent Bearer {drawn_by_fuzzing}")
    run.client.close()
    assert '-H "Authorization: Bearer $ERRCONTRACT_API_KEY_NO_CREDITS"' in command
    assert "# " not in command  # a key given to the run needs no note
    assert drawn_by_fuzzing not in text and "sk-q…o0p9" in text
    assert run.redact("ambiguity task-error-statuses") == "ambiguity task-error-statuses"


def spec_with(body: bytes, key: str = VICSEE_KEY) -> RequestSpec:
    return RequestSpec(
        "POST",
        "/api/v1/generate",
        "generate",
        content=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )


def test_bodies_with_control_bytes_are_quoted_not_pasted_raw() -> None:
    run = vicsee_run()
    tab = curl_command(spec_with(b'{"prompt": "a\tb"}'), run.target, run.redact)
    nul = curl_command(spec_with(b'{"prompt": "a\x00b"}'), run.target, run.redact)
    odd = curl_command(spec_with(b'{"p": "\xff\'"}'), run.target, run.redact)
    run.client.close()
    assert "\t" not in tab and '--data-binary $\'{"prompt": "a\\tb"}\'' in tab
    assert nul.startswith('printf \'{"prompt": "a\\000b"}\' | curl ') and "--data-binary @-" in nul
    assert '--data-binary $\'{"p": "\\xff\\\'"}\'' in odd


BODIES = [
    b'{"model": "m", "prompt": "it\'s 100% $HOME `x` \\\\ !"}',
    b'{"prompt": "tab\there\nnewline"}',
    b'{"prompt": "nul\x00byte"}',
    b'{"bad utf-8": "\xff\xfe"}',
    '{"é": "ü ✓"}'.encode(),
]


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="needs bash and curl")
@pytest.mark.parametrize("body", BODIES, ids=["quotes-dollar", "tab-newline", "nul", "not-utf8", "unicode"])
def test_a_printed_reproducer_run_by_bash_sends_the_same_request(body: bytes) -> None:
    run = vicsee_run()
    spec = spec_with(body, run.fixtures["api_key:unknown"])
    with LoopbackServer(lambda request, conn: conn.send(http_response(200, {}, b"{}"))) as server:
        command = curl_command(spec, server.url, run.redact)
        env = {**os.environ, "ERRCONTRACT_UNKNOWN_API_KEY": "sk-made-up-for-this-test-0001"}
        done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, timeout=30, check=False)
    run.client.close()
    assert done.returncode == 0, done.stderr
    (received,) = server.requests
    assert received.body == body
    assert received.headers["content-type"] == "application/json"
    assert received.headers["authorization"] == "Bearer sk-made-up-for-this-test-0001"


def test_a_body_sent_without_content_type_is_reproduced_without_one() -> None:
    run = vicsee_run()
    spec = RequestSpec(
        "POST",
        "/api/v1/generate",
        "generate",
        content=b'{"model": "m"}',
        headers={"Authorization": f"Bearer {VICSEE_KEY}"},
    )
    with LoopbackServer(lambda request, conn: conn.send(http_response(200, {}, b"{}"))) as server:
        command = curl_command(spec, server.url, run.redact)
        env = {**os.environ, "ERRCONTRACT_API_KEY": VICSEE_KEY}
        subprocess.run(["bash", "-c", command], env=env, capture_output=True, timeout=30, check=True)
    run.client.close()
    (received,) = server.requests
    assert "content-type" not in received.headers and received.body == b'{"model": "m"}'
