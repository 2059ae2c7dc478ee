"""One-defect recipes from the contract, turned into request descriptions.

A recipe is an endpoint's valid request (`endpoints.<name>.request`, with `{fixture}`
placeholders) plus exactly one `defect`. Nothing here sends a request.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Any

from errcontract.client.keys import unknown_key
from errcontract.contract.codes import UploadDoc
from errcontract.contract.model import PLACEHOLDER, Code, Contract, Endpoint
from errcontract.contract.parts import MALFORMED_KEY
from errcontract.core import paths
from errcontract.core.exchange import NO_JSON, Defect, RequestSpec, Upload

REGEX_META = re.compile(r"[\\\[\](){}.*+?|$^]")


class MissingFixture(Exception):
    """A recipe needs fixtures the run was not given."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def fixture_values(contract: Contract, given: dict[str, str]) -> dict[str, str]:
    """The given fixtures (a contract names no default: a valid value comes from the user, the
    target or a mock), and for each key `{name:unknown}`: a key of the contract's shape that no
    account has, drawn at random once (see `keys.unknown_key`; a run draws it when it starts and
    reuses it)."""
    values = {k: v for k, v in given.items() if v}
    pattern = contract.auth.key_pattern
    for name in contract.secret_fixtures:
        if name in values and not values.get(f"{name}:unknown"):
            fake = unknown_key(pattern)
            while fake == values[name]:
                fake = unknown_key(pattern)
            values[f"{name}:unknown"] = fake
    return values


def literal_prefix(pattern: str) -> str:
    """The literal start of a key pattern: `^sk-` -> `sk-`, `^vydra_live_user_[A-Z]…` -> its prefix."""
    body = pattern.removeprefix("^")
    match = REGEX_META.search(body)
    return body[: match.start()] if match else body


def fill(value: Any, fixtures: dict[str, str], missing: set[str]) -> Any:
    """Substitute `{fixture}` placeholders in strings, recursively; record missing names."""
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in fixtures:
                return fixtures[name]
            missing.add(name)
            return match.group(0)

        return PLACEHOLDER.sub(sub, value)
    if isinstance(value, dict):
        return {k: fill(v, fixtures, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, fixtures, missing) for v in value]
    return value


def auth_value(contract: Contract, key: str) -> str:
    """The credential as the docs send it: `Bearer KEY`, a bare `KEY`, `Basic <base64>`."""
    return contract.auth.value(key)


def constant_headers(contract: Contract) -> dict[str, str]:
    """The headers the docs ask of every request (`anthropic-version: 2023-06-01`)."""
    return {h.name: h.value for h in contract.request_headers}


def with_key(contract: Contract, spec: RequestSpec, key: str | None, key_fixture: str | None) -> RequestSpec:
    """The request with `key` sent where the docs say (None: no credential at all)."""
    headers, query = dict(spec.headers), dict(spec.query)
    contract.auth.place(headers, query, key)
    return replace(spec, headers=headers, query=query, key_fixture=key_fixture)


def _upload(raw: UploadDoc | None) -> Upload | None:
    if not raw:
        return None
    return Upload(raw["field"], raw["filename"], raw["content_type"], int(raw["size"]))


def base_request(
    contract: Contract,
    endpoint: Endpoint,
    fixtures: dict[str, str],
    missing: set[str],
    path_params: dict[str, str] | None = None,
) -> RequestSpec:
    """The endpoint's documented valid request, placeholders filled (recording missing ones).

    `path_params` replaces the documented ids (a defect that names its own ids needs none).
    """
    raw = endpoint.request
    given = path_params if path_params is not None else raw.get("path_params", {})
    params = fill(given, fixtures, missing)
    headers = constant_headers(contract)
    json_body = copy.deepcopy(fill(raw["json"], fixtures, missing)) if "json" in raw else NO_JSON
    if json_body is not NO_JSON:
        headers["Content-Type"] = contract.content_type
    spec = RequestSpec(
        method=endpoint.method,
        path=contract.base_path + paths.expand(endpoint.path, params),
        endpoint=endpoint.name,
        headers=headers,
        query={k: str(v) for k, v in fill(raw.get("query", {}), fixtures, missing).items()},
        json_body=json_body,
        upload=_upload(raw.get("upload")),
        may_bill=endpoint.billable,
    )
    if not endpoint.auth:
        return spec
    key_fixture = contract.main_key
    return with_key(contract, spec, fill(f"{{{key_fixture}}}", fixtures, missing), key_fixture)


