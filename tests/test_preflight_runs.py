"""The three mistakes people make wiring errcontract into CI, each run for real against an
independent faithful server (tests/independent): a wrong key, a wrong base URL, the wrong
provider. Each exits 2 with one line naming the mistake and the fix, and writes no report; the
docs' own base URL form (`/api/v1`) is taken as the bare host."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.faulty_servers import LoopbackServer, unknown_keys_400, web_site
from tests.independent import ROOT, start
from tests.live_runs import errcontract_command

Run = subprocess.CompletedProcess[str]


def _run(provider: str, target: str, key: str, report_dir: Path, *extra: str) -> Run:
    command = [
        *errcontract_command(),
        "run",
        "--provider",
        provider,
        "--target",
        target,
        "--api-key",
        key,
        "--examples",
        "5",
        "--report-dir",
        str(report_dir / "reports"),  # a folder the run creates: a stop leaves none behind
        *extra,
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _one_line_usage_error(proc: Run, report_dir: Path, starts: str) -> None:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert starts in lines[0]
    assert not (report_dir / "reports").exists(), sorted(report_dir.rglob("*"))


@pytest.fixture(scope="module")
def vicsee():
    with start("vicsee") as server:
        yield server


def test_a_wrong_key_exits_2_naming_the_key(vicsee, tmp_path):
    url, _ = vicsee
    proc = _run("vicsee", url, "sk-" + "0" * 40, tmp_path)
    _one_line_usage_error(proc, tmp_path, "the target refuses --api-key (401 INVALID_API_KEY")
    assert "check ERRCONTRACT_API_KEY" in proc.stderr


def test_a_wrong_base_url_exits_2_naming_the_route(vicsee, tmp_path):
    url, fixtures = vicsee
    proc = _run("vicsee", url + "/v2", fixtures["api_key"], tmp_path)
    _one_line_usage_error(proc, tmp_path, "no route of the vicsee contract exists on the target")
    assert "is the base URL right?" in proc.stderr


def test_the_wrong_provider_exits_2_naming_the_envelope(vicsee, tmp_path):
    url, _ = vicsee
    proc = _run("vydra", url, "vydra_live_user_u1_" + "a" * 32, tmp_path)
    _one_line_usage_error(proc, tmp_path, "vydra: ")
    assert "another provider's envelope (VicSee's" in proc.stderr or "no route of the vydra" in proc.stderr


def test_no_preflight_runs_the_suites_anyway(vicsee, tmp_path):
    url, _ = vicsee
    proc = _run("vicsee", url, "sk-" + "0" * 40, tmp_path, "--no-preflight")
    assert proc.returncode == 1
    assert (tmp_path / "reports" / "vicsee" / "results.json").is_file()


def test_the_docs_base_url_form_is_taken_as_the_host(vicsee, tmp_path):
    url, fixtures = vicsee
    proc = _run("vicsee", url + "/api/v1/", fixtures["api_key"], tmp_path)
    assert proc.returncode != 2, proc.stderr
    assert f"checking vicsee at {url} (base /api/v1)" in proc.stdout
    assert "/api/v1/api/v1" not in (tmp_path / "reports" / "vicsee" / "results.json").read_text()


def test_a_wrong_key_on_a_target_answering_400_exits_2_naming_what_it_said(tmp_path):
    """Issue 30: an OpenAI-compatible server answering an unknown key 400 (LiteLLM without its
    database) got a full run and 212 violations; its answer matches a made-up key's."""
    with LoopbackServer(unknown_keys_400) as server:
        proc = _run("openai", server.url, "sk-wrong-0123456789abcdef", tmp_path)
    _one_line_usage_error(proc, tmp_path, "the target answers --api-key as it answers a made-up key (400 ")
    assert "'No connected db.'" in proc.stderr and "sk-wrong" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("provider", ["openai", "vicsee"])
def test_a_web_site_exits_2_saying_it_answers_html(provider, tmp_path):
    """Issue 30: a front-end answering 200 text/html everywhere got 322 violations."""
    with LoopbackServer(web_site) as server:
        proc = _run(provider, server.url, "sk-0123456789abcdef0123456789", tmp_path)
    _one_line_usage_error(proc, tmp_path, "the target answers HTML, not JSON, at every route probed (GET ")
    assert "is this a OpenAI" not in proc.stderr
