"""The shapes of mock.yaml's tables as read (checked against contracts/mock.schema.json first):
what the mock's code reads of them is typed here, so `dict[str, Any]` stays at the parse boundary."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

__all__ = [
    "AccountDoc",
    "BehaviourDoc",
    "FaultDoc",
    "KeyFixtureDoc",
    "KeysDoc",
    "ModelFromDoc",
    "PlanDoc",
    "QueryRuleDoc",
    "RefundDoc",
    "ResourcesDoc",
    "SeededDoc",
    "WorkflowFromDoc",
]


class PlanDoc(TypedDict):
    """A plan: its requests per minute (`limit`), per hour, per day, and jobs at once."""

    limit: int
    rph: NotRequired[int]
    rpd: NotRequired[int]
    concurrent: NotRequired[int]


class AccountDoc(TypedDict):
    """An account: its plan and credits, a name, whether its window starts full."""

    plan: str
    credits: int
    name: NotRequired[str]
    saturated: NotRequired[bool]


class KeyFixtureDoc(TypedDict):
    """A key fixture: the account it belongs to, its scopes, and how it is refused (if it is)."""

    account: str
    scopes: NotRequired[list[str]]
    revoked: NotRequired[bool]
    expired: NotRequired[bool]
    refused_with: NotRequired[str]


class KeysDoc(TypedDict):
    """How the mock's keys are made: `template` ({user}, {random}) and `random_length`."""

    template: str
    random_length: NotRequired[int]


class RefundDoc(TypedDict, total=False):
    """When the mock gives a job's charge back, and the extras the refund answer carries."""

    on_failure: bool
    on_cancel: bool
    extras: dict[str, Any]


class FaultDoc(TypedDict):
    """An injectable fault: its code and status, the endpoints and statuses it may be served at."""

    code: str
    status: int
    endpoints: tuple[str, ...]
    statuses: tuple[int, ...]
    message: NotRequired[str]


class ModelFromDoc(TypedDict, total=False):
    """Where a request names its model: a body field, or a path segment."""

    body: str
    path: str


class WorkflowFromDoc(TypedDict):
    """The body field a request names its workflow in."""

    body: str


class BehaviourDoc(TypedDict, total=False):
    """What the mock does at one endpoint: its action, the model it runs or where it reads one,
    its input and URL fields, its charge, the query it reads, and the views it answers with."""

    action: str
    model: str
    model_from: ModelFromDoc
    workflow_from: WorkflowFromDoc
    input_field: str | None
    url_fields: list[str]
    charge: str | int
    query: dict[str, QueryRuleDoc]
    proxy_query: dict[str, Any]
    view: Any
    item_view: Any


class QueryRuleDoc(TypedDict, total=False):
    """A documented query parameter's values: a type (and bounds), or an enumeration."""

    type: str
    min: int
    max: int
    default: Any
    enum: list[Any]


class SeededDoc(TypedDict):
    """A resource that exists from the start: its owner, status and model, and whether it has a result."""

    owner: str
    status: str
    model: str
    has_result: NotRequired[bool]


class ResourcesDoc(TypedDict):
    """How the mock's jobs are made: their ids, statuses, timing, result, and the ones seeded."""

    id_template: str
    initial_status: str
    done_status: str
    random_length: NotRequired[int]
    cancelled_status: NotRequired[str]
    completes_after_s: NotRequired[float]
    pending_statuses: NotRequired[list[str]]
    result: NotRequired[dict[str, Any]]
    prompt_field: NotRequired[str | None]
    default_media_type: NotRequired[str | None]
    seed: NotRequired[dict[str, SeededDoc]]
