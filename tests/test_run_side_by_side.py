"""Several checks in one run, side by side: one provider at several targets (two independent
servers: two report folders and one index; a dead target gets its own verdict while the other is
still checked), and every embedded mock at once, interrupted: the previous reports are kept and
no process is left behind."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from errcontract.cli.main import main
from errcontract.cli.targets import Check, plan_checks, read_targets_file
from errcontract.core.errors import UsageError
from errcontract.core.slug import slug
from errcontract.run.options import RunOptions
from tests.independent import ROOT, start
from tests.live_runs import (
    FINISH_S,
    FUZZ_LONG,
    PHASE_S,
    LiveRun,
    assert_interrupted,
    earlier_reports,
    errcontract_command,
    snapshot,
)

SPEND = "1000000"  # the independent servers are local and free


def _fixture_args(fixtures: dict[str, str]) -> list[str]:
    return [arg for name, value in fixtures.items() for arg in ("--fixture", f"{name}={value}")]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "errcontract", "run", "--provider", "vicsee", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_target_slug_is_readable_and_each_target_gets_a_folder_of_its_own() -> None:
    assert slug("https://API.example.com/v2/") == "api.example.com-v2"
    assert slug("http://127.0.0.1:8080") == "127.0.0.1-8080"
    options = RunOptions(provider="vicsee", target="http://a.test", fixtures={"api_key": "k"})
    checks = plan_checks(options, ["http://a.test", "http://b.test:81", "https://a.test"])
    assert [c.folder for c in checks] == ["vicsee-a.test", "vicsee-b.test-81", "vicsee-a.test~2"]
    assert plan_checks(options, ["http://a.test"]) == [Check("vicsee", "http://a.test", "vicsee")]


def test_one_target_spelled_several_ways_is_checked_once_in_the_folder_of_its_root() -> None:
    """The run sends to the root before the contract's base path (/api/v1 for vicsee): the
    docs' spelling, a trailing slash or another case of the host is the same target."""
    options = RunOptions(provider="vicsee", target="http://a.test", fixtures={"api_key": "k"})
    spellings = ["http://a.test/api/v1", "http://a.test", "http://A.test/", "http://a.test/api/v1/"]
    assert plan_checks(options, spellings) == [Check("vicsee", "http://a.test/api/v1", "vicsee")]
    plain = plan_checks(options, ["http://a.test", "http://b.test"])
    docs = plan_checks(options, ["http://a.test/api/v1/", "http://b.test", "http://a.test"])
    assert [c.folder for c in docs] == [c.folder for c in plain] == ["vicsee-a.test", "vicsee-b.test"]
    assert [c.target for c in docs] == ["http://a.test/api/v1/", "http://b.test"]


