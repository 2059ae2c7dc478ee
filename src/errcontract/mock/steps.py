"""The pipeline's steps after authentication, each detecting one kind of generic condition.

Every step reads the endpoint's behaviour from mock.yaml (`call.behaviour`) and the contract's
endpoint (required fields, field types); none knows a provider by name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from errcontract.mock import inputs
from errcontract.mock.document import QueryRuleDoc
from errcontract.mock.respond import MockError

if TYPE_CHECKING:
    from errcontract.mock.engine import Call, Engine

INTEGER = re.compile(r"-?[0-9]{1,12}")


def scope(engine: Engine, call: Call) -> None:
    needed = engine.config.scopes.get(call.endpoint.name) if call.endpoint else None
    if needed and call.key is not None and not call.key.grants(needed):
        call.params["scope"] = needed
        engine.fail(call, "insufficient_scope")


def query(engine: Engine, call: Call) -> None:
    """Documented query parameters must have documented values (unknown ones are ignored)."""
    for name, rule in (call.behaviour.get("query") or {}).items():
        value = call.request.query_params.get(name)
        if value is not None and not _query_value_ok(value, rule):
            engine.fail(call, "invalid_query", field=name, detail=f"Invalid query parameter: {name}")


def _query_value_ok(value: str, rule: QueryRuleDoc) -> bool:
    if "enum" in rule:
        return value in [str(v) for v in rule["enum"]]
    if rule.get("type") != "integer":
        return True
    if not INTEGER.fullmatch(value):
        return False
    number = int(value)
    return bool(rule.get("min", number) <= number <= rule.get("max", number))


def path_model(engine: Engine, call: Call) -> None:
    """A model named in the path (e.g. POST /models/{slug}) must exist."""
    source = call.behaviour.get("model_from") or {}
    if "path" in source:
        _use_model(engine, call, call.path_params.get(source["path"], ""))


def _use_model(engine: Engine, call: Call, name: Any) -> None:
    name = name if isinstance(name, str) else ""
    if engine.drift is not None:
        engine.drift.inspect("model", name, call, engine)
    model = engine.config.models.get(name)
    if model is None:
        engine.fail(call, "unknown_model", field="model", detail=f"Unknown model: {name}")
        return
    call.params.update(model=name, model_spec=model, credits=int(model.get("credits", 0)))


async def json_body(engine: Engine, call: Call) -> None:
    """Parse, type-check and look up what a JSON body names (model, workflow, URLs)."""
    endpoint = call.endpoint
    assert endpoint is not None
    call.body_read = True
    parsed = await inputs.read_json(call.request, engine.config.max_json_bytes)
    if engine.drift is not None:
        engine.drift.inspect("body", parsed, call, engine)
    body = inputs.require_object(parsed)
    inputs.check_fields(body, endpoint.required_fields, endpoint.fields)
    call.body = body
    inputs.check_urls(body, call.behaviour.get("url_fields", []))
    source = call.behaviour.get("model_from") or {}
    if "body" in source:
        _use_model(engine, call, body[source["body"]])
    if "model" in call.behaviour:
        call.params.update(model=call.behaviour["model"])
    if "workflow_from" in call.behaviour:
        _use_workflow(engine, call, body[call.behaviour["workflow_from"]["body"]])
    spec = call.params.get("model_spec")
    if spec is not None:
        _check_input(engine, call, body, spec)


def _use_workflow(engine: Engine, call: Call, name: Any) -> None:
    workflow = engine.config.workflows.get(name) if isinstance(name, str) else None
    if workflow is None:
        raise MockError("unknown_workflow", field="workflow", detail=f"Unknown workflow: {name}")
    call.params.update(model=name, model_spec=workflow, credits=int(workflow.get("credits", 0)))


def _check_input(engine: Engine, call: Call, body: dict[str, Any], spec: dict[str, Any]) -> None:
    """The model's or workflow's own required inputs (in `input_field` when the body nests them)."""
    nested = call.behaviour.get("input_field")
    data = body.get(nested) if nested else body
    if not isinstance(data, dict):
        raise MockError("invalid_field", field=nested, detail=f"Invalid field: {nested}")
    required = spec.get("required", [])
    inputs.check_fields(data, required, dict.fromkeys(required, "string"))
    inputs.check_urls(data, spec.get("url_fields", []))
    field = engine.config.prompt_field
    prompt = data.get(field) if field else None
    call.params["prompt"] = prompt if isinstance(prompt, str) else ""


def resource(engine: Engine, call: Call) -> None:
    """A path id not naming a model names a task/job: it must exist and be the caller's."""
    consumed = (call.behaviour.get("model_from") or {}).get("path")
    for name, value in call.path_params.items():
        if name == consumed:
            continue
        found = engine.state.resources.get(value)
        if found is None:
            raise MockError("resource_not_found", detail=f"Not found: {name}")
        if found.owner is not call.account and not engine.skips("ownership", call):
            engine.fail(call, "resource_forbidden")
            raise MockError("resource_not_found")
        call.params["resource"] = found


def charge(engine: Engine, call: Call) -> None:
    """Take the endpoint's price (a number, or the model's / workflow's credits) up front."""
    price = call.behaviour.get("charge")
    if price is None or call.account is None:
        return
    credits = int(price) if isinstance(price, int) else int(call.params.get("credits", 0))
    call.params["credits"] = credits
    if not engine.state.charge(call.account, credits):
        call.params.update(required=credits, available=call.account.credits)
        engine.fail(call, "insufficient_credits")
        return
    call.params["charged"] = credits


def refund_charge(engine: Engine, call: Call) -> None:
    """Give back what this request was charged (errors: 'Vydra automatically refunds')."""
    charged = call.params.pop("charged", 0)
    if charged and call.account is not None and engine.config.refund.get("on_failure"):
        engine.state.refund(call.account, charged)
        call.params["refunded"] = charged
