"""`errcontract report RUN TRAFFIC -o SITE`: recorded traffic of a run's provider and target fills
the codes the run could not observe, each verdict naming where it came from."""

from __future__ import annotations

import json
import subprocess

from errcontract.mock.process import running_mock
from tests.live_runs import errcontract_command
from tests.traffic_files import har_entry, openai_error_body, write_har


def errcontract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        errcontract_command(*args), capture_output=True, text=True, timeout=600, check=False
    )


def test_traffic_fills_what_the_run_could_not_observe_and_a_traffic_fail_is_a_fail(tmp_path):
    with running_mock("openai") as mock:
        run = errcontract(
            "run",
            "--provider",
            "openai",
            "--target",
            mock.url,
            "--api-key",
            mock.fixtures["api_key"],
            "--examples",
            "2",
            "--schemathesis-examples",
            "0",
            "--report-dir",
            str(tmp_path / "run"),
        )
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
        overloaded = openai_error_body("service_unavailable_error", "server_is_overloaded", "overloaded")
        har = write_har(
            tmp_path / "prod.har",
            [
                har_entry(f"{mock.url}/v1/chat/completions", 503, overloaded, "POST"),
                har_entry(f"{mock.url}/v1/chat/completions", 500, '{"error": "boom"}', "POST"),
            ],
        )
        traffic = errcontract(
            "judge", str(har), "--provider", "openai", "--report-dir", str(tmp_path / "traffic")
        )
    assert traffic.returncode == 1, traffic.stdout  # the 500 leaves the envelope
    run_codes = {
        c["code"]: c for c in json.loads(next((tmp_path / "run").glob("*/results.json")).read_text())["codes"]
    }
    assert run_codes["server_is_overloaded"]["verdict"] == "not-observed"
    assert run_codes["server_error"]["verdict"] == "not-observed"
    site = tmp_path / "site"
    merged = errcontract("report", str(tmp_path / "run"), str(tmp_path / "traffic"), "-o", str(site))
    assert merged.returncode == 0, merged.stderr
    (folder,) = [p for p in site.iterdir() if p.is_dir()]  # one check: the run and its traffic
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    codes = {c["code"]: c for c in results["codes"]}
    assert codes["server_is_overloaded"]["verdict"] == "pass"
    assert codes["server_is_overloaded"]["from"] == {"kind": "traffic", "where": "prod.har:1"}
    assert codes["server_error"]["verdict"] == "fail"
    assert codes["server_error"]["from"] == {"kind": "traffic", "where": "prod.har:2"}
    assert results["violations"][codes["server_error"]["violations"][0]]["source"] == "traffic prod.har:2"
    assert codes["invalid_api_key"]["verdict"] == "pass" and codes["invalid_api_key"]["from"] == {
        "kind": "run"
    }
    assert results["verdict"] == "violations" and results["traffic"]["files"] == ["prod.har (2 entries)"]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "from traffic prod.har:1" in page and "from the run" in page
