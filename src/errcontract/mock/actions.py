"""What a valid request does: the success side of each endpoint, named in mock.yaml (`action`).

Success bodies are rendered from mock.yaml view templates and wrapped in the provider's success
envelope; the suites do not judge them, but clients of the mock (examples, fuzzers) read them.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from errcontract.mock import inputs
from errcontract.mock.config import render
from errcontract.mock.respond import MockError, Outcome, iso_timestamp, success_outcome
from errcontract.mock.state import Resource

if TYPE_CHECKING:
    from errcontract.mock.engine import Call, Engine

Action = Callable[["Engine", "Call"], Awaitable[Outcome]]
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(56)


def _ok(engine: Engine, call: Call, values: dict[str, Any]) -> Outcome:
    assert call.endpoint is not None
    body = render(call.behaviour.get("view", "$body"), values)
    return success_outcome(engine.config, call.endpoint.success_status, body)


def resource_values(engine: Engine, resource: Resource) -> dict[str, Any]:
    spec = engine.config.resources
    status = engine.state.status_of(resource)
    done = status == spec.get("done_status")
    result = render(spec.get("result", {}), {}) if done and resource.has_result else None
    if result is not None:
        result = {k: v.format(id=resource.id) if isinstance(v, str) else v for k, v in result.items()}
    return {
        "id": resource.id,
        "model": resource.model,
        "status": status,
        "credits": resource.credits,
        "prompt": resource.prompt,
        "created_at": iso_timestamp(resource.created),
        "media_type": (result or {}).get("type", engine.config.default_media_type),
        "result": result,
        "result_url": (result or {}).get("url"),
        "result_type": (result or {}).get("type"),
        "refunded": resource.refunded,
        "credits_remaining": resource.owner.credits,
        "self_link": _self_link(engine, resource.id),
        "expires_at": iso_timestamp(time.time() + 3600),
    }


def _new_resource(engine: Engine, call: Call, status: str | None = None) -> Resource:
    assert call.account is not None
    resource = Resource(
        id=engine.state.new_resource_id(),
        owner=call.account,
        model=str(call.params["model"]),
        status=status or engine.config.resources["initial_status"],
        credits=int(call.params.get("credits", 0)),
        prompt=str(call.params.get("prompt", _body_prompt(engine, call))),
    )
    engine.state.resources[resource.id] = resource
    return resource


def _body_prompt(engine: Engine, call: Call) -> str:
    """The prompt as the top-level body carries it, when no check has read it already."""
    field = engine.config.prompt_field
    return call.body.get(field, "") if field else ""


def _self_link(engine: Engine, resource_id: str) -> str | None:
    """The path of the endpoint that shows a resource, for `_links.self`."""
    for name, behaviour in engine.config.endpoints.items():
        if behaviour.get("action") == "show_resource":
            path = engine.contract.endpoints[name].path.replace("{id}", resource_id)
            return engine.contract.base_path + path
    return None


async def create_resource(engine: Engine, call: Call) -> Outcome:
    resource = _new_resource(engine, call)
    values = resource_values(engine, resource)
    values["status"] = resource.status  # as created; it may finish before anyone looks
    return _ok(engine, call, values)


async def show_resource(engine: Engine, call: Call) -> Outcome:
    return _ok(engine, call, resource_values(engine, call.params["resource"]))


async def download_resource(engine: Engine, call: Call) -> Outcome:
    """Only a finished task with a result can be downloaded (errors: Task Errors)."""
    values = resource_values(engine, call.params["resource"])
    if values["status"] != engine.config.resources.get("done_status"):
        raise MockError("resource_not_complete")
    if values["result"] is None:
        raise MockError("resource_no_result")
    proxy = call.behaviour.get("proxy_query") or {}
    if proxy and all(call.request.query_params.get(k) == v for k, v in proxy.items()):
        return Outcome(200, None, media_type="image/png", raw=PNG_BYTES)
    return _ok(engine, call, values)


async def cancel_resource(engine: Engine, call: Call) -> Outcome:
    """Cancelling a pending job refunds its credits (errors: Automatic Refunds); done jobs stay."""
    resource: Resource = call.params["resource"]
    spec = engine.config.resources
    if engine.state.status_of(resource) in spec.get("pending_statuses", []):
        resource.status = spec.get("cancelled_status", "cancelled")
        refunds = engine.config.refund.get("on_cancel") and not engine.skips("refund_on_cancel", call)
        if refunds and resource.credits:
            engine.state.refund(resource.owner, resource.credits)
            resource.refunded = resource.credits
    return _ok(engine, call, resource_values(engine, resource))


async def list_resources(engine: Engine, call: Call) -> Outcome:
    query = call.request.query_params
    rules = call.behaviour.get("query") or {}
    limit = int(query.get("limit", rules.get("limit", {}).get("default", 20)))
    offset = int(query.get("offset", 0))
    wanted = query.get("status")
    owned = [r for r in list(engine.state.resources.values()) if r.owner is call.account]
    views = [resource_values(engine, r) for r in owned]
    views = [v for v in views if wanted in (None, v["status"])][offset : offset + limit]
    items = [render(call.behaviour.get("item_view", "$id"), v) for v in views]
    return _ok(engine, call, {"items": items})


async def list_catalog(engine: Engine, call: Call) -> Outcome:
    query = call.request.query_params
    models = [{"id": slug, "slug": slug, **spec} for slug, spec in engine.config.models.items()]
    if "provider" in query:
        models = [m for m in models if m.get("provider") == query["provider"]]
    if "isActive" in query:
        models = [m for m in models if str(m.get("isActive", True)).lower() == query["isActive"]]
    return _ok(engine, call, {"models": models, "count": len(models)})


async def show_catalog_item(engine: Engine, call: Call) -> Outcome:
    """One model of the catalog, named in the path (already checked by `path_model`)."""
    name = str(call.params.get("model", ""))
    return _ok(engine, call, {"id": name, **engine.config.models.get(name, {})})


async def run_model(engine: Engine, call: Call) -> Outcome:
    """A synchronous run: the resource is created already finished."""
    started = time.perf_counter()
    resource = _new_resource(engine, call, engine.config.resources["done_status"])
    values = resource_values(engine, resource)
    values["duration_ms"] = int((time.perf_counter() - started) * 1000)
    return _ok(engine, call, values)


async def upload(engine: Engine, call: Call) -> Outcome:
    """Multipart `file`: documented types and size limit, measured while streaming."""
    assert call.endpoint is not None
    call.body_read = True
    spec = call.endpoint.request.get("upload", {})
    part = await inputs.read_upload(call.request, spec.get("field", "file"))
    limits = call.endpoint.limits
    if limits.get("types") and part.content_type not in limits["types"]:
        engine.fail(call, "file_type", detail=f"Invalid file type: {part.content_type}")
    if part.size > int(limits.get("max_bytes", part.size)):
        engine.fail(call, "file_too_large", detail="File too large")
    key = f"uploads/{engine.state.new_resource_id()}"
    values = {
        "url": f"https://cdn.example/{key}",
        "filename": part.filename,
        "size": part.size,
        "type": part.content_type,
        "key": key,
    }
    return _ok(engine, call, values)


def account_values(engine: Engine, call: Call) -> dict[str, Any]:
    account = call.account
    assert account is not None and call.usage is not None
    return {
        "account_id": account.account_id,
        "account_name": account.display_name,
        "plan": account.plan_name,
        "credits_remaining": account.credits,
        "used": call.usage.used,
        **account.plan,
    }


async def show_account(engine: Engine, call: Call) -> Outcome:
    return _ok(engine, call, account_values(engine, call))


async def health(engine: Engine, call: Call) -> Outcome:
    return _ok(engine, call, {})


ACTIONS: dict[str, Action] = {
    "create_resource": create_resource,
    "show_resource": show_resource,
    "download_resource": download_resource,
    "cancel_resource": cancel_resource,
    "list_resources": list_resources,
    "list_catalog": list_catalog,
    "run_model": run_model,
    "show_catalog_item": show_catalog_item,
    "upload": upload,
    "show_account": show_account,
    "show_limits": show_account,
    "health": health,
}


async def run(engine: Engine, call: Call) -> Outcome:
    return await ACTIONS[call.behaviour.get("action", "health")](engine, call)
