"""The code table and the endpoints as frozen values: each code with its one-defect recipe.

A code's `provoke` is either `observe-only` (no request the docs describe returns it) or its
recipe, written on the code: the endpoint, the one defect, and what else the docs allow for it.
The recipe's name is the code's, in lower-case with dashes (`MISSING_AUTH` -> `missing-auth`):
it labels the requests it builds (`recipe:missing-auth`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypedDict

from errcontract.core import paths
from errcontract.core.verdicts import Strength

OBSERVE_ONLY = "observe-only"
_NOT_IN_A_NAME = re.compile(r"[^a-z0-9]+")


# How a case is recognised: JSON pointers and the value at each (None: present and null).
CaseMatch = dict[str, str | int | bool | None]


class UploadDoc(TypedDict):
    """The file a valid request uploads: its form field, file name, media type and size."""

    field: str
    filename: str
    content_type: str
    size: int


class RequestDoc(TypedDict, total=False):
    """A valid request to an endpoint, as the contract writes it: ids for the path's parameters,
    the JSON body, the query, the upload (values may name fixtures: `{model}`)."""

    path_params: dict[str, str]
    json: Any
    query: dict[str, Any]
    upload: UploadDoc


class UploadLimits(TypedDict, total=False):
    """What an upload endpoint accepts, as its docs say: the media types and the largest size."""

    types: list[str]
    max_bytes: int


@dataclass(frozen=True)
class Recipe:
    name: str
    code: str  # the code it provokes
    endpoint: str
    defect: dict[str, Any]  # exactly one change: {kind: argument}
    may_bill: bool = False
    fallback_endpoints: tuple[str, ...] = ()
    also_allowed: tuple[str, ...] = ()  # other codes the docs allow for this defect
    on_unknown_ids: bool = False  # sent for ids no resource has (the defect is checked first)
    # The same defect where another endpoint of the code carries it elsewhere (a model named in
    # the body rather than the path): endpoint name -> defect.
    elsewhere: tuple[tuple[str, dict[str, Any]], ...] = ()

    @property
    def all_endpoints(self) -> tuple[str, ...]:
        return (self.endpoint, *self.fallback_endpoints)

    def defect_on(self, endpoint: str) -> dict[str, Any]:
        """The defect as `endpoint` carries it: its own `elsewhere` entry, else the recipe's."""
        return dict(self.elsewhere).get(endpoint, self.defect)


@dataclass(frozen=True)
class Code:
    name: str
    statuses: tuple[int, ...]
    message: str
    solution: str
    endpoints: tuple[str, ...]
    recipe: Recipe | None  # None: observe-only
    # The classes of defect this code answers (`defect_class` in the YAML, one name or a list):
    # the first is the code's own (its recipe's defect); `Contract.defect_classes` lists the codes
    # of each class from these, nowhere else.
    defect_classes: tuple[str, ...]
    message_pattern: str | None
    schema_ref: str | None
    source: str
    observe_reason: str | None = None
    fault: bool = False
    strengths: dict[str, str] = field(default_factory=dict)
    match: CaseMatch | None = None  # how the case is recognised (see cases.py); None: by name
    # "4xx": the code may also come with any status of that class the status table does not list
    # (Anthropic's invalid_request_error: "other 4XX status codes not listed below")
    other_statuses: str = ""

    def covers_other(self, status: int) -> bool:
        """Is `status` in the class of statuses the code also comes with (`other_statuses`)?"""
        return bool(self.other_statuses) and str(status // 100) == self.other_statuses[0]

    @property
    def defect_class(self) -> str | None:
        """The code's own class: the one its recipe's defect belongs to."""
        return self.defect_classes[0] if self.defect_classes else None

    @property
    def observe_only(self) -> bool:
        return self.recipe is None

    @property
    def provoke(self) -> str:
        """The recipe's name, or `observe-only`."""
        return self.recipe.name if self.recipe else OBSERVE_ONLY

    def strength(self, fact: str) -> Strength:
        """How strongly the docs give one of this code's facts (`message_pattern`, `schema`)."""
        return Strength(self.strengths.get(fact, Strength.STATED))


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    auth: bool
    billable: bool
    body: str
    success_status: int
    request: RequestDoc
    required_fields: tuple[str, ...] = ()
    lookup_fields: tuple[str, ...] = ()  # valid values are the provider's list (model names)
    fields: dict[str, str] = field(default_factory=dict)
    query: dict[str, list[Any]] = field(default_factory=dict)
    limits: UploadLimits = field(default_factory=lambda: UploadLimits())
    source: str = ""
    assumed_request: str = ""  # why the request's body is a guess (the docs give none); "" if given

    @property
    def path_params(self) -> tuple[str, ...]:
        return paths.params(self.path)


def recipe_name(code_name: str) -> str:
    return _NOT_IN_A_NAME.sub("-", code_name.lower()).strip("-")


def recipe_from(code_name: str, raw: Any) -> Recipe | None:
    if raw == OBSERVE_ONLY:
        return None
    return Recipe(
        recipe_name(code_name),
        code_name,
        raw["endpoint"],
        raw["defect"],
        bool(raw.get("may_bill", False)),
        tuple(raw.get("fallback_endpoints", ())),
        tuple(raw.get("also_allowed", ())),
        bool(raw.get("on_unknown_ids", False)),
        tuple((name, dict(defect)) for name, defect in raw.get("elsewhere", {}).items()),
    )


def _names(raw: str | list[str] | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    return (raw,) if isinstance(raw, str) else tuple(raw)


def code_from(name: str, raw: dict[str, Any]) -> Code:
    return Code(
        name=name,
        statuses=tuple(int(s) for s in raw["status"]),
        message=raw.get("message", ""),
        solution=raw.get("solution", ""),
        endpoints=tuple(raw.get("endpoints", ())),
        recipe=recipe_from(name, raw["provoke"]),
        defect_classes=_names(raw.get("defect_class")),
        message_pattern=raw.get("message_pattern"),
        schema_ref=raw.get("schema"),
        source=raw.get("source", ""),
        observe_reason=raw.get("observe_reason"),
        fault=bool(raw.get("fault", False)),
        strengths=dict(raw.get("strength", {})),
        match=raw.get("match"),
        other_statuses=raw.get("other_statuses", ""),
    )


def endpoint_from(name: str, raw: dict[str, Any]) -> Endpoint:
    return Endpoint(
        name=name,
        method=raw["method"].upper(),
        path=raw["path"],
        auth=bool(raw["auth"]),
        billable=bool(raw.get("billable", False)),
        body=raw.get("body", "none"),
        success_status=int(raw["success_status"]),
        request=raw.get("request") or RequestDoc(),
        required_fields=tuple(raw.get("required_fields", ())),
        lookup_fields=tuple(raw.get("lookup_fields", ())),
        fields=raw.get("fields", {}),
        query=raw.get("query", {}),
        limits=raw.get("limits", {}),
        source=raw.get("source", ""),
        assumed_request=raw.get("assumed_request", ""),
    )