def apply_defect(
    contract: Contract,
    spec: RequestSpec,
    defect: dict[str, Any],
    fixtures: dict[str, str],
    missing: set[str],
) -> RequestSpec:
    """The request with its one documented defect applied."""
    ((kind, arg),) = defect.items()
    arg = fill(arg, fixtures, missing)
    headers = dict(spec.headers)
    if kind == "remove_header":
        headers.pop(arg, None)
        return replace(spec, headers=headers, key_fixture=None)
    if kind == "set_header":
        headers.update(arg)
        return replace(spec, headers=headers, key_fixture=None)
    if kind == "use_key":
        return with_key(contract, spec, fill(f"{{{arg}}}", fixtures, missing), arg)
    if kind == "key":
        return _key_defect(contract, spec, arg, fixtures, missing)
    if kind == "raw_body":
        return replace(spec, json_body=NO_JSON, content=arg.encode())
    if kind == "remove_field":
        body = {k: v for k, v in spec.json_body.items() if k != arg}
        return replace(spec, json_body=body)
    if kind == "set_field":
        return replace(spec, json_body={**spec.json_body, **arg})
    if kind == "path_params":
        endpoint = contract.endpoints[spec.endpoint or ""]
        return replace(spec, path=contract.base_path + paths.expand(endpoint.path, arg))
    if kind == "upload":
        return replace(spec, upload=_upload(arg))
    if kind == "method":
        return replace(spec, method=arg)
    if kind == "path":
        return replace(spec, path=contract.base_path + arg)
    raise ValueError(f"unknown defect kind {kind!r}")


def _key_defect(
    contract: Contract, spec: RequestSpec, kind: str, fixtures: dict[str, str], missing: set[str]
) -> RequestSpec:
    """The `key` defect, wherever the auth block sends the key (see the meta-schema)."""
    if kind == "missing":
        return with_key(contract, spec, None, None)
    if kind == "unknown":
        return with_key(contract, spec, fill(f"{{{contract.main_key}:unknown}}", fixtures, missing), None)
    if kind == "malformed":
        return with_key(contract, spec, MALFORMED_KEY, None)
    real = fill(f"{{{contract.main_key}}}", fixtures, missing)  # wrong_scheme: the lint vouched a scheme
    headers = {k: v for k, v in spec.headers.items() if k.lower() != contract.auth.header.lower()}
    headers[contract.auth.header] = contract.auth.value(real, other_scheme(contract.auth.scheme))
    return replace(spec, headers=headers, key_fixture=None)


def other_scheme(scheme: str) -> str:
    """A scheme word that is not the documented one (`Token` for Bearer, `Bearer` for others)."""
    return "Token" if scheme.lower() == "bearer" else "Bearer"


def recipe_code(contract: Contract, recipe_name: str) -> Code:
    return contract.codes[contract.recipes[recipe_name].code]


def defect_applies(endpoint: Endpoint, defect: dict[str, Any]) -> bool:
    """Can this one-defect change be made to a request for `endpoint`?"""
    ((kind, arg),) = defect.items()
    if kind in ("remove_header", "set_header", "use_key", "key"):
        return endpoint.auth
    if kind == "path_params":
        return bool(arg) and set(arg) <= set(endpoint.path_params)
    if kind == "upload":
        return endpoint.body == "multipart"
    if kind in ("method", "path"):
        return True  # any endpoint's request can be sent the wrong way or to the wrong place
    fields = {*endpoint.fields, *endpoint.required_fields}
    if kind == "remove_field":
        return endpoint.body == "json" and arg in fields
    if kind == "set_field":
        return endpoint.body == "json" and set(arg) <= fields
    return endpoint.body == "json"  # raw_body


def variant_endpoints(contract: Contract, code: Code) -> list[str]:
    """The other endpoints the docs attach the code to where its recipe's defect applies (a
    recipe with fallbacks already tries its endpoints in turn)."""
    recipe = code.recipe
    if recipe is None or recipe.fallback_endpoints:
        return []
    names = contract.endpoints if "*" in code.endpoints else code.endpoints
    return [
        n
        for n in names
        if n != recipe.endpoint
        and n in contract.endpoints
        and defect_applies(contract.endpoints[n], recipe.defect_on(n))
    ]


def _carries_real_key(defect: dict[str, Any]) -> bool:
    """Does the defective request still identify an account (so a lenient target could bill it)?"""
    ((kind, arg),) = defect.items()
    return kind == "use_key" or (kind == "set_header" and "{api_key}" in str(arg)) or arg == "wrong_scheme"