def test_a_targets_file_gives_one_url_a_line_and_skips_comments(tmp_path: Path) -> None:
    path = tmp_path / "targets.txt"
    path.write_text(
        "# staging and production\nhttp://a.test\n\n  http://b.test  \nhttp://127.0.0.1:9   # dead\n"
        "http://c.test/api/v1\t# tab before\n   # indented comment\n",
        encoding="utf-8",
    )
    assert read_targets_file(path) == [
        "http://a.test",
        "http://b.test",
        "http://127.0.0.1:9",
        "http://c.test/api/v1",
    ]
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no URL"):
        read_targets_file(path)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("ftp://a.test", "'ftp://a.test' is not an http(s) URL"),
        ("http://a.test:99999", "'http://a.test:99999' is not a valid URL"),
        ("http://u:p@a.test", "the URL must not carry credentials"),
        ("http://a.test/#frag", "'http://a.test/#frag': give the API root without"),
    ],
)
def test_a_wrong_line_in_a_targets_file_is_named_by_file_and_line(
    tmp_path: Path, line: str, says: str
) -> None:
    path = tmp_path / "targets.txt"
    path.write_text(f"# first\nhttp://a.test\n{line}\n", encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        read_targets_file(path)
    assert str(raised.value).startswith(f"{path}:3: {says}")
    assert "--target" not in str(raised.value)


def test_a_targets_file_without_provider_names_the_targets_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ERRCONTRACT_PROVIDER", raising=False)
    path = tmp_path / "targets.txt"
    path.write_text("http://a.test\nhttp://b.test\n", encoding="utf-8")
    assert main(["run", "--targets-file", str(path), "--report-dir", str(tmp_path / "r")]) == 2
    assert (
        capsys.readouterr().err
        == "errcontract: error: --targets-file checks one provider: add --provider NAME\n"
    )


@contextmanager
def relay_to(url: str) -> Iterator[str]:
    """A second server on its own port that relays every connection to `url`'s server (the
    independent servers draw their keys at random: one key for both targets needs one server)."""
    host, port = url.removeprefix("http://").split(":")
    listener = socket.create_server(("127.0.0.1", 0))

    def pipe(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def accept() -> None:
        with suppress(OSError):
            while True:
                client, _ = listener.accept()
                upstream = socket.create_connection((host, int(port)))
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def test_two_servers_give_two_report_folders_and_one_index(tmp_path: Path) -> None:
    with start("vicsee") as (url_a, fixtures), relay_to(url_a) as url_b:
        targets = tmp_path / "targets.txt"
        targets.write_text(
            f"# the second server\n{url_b}   # relayed\n{url_a}/api/v1/\t# the first again, docs' spelling\n",
            encoding="utf-8",
        )
        proc = _run(
            "--target", url_a, "--targets-file", str(targets), *_fixture_args(fixtures),
            "--allow-spend", SPEND, "--examples", "20", "--report-dir", str(tmp_path / "r"),
        )  # fmt: skip
    output = proc.stdout + proc.stderr
    folders = sorted(p.parent.name for p in (tmp_path / "r").glob("*/results.json"))
    assert folders == sorted(f"vicsee-{slug(url)}" for url in (url_a, url_b)), output
    index = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    for folder in folders:
        assert f'href="{folder}/index.html"' in index
        assert (tmp_path / "r" / folder / "index.html").is_file()
        assert (tmp_path / "r" / folder / "junit.xml").is_file()
        results = json.loads((tmp_path / "r" / folder / "results.json").read_text(encoding="utf-8"))
        assert results["verdict"] == "conformant", output
    assert proc.returncode == 0, output
    files = [p for p in (tmp_path / "r").rglob("*") if p.is_file()]
    assert files and all(fixtures["api_key"] not in p.read_text("utf-8") for p in files)


def test_a_dead_target_gets_its_own_verdict_and_the_other_is_still_checked(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{_free_port()}"
    with start("vicsee") as (url, fixtures):
        proc = _run(
            "--target", url, "--target", dead, *_fixture_args(fixtures), "--allow-spend", SPEND,
            "--examples", "20", "--no-preflight", "--report-dir", str(tmp_path / "r"), "--profile",
        )  # fmt: skip
    output = proc.stdout + proc.stderr
    for target in (url, dead):  # --profile: each check's phases, side by side
        assert f"profile  vicsee-{slug(target)}  child collection" in proc.stdout, output
    alive = json.loads((tmp_path / "r" / f"vicsee-{slug(url)}" / "results.json").read_text(encoding="utf-8"))
    gone = json.loads((tmp_path / "r" / f"vicsee-{slug(dead)}" / "results.json").read_text(encoding="utf-8"))
    assert alive["verdict"] == "conformant", output
    assert gone["verdict"] == "unreachable", output
    assert proc.returncode == 3, output  # the worst over the targets


def test_sigterm_while_every_mock_runs_side_by_side_keeps_the_previous_reports(
    tmp_path: Path, start_run: Callable[..., LiveRun]
) -> None:
    report_dir = earlier_reports(tmp_path / "reports")
    before = snapshot(report_dir)
    run = start_run(errcontract_command("run", *FUZZ_LONG, "--report-dir", str(report_dir)))
    run.wait_for("generated requests", PHASE_S)
    mocks = re.findall(r"checking \S+ at (\S+)", run.stdout)
    assert len(mocks) >= 2, run.stdout
    run.send(signal.SIGTERM)
    outcome = run.finish(FINISH_S)
    assert_interrupted(run, outcome, signal.SIGTERM, report_dir, before)


def test_a_preflight_stop_on_the_second_target_stops_the_first_at_once(tmp_path: Path) -> None:
    """GOOD first, BAD second (the key is GOOD's): the run exits 2 naming BAD as soon as BAD's
    preflight stops it, GOOD's check stopped long before its thousands of requests, no report."""
    examples = 3000
    with start("vicsee") as (good, fixtures), start("vicsee") as (bad, _):
        proc = _run(
            "--target", good, "--target", bad, *_fixture_args(fixtures), "--allow-spend", SPEND,
            "--examples", str(examples), "--report-dir", str(tmp_path / "r"),
        )  # fmt: skip
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2, output
    (line,) = proc.stderr.strip().splitlines()  # one line, naming the target that stopped the run
    assert line.startswith(f"errcontract: error: vicsee at {bad}: the target refuses --api-key (401 "), output
    sent = [int(n) for n in re.findall(rf"vicsee-{re.escape(slug(good))} .*?· (\d+) requests?", proc.stdout)]
    assert max(sent, default=0) < examples, output  # GOOD stopped long before its generated requests
    assert "done in" not in proc.stdout, output
    assert not any(p.is_file() for p in (tmp_path / "r").rglob("*")), output


def test_errcontract_target_in_the_environment_is_the_target(tmp_path: Path) -> None:
    """ERRCONTRACT_TARGET is checked (not the embedded mock): its dead port gives exit 3."""
    dead = f"http://127.0.0.1:{_free_port()}"
    env = {**os.environ, "ERRCONTRACT_TARGET": dead, "ERRCONTRACT_API_KEY": "sk-vs-" + "0" * 48}
    command = [sys.executable, "-m", "errcontract", "run", "--provider", "vicsee", "--no-preflight"]
    command += ["--examples", "0", "--report-dir", str(tmp_path / "r")]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert f"checking vicsee at {dead}" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 3, proc.stdout + proc.stderr
