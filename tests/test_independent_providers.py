"""errcontract against independent providers: servers written from the docs alone (tests/independent).

The embedded mock must not be the only oracle: these servers share no code or data with
errcontract and make their own choices wherever the docs are silent (ids, catalog, check order,
extra fields, header case, 403/404 for task states...). A faithful implementation must come out
conformant, with every passing code really observed.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from tests.independent import PROVIDERS, ROOT, start
from tests.live_runs import errcontract_command

EXAMPLES = "500"  # generated requests per provider: with the recipes, about a thousand requests
SPEND = "1000000"  # the servers are local and free: let billable recipes and requests be sent


def _fixture_args(provider: str, fixtures: dict[str, str]) -> list[str]:
    declared = yaml.safe_load((ROOT / "contracts" / provider / "contract.yaml").read_text())["fixtures"]
    missing = sorted(set(declared) - set(fixtures))
    assert not missing, f"the independent {provider} server gives no value for fixtures {missing}"
    args = []
    for name in declared:
        args += ["--fixture", f"{name}={fixtures[name]}"]
    return args


def _summary(results: dict) -> str:
    lines = [f"{len(results['violations'])} violations, {len(results['warnings'])} warnings"]
    for finding in results["violations"][:15]:
        lines.append(
            f"  [{finding['check']}] {finding['code']} {finding['status']} "
            f"({finding.get('source')}; {finding.get('defects')}): {finding['message']}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_independent_faithful_server_is_conformant(provider, tmp_path):
    with start(provider) as (url, fixtures):
        command = [
            *errcontract_command(),
            "run",
            "--provider",
            provider,
            "--target",
            url,
            *_fixture_args(provider, fixtures),
            "--allow-spend",
            SPEND,
            "--examples",
            EXAMPLES,
            "--report-dir",
            str(tmp_path),
        ]
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    results_file = tmp_path / provider / "results.json"
    output = f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert results_file.is_file(), f"no results.json: {output}"
    results = json.loads(results_file.read_text())

    assert results["violations"] == [], _summary(results)
    assert results["verdict"] == "conformant", _summary(results)
    assert proc.returncode == 0, output

    for code in results["codes"]:
        if code["verdict"] != "pass":
            continue
        assert code["observed"] >= 1, f"{code['code']} passed without being observed: {code.get('reason')}"
        # the code string in the body, or (a case recognised by its members: OpenAI's code null)
        # the answer named as that case
        carried = [
            e
            for e in code.get("evidence", [])
            if f'"{code["code"]}"' in (e.get("response") or "")
            or code["code"] in (e.get("answered") or "").split()
        ]
        assert carried, f"{code['code']} passed but none of its evidence carries that code"
