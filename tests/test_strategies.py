"""Generated requests: labelled defects from the contract, credit safety, wire-safe headers.

Properties are checked with Hypothesis itself, on both providers' contracts; no server needed.
"""

from __future__ import annotations

import random
from typing import Any

import h11
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errcontract.client.keys import unknown_key
from errcontract.contract.model import Contract, load_provider
from errcontract.core.exchange import RequestSpec
from errcontract.requests.recipes import fixture_values
from errcontract.requests.strategies import base_for, families_for, family_of, requests_by_pair, requests_for
from errcontract.requests.strategies import values as sv
from errcontract.requests.strategies.values import h11_accepts
from errcontract.run.fuzz import draw_requests
from tests.helpers import mocked_providers

KEYS = {
    "vicsee": "sk-live-0123456789abcdef0123456789abcdef",
    "vydra": "vydra_live_user_u42_0123456789abcdef0123456789abcdef",
}
IDS = {
    "model": "any-listed-model",
    "job_id": "2f0c6c1e-6c3a-4f57-9a43-5d1bf3a1d0e7",
    "pending_task_id": "task_pending",
    "foreign_task_id": "task_foreign",
    "no_result_task_id": "task_empty",
}
FAST = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
CONTRACTS = {name: load_provider(name) for name in mocked_providers()}


def fixtures_for(contract: Contract) -> dict[str, str]:
    """A real-looking key (drawn from the contract's key pattern for a provider KEYS leaves out)."""
    key = KEYS.get(contract.provider) or unknown_key(
        contract.auth.key_pattern, random.Random(contract.provider)
    )
    return fixture_values(contract, {"api_key": key, **IDS})


def provider_requests(guarded: bool) -> st.SearchStrategy[tuple[Contract, RequestSpec]]:
    return st.one_of(
        [st.tuples(st.just(c), requests_for(c, fixtures_for(c), guarded=guarded)) for c in CONTRACTS.values()]
    )


def wire_headers(spec: RequestSpec) -> list[tuple[str, Any]]:
    return [("Host", "127.0.0.1"), *spec.headers.items()]


@FAST
@given(provider_requests(guarded=True))
def test_guarded_billable_requests_always_carry_a_certain_defect_and_are_not_billable(drawn):
    contract, spec = drawn
    if contract.endpoints[spec.endpoint].billable:
        assert spec.has_certain_defect, spec.describe_defects()
        assert not spec.may_bill


@FAST
@given(provider_requests(guarded=False))
def test_billable_request_with_only_soft_defects_may_bill(drawn):
    contract, spec = drawn
    if contract.endpoints[spec.endpoint].billable and not spec.has_certain_defect:
        assert spec.may_bill


@FAST
@given(provider_requests(guarded=False))
def test_every_defect_carries_its_contract_class_and_codes(drawn):
    contract, spec = drawn
    fuzz_defects = [d for d in spec.defects if not d.name.startswith("state:")]
    assert fuzz_defects
    for defect in spec.defects:
        assert defect.defect_class in contract.defect_classes
        known = contract.defect_classes[defect.defect_class]
        allowed = [known.codes]
        if "lookup" in known.locations:  # an unknown model in a body: its class's and a body mistake's
            allowed.append(tuple(dict.fromkeys((*known.codes, *contract.defect_classes["body"].codes))))
        assert defect.codes in allowed


@FAST
@given(provider_requests(guarded=False))
def test_generated_headers_are_values_h11_sends(drawn):
    _, spec = drawn
    assert all(h11_accepts(v) for v in spec.headers.values())
    h11.Request(method=spec.method, target=spec.path, headers=wire_headers(spec))


@FAST
@given(provider_requests(guarded=False))
def test_odd_path_ids_stay_one_path_segment(drawn):
    contract, spec = drawn
    template = contract.endpoints[spec.endpoint].path
    assert spec.path.count("/") == (contract.base_path + template).count("/")


@pytest.mark.parametrize("provider", sorted(CONTRACTS))
def test_requests_by_pair_start_from_their_family(provider):
    contract = CONTRACTS[provider]
    fixtures = fixtures_for(contract)
    pairs = requests_by_pair(contract, fixtures)
    for (endpoint, family), strategy in pairs.items():
        ep = contract.endpoints[endpoint]
        names = [f.name for f in families_for(contract, ep, base_for(contract, ep, fixtures), fixtures)]
        for spec in draw_requests(strategy, 2, seed_value=0):
            assert spec.endpoint == endpoint
            assert family in {family_of(d.name, names) for d in spec.defects}


def test_guarded_run_leaves_no_billable_pair_without_a_stopping_family():
    contract = CONTRACTS["vicsee"]
    guarded = requests_by_pair(contract, fixtures_for(contract), guarded=True)
    starts = {family for endpoint, family in guarded if contract.endpoints[endpoint].billable}
    lookup = contract.endpoints["generate"].lookup_fields  # odd values there stop billing
    assert starts and not any(
        f.startswith(("extra field", "content type"))
        or (f.endswith("string") and not f.startswith(tuple(f"{n}:" for n in lookup)))
        for f in starts
    )
    assert any(f.startswith("model:") and f.endswith("string") for f in starts)


def test_family_of_prefers_the_longest_family_name():
    names = ["auth", "auth: real key", "model: empty string"]
    assert family_of("auth: real key, other scheme", names) == "auth: real key"
    assert family_of("auth: missing header", names) == "auth"
    assert family_of("model: empty string", names) == "model: empty string"
    assert family_of("prompt: huge string", names) is None


@FAST
@given(requests_for(CONTRACTS["vydra"], fixtures_for(CONTRACTS["vydra"]), endpoints=["upload"]))
def test_upload_sizes_stay_bounded_just_over_the_limit(spec):
    limit = CONTRACTS["vydra"].endpoints["upload"].limits["max_bytes"]
    if spec.upload is not None:
        assert spec.upload.size <= limit + 4096


def test_missing_path_fixture_becomes_a_certain_unknown_id_defect():
    contract = CONTRACTS["vicsee"]
    fixtures = fixture_values(contract, {"api_key": KEYS["vicsee"]})
    spec = base_for(contract, contract.endpoints["get_task"], fixtures)
    assert spec is not None and spec.has_certain_defect
    assert "{" not in spec.path


@settings(max_examples=200, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_value_builders_keep_their_promise_without_filtering(data: st.DataObject) -> None:
    ascii_id = data.draw(sv.ascii_unknown_ids())
    other_id = data.draw(sv.non_ascii_unknown_ids())
    for value in (ascii_id, other_id):
        assert value.strip(".") and not set(value) & set(sv.ID_EXCLUDED)
    assert ascii_id.isascii() and not other_id.isascii()
    assert not data.draw(sv.non_ascii_strings()).isascii()
    printable = data.draw(sv.with_non_ascii(sv.printable_strings(20), printable=True))
    assert printable.isprintable() and not printable.isascii()
    assert data.draw(sv.inner_whitespace()) != " "


@pytest.mark.parametrize("type_name", ["string", "object", "integer", "number", "boolean", "array"])
@settings(max_examples=100, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_wrong_json_values_are_never_of_the_documented_type(type_name: str, data: st.DataObject) -> None:
    python_types = {
        "string": str,
        "object": dict,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "array": list,
    }[type_name]
    value = data.draw(sv.wrong_json_values(type_name, with_null=False))
    assert value is not None
    if type_name == "boolean" or not isinstance(value, bool):
        assert not isinstance(value, python_types), value
