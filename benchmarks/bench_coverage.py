"""Coverage per request: documented codes observed per 100 requests, errcontract against the
Schemathesis CLI (negative mode, auth given) on the same openapi.yaml, mock and request budget."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from errcontract.client.http import NotSent
from errcontract.contract.locate import shipped_contracts
from errcontract.contract.model import Contract, load_provider
from errcontract.core.exchange import Exchange, pointer_get
from errcontract.judge.judged import Judged
from errcontract.mock.process import running_mock
from errcontract.requests.recipes import MissingFixture, build_requests
from errcontract.run.fuzz import run_fuzz
from errcontract.run.options import RunOptions
from errcontract.run.session import ProviderRun


def _codes_seen(contract: Contract, bodies: list[Any]) -> list[str | None]:
    pointer = contract.envelope.code_pointer
    found = []
    for body in bodies:
        code = pointer_get(body, pointer)
        found.append(code if isinstance(code, str) and code in contract.codes else None)
    return found


def _figures(codes_in_order: list[str | None], provokable: set[str], budget: int) -> dict[str, Any]:
    seen: set[str] = set()
    needed = None
    for index, code in enumerate(codes_in_order[:budget], start=1):
        if code:
            seen.add(code)
        if needed is None and provokable <= seen:
            needed = index
    sent = min(len(codes_in_order), budget)
    return {
        "requests": sent,
        "codes": sorted(seen),
        "per_100": round(100 * len(seen) / max(sent, 1), 1),
        "requests_to_all": needed,
    }


def errcontract_sequence(provider: str, url: str, fixtures: dict[str, str], budget: int) -> list[Any]:
    """Recipes first (one request per provokable code), then generated requests, to the budget."""
    contract = load_provider(provider)
    options = RunOptions(provider=provider, examples=budget, seed=1, max_requests=budget)
    run = ProviderRun(contract, options, url, fixtures, embedded_mock=True)
    bodies: list[Any] = []
    judge_and_record = run.observe

    def observe(exchange: Exchange) -> Judged:  # every answer's body, in order, then as usual
        bodies.append(exchange.json())
        return judge_and_record(exchange)

    run.observe = observe  # type: ignore[method-assign]
    for code in contract.codes.values():
        if code.observe_only:
            continue
        try:
            for spec in build_requests(contract, code.provoke, run.fixtures)[:1]:
                run.send(spec)
        except (MissingFixture, NotSent):
            continue
    run_fuzz(run, examples=max(0, budget - len(bodies)))
    run.client.close()
    return bodies


def schemathesis_sequence(provider: str, url: str, api_key: str, budget: int) -> list[Any]:
    return run_schemathesis_cli(provider, url, api_key, budget)[0]


def run_schemathesis_cli(provider: str, url: str, api_key: str, budget: int) -> tuple[list[Any], float]:
    """The Schemathesis CLI, negative mode, `budget` examples spread over the operations: the
    response bodies it got (from its VCR cassette) and the CLI's wall seconds."""
    spec = shipped_contracts() / provider / "openapi.yaml"
    contract = load_provider(provider)
    per_operation = max(1, budget // max(1, len(contract.endpoints)))
    with tempfile.TemporaryDirectory() as tmp:
        cassette = Path(tmp) / "vcr.yaml"
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                str(spec),
                "--url",
                url + contract.base_path,
                "--mode",
                "negative",
                "--max-examples",
                str(per_operation),
                "--phases",
                "examples,coverage,fuzzing",
                "--continue-on-failure",
                "--seed",
                "1",
                "--generation-database",
                "none",
                "--no-shrink",
                "-H",
                f"Authorization: {contract.auth.scheme} {api_key}",
                "--report",
                "vcr",
                "--report-vcr-path",
                str(cassette),
            ],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tmp,
        )
        seconds = time.perf_counter() - started
        if not cassette.exists():
            return [], seconds
        doc = yaml.safe_load(cassette.read_text(encoding="utf-8"))
    bodies = []
    for interaction in doc.get("http_interactions", []):
        raw = (interaction.get("response") or {}).get("body", {}) or {}
        text = raw.get("string", "") if isinstance(raw, dict) else ""
        try:
            bodies.append(yaml.safe_load(text) if text else None)
        except yaml.YAMLError:
            bodies.append(None)
    return bodies, seconds


def measure_coverage(budget: int = 300) -> dict[str, Any]:
    figures = {}
    for provider in ("vicsee", "vydra"):
        contract = load_provider(provider)
        provokable = {c.name for c in contract.codes.values() if not c.observe_only}
        with running_mock(provider) as mock:
            ours = errcontract_sequence(provider, mock.url, mock.fixtures, budget)
        with running_mock(provider) as mock:
            theirs = schemathesis_sequence(provider, mock.url, mock.fixtures["api_key"], budget)
        figures[provider] = {
            "budget": budget,
            "provokable": len(provokable),
            "errcontract": _figures(_codes_seen(contract, ours), provokable, budget),
            "schemathesis": _figures(_codes_seen(contract, theirs), provokable, budget),
        }
    return figures
