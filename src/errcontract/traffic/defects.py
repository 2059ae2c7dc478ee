"""What a recorded request itself shows to be wrong with it, as the defects the judge reads.

A run knows the one defect it put in each request; a recording does not. Only what the recorded
request plainly shows counts: a JSON endpoint sent a body that is not JSON, a required field
missing from the body, an `Authorization` of another scheme than the docs'. A missing credential
is never inferred (recorders drop `Authorization`: its absence shows nothing). Everything else
that rests on a defect (is this 4xx justified? was a defective request served?) is judged only
on these.
"""

from __future__ import annotations

from errcontract.contract.codes import Endpoint
from errcontract.contract.model import Contract
from errcontract.core.exchange import NO_JSON, Defect, RequestSpec
from errcontract.requests.recipes import defect_class_for

PREFIX = "recorded: "


def _defect(contract: Contract, endpoint: Endpoint, location: str, what: str) -> Defect:
    defect_class, codes = defect_class_for(contract, endpoint, location)
    return Defect(PREFIX + what, defect_class, codes)


def shown_defects(spec: RequestSpec, contract: Contract, endpoint: Endpoint | None) -> tuple[Defect, ...]:
    """The defects the recorded request shows (none for a request to an undocumented route)."""
    if endpoint is None:
        return ()
    found = []
    body = spec.json_body
    if endpoint.body == "json" and spec.content:
        found.append(_defect(contract, endpoint, "body", "body is not JSON"))
    elif endpoint.body == "json" and isinstance(body, dict):
        missing = [f for f in endpoint.required_fields if f not in body]
        if missing:
            found.append(_defect(contract, endpoint, "body", f"required field {missing[0]} missing"))
    elif endpoint.body == "json" and body is not NO_JSON and not isinstance(body, dict):
        found.append(_defect(contract, endpoint, "body", "body is JSON but not an object"))
    scheme = _scheme(spec, contract)
    if endpoint.auth and scheme is not None and scheme.lower() != contract.auth.scheme.lower():
        found.append(_defect(contract, endpoint, "header", f"{contract.auth.header} scheme {scheme!r}"))
    return tuple(found)


def _scheme(spec: RequestSpec, contract: Contract) -> str | None:
    """The scheme word of the recorded credential header, where the docs give one."""
    if not contract.auth.scheme:
        return None
    value = next((v for k, v in spec.headers.items() if k.lower() == contract.auth.header.lower()), None)
    if value is None or " " not in value.strip():
        return None
    return value.strip().split(" ", 1)[0]
