"""A routed entry as the `Exchange` the judge reads, as if the run had sent it.

The path is rebased onto the contract's base path (a compatible host's `/openai/v1/models` is
the contract's `/v1/models`), the URL kept as recorded. A recorded request carries no defect the
run put in on purpose: `defects` holds only what the recorded request itself shows
(`requests_shown_defects`), so the checks that rest on knowing the request's one defect judge only
there. Each credential seen is a key of its own (`key 1`, `key 2`, by first appearance; `key` when
the recorder dropped the credential), so header rules over time are judged per key.
"""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from errcontract.contract.model import Contract
from errcontract.core.exchange import NO_JSON, Exchange, RequestSpec
from errcontract.traffic.defects import shown_defects
from errcontract.traffic.entry import Recorded
from errcontract.traffic.route import Target

ORIGIN = "traffic"
UNKNOWN_KEY = "key"  # the credential was not recorded (VCR setups drop Authorization)


def request_of(entry: Recorded, target: Target, contract: Contract, key: str) -> RequestSpec:
    parts = urlsplit(entry.url)
    path = target.rebased(parts.path or "/", contract)
    endpoint = contract.endpoint_for(entry.method, path[len(contract.base_path) :])
    body = entry.request_body
    json_body = NO_JSON
    if body:
        try:
            json_body = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            json_body = NO_JSON
    headers = dict(entry.request_headers)
    spec = RequestSpec(
        method=entry.method,
        path=path,
        endpoint=endpoint.name if endpoint else None,
        headers=headers,
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        json_body=json_body,
        content=None if json_body is not NO_JSON else body,
        key_fixture=key,
        origin=f"{ORIGIN} {entry.where}",
    )
    defects = shown_defects(spec, contract, endpoint)
    return replace(spec, defects=defects) if defects else spec


def exchange_of(entry: Recorded, target: Target, contract: Contract, key: str, seq: int) -> Exchange:
    """The entry as an Exchange (`seq`: its place in the recording, for the rules over time)."""
    request = request_of(entry, target, contract, key)
    return Exchange(
        request=request,
        url=entry.url,
        status=entry.status,
        headers={k.lower(): v for k, v in entry.response_headers},
        body=entry.response_body,
        truncated=entry.truncated,
        transport_error=entry.aborted,
        redacted_headers=dict(entry.request_headers),
        sent_at=entry.started_at or 0.0,
        seq=seq,
    )