def build_variants(contract: Contract, code: Code, fixtures: dict[str, str]) -> list[RequestSpec]:
    """The code's recipe on each other endpoint the docs attach it to (fixtures permitting)."""
    recipe = code.recipe
    found: list[RequestSpec] = []
    if recipe is None:
        return found
    for name in variant_endpoints(contract, code):
        try:
            spec = build_request(contract, recipe.name, fixtures, name)
        except MissingFixture:
            continue
        billable = contract.endpoints[name].billable and _carries_real_key(recipe.defect_on(name))
        found.append(replace(spec, may_bill=spec.may_bill or billable))
    return found


def build_requests(contract: Contract, recipe_name: str, fixtures: dict[str, str]) -> list[RequestSpec]:
    """The recipe's request on its endpoint, then on each fallback endpoint (tried in turn)."""
    recipe = contract.recipes[recipe_name]
    return [build_request(contract, recipe_name, fixtures, e) for e in recipe.all_endpoints]


def build_request(
    contract: Contract, recipe_name: str, fixtures: dict[str, str], endpoint_name: str | None = None
) -> RequestSpec:
    """The recipe's request; MissingFixture names the fixtures it needs and was not given."""
    recipe = contract.recipes[recipe_name]
    code = recipe_code(contract, recipe_name)
    values = fixture_values(contract, fixtures)
    missing: set[str] = set()
    endpoint = contract.endpoints[endpoint_name or recipe.endpoint]
    defect_change = recipe.defect_on(endpoint.name)
    ids = defect_change.get("path_params")
    made_up: tuple[Defect, ...] = ()
    if recipe.on_unknown_ids and ids is None and endpoint.path_params:
        ids = {name: f"errcontract-no-such-{name}" for name in endpoint.path_params}
        made_up = (_unknown_ids(contract, endpoint),)
    spec = base_request(contract, endpoint, values, missing, path_params=ids)
    spec = apply_defect(contract, spec, defect_change, values, missing)
    if missing and ids is None and _only_path_ids(endpoint, missing):
        # The defect is not in the path (a header's): a made-up id serves as well as a given one,
        # marked as assumed (an answer refusing the id did not reach the defect).
        missing.clear()
        ids = {name: f"errcontract-made-up-{name}" for name in endpoint.path_params}
        spec = base_request(contract, endpoint, values, missing, path_params=ids)
        spec = apply_defect(contract, spec, defect_change, values, missing)
        made_up = (_made_up_ids(contract, endpoint),)
    if missing:  # a derived `{name:unknown}` needs its `name`
        raise MissingFixture(sorted({m.removesuffix(":unknown") for m in missing}))
    # With fallbacks the defect may not apply to this endpoint: a success is then legitimate.
    codes = (code.name, *recipe.also_allowed)  # every code the docs allow for this defect
    defect = Defect(recipe_name, code.defect_class, codes, certain=not recipe.fallback_endpoints)
    return replace(
        spec,
        defects=(defect, *made_up),
        origin=f"recipe:{recipe_name}",
        may_bill=recipe.may_bill,
        expects_rate_limit=429 in code.statuses,
    )


def _only_path_ids(endpoint: Endpoint, missing: set[str]) -> bool:
    """Are the missing fixtures only the endpoint's path ids (a task id, a job id)?"""
    named = {str(v)[1:-1] for v in endpoint.request.get("path_params", {}).values() if str(v).startswith("{")}
    return bool(missing) and missing <= named


def _unknown_ids(contract: Contract, endpoint: Endpoint) -> Defect:
    """Ids no resource has, sent on purpose beside the recipe's defect (`on_unknown_ids`)."""
    cls, codes = defect_class_for(contract, endpoint, "path")
    return Defect("path: ids no resource has (the defect is checked first)", cls, codes)


def _made_up_ids(contract: Contract, endpoint: Endpoint) -> Defect:
    cls, codes = defect_class_for(contract, endpoint, "path")
    return Defect(
        "assumed: a made-up id in the path (no fixture given)", cls, codes, certain=False, assumed=True
    )


def defect_class_for(
    contract: Contract, endpoint: Endpoint, location: str
) -> tuple[str | None, tuple[str, ...]]:
    """The defect class for a mistake at `location`: of the classes listed there, the one with
    the most codes documented for this endpoint (the first on a tie)."""
    documented = {c.name for c in contract.codes.values() if {endpoint.name, "*"} & set(c.endpoints)}
    classes = contract.defect_classes.values()
    candidates = [(c.name, c.codes) for c in classes if location in c.locations]
    if not candidates:
        return None, ()
    return max(candidates, key=lambda nc: len(documented & set(nc[1])))
