"""Defect families for request bodies: JSON (malformed text, arrays, scalars, content type,
missing, wrong-typed and odd-string fields, extra fields) and multipart uploads (no file, another
field, disallowed type, over the size limit, empty file, odd filename).

Each kind of defect is one row of a table: its name, a builder of the strategy it draws from,
and whether it is certain (a certain body defect also stops the request before billing).
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from errcontract.contract.codes import UploadLimits
from errcontract.core.exchange import NO_JSON, RequestSpec, Upload
from errcontract.requests.strategies import values as sv
from errcontract.requests.strategies.families import Change, Context, Family

OTHER_MEDIA_TYPES = (  # the simplest draw is the first: not the recipe's text/plain
    "application/pdf",
    "text/plain",
    "image/svg+xml",
    "application/octet-stream",
    "image/bmp",
    "video/mp4",
    "application/zip",
    "text/html",
)
WRONG_CONTENT_TYPES = (
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/xml",
    "multipart/form-data",
)
OTHER_FIELD_NAMES = ("image", "files", "upload")

# An upload defect's builder: from the valid upload and the endpoint's limits, the uploads
# (None: no file) it draws, or None when the endpoint has nothing for it to break.
UploadBuilder = Callable[[Upload, UploadLimits], st.SearchStrategy[Upload | None] | None]


# -- multipart uploads -------------------------------------------------------------------------
def _with_upload(upload: Upload | None) -> Change:
    return lambda spec: replace(spec, upload=upload, content=None, json_body=NO_JSON)


def _other_field_names(base: Upload, limits: UploadLimits) -> st.SearchStrategy[Upload | None]:
    names = st.sampled_from([*OTHER_FIELD_NAMES, base.field.upper()]).filter(lambda f: f != base.field)
    return names.map(lambda f: replace(base, field=f))


def _odd_filenames(base: Upload, limits: UploadLimits) -> st.SearchStrategy[Upload | None]:
    names = st.one_of(
        sv.with_non_ascii(sv.printable_strings(20), printable=True),
        sv.traversal_ids(),
        sv.huge_strings(2000, 256, chars=sv.printable_chars()),
    )
    return names.map(lambda n: replace(base, filename=n + ".png"))


def _disallowed_types(base: Upload, limits: UploadLimits) -> st.SearchStrategy[Upload | None] | None:
    if not limits.get("types"):
        return None
    other = st.sampled_from(OTHER_MEDIA_TYPES).filter(lambda t: t not in limits["types"])
    return other.map(
        lambda t: replace(base, content_type=t, filename="probe" + (mimetypes.guess_extension(t) or ".bin"))
    )


def _oversized(base: Upload, limits: UploadLimits) -> st.SearchStrategy[Upload | None] | None:
    if not limits.get("max_bytes"):
        return None
    # Bounded just over the limit: one such upload is max_bytes on the wire, never more.
    return st.integers(1, 4096).map(lambda n: replace(base, size=int(limits["max_bytes"]) + n))


UPLOAD_DEFECTS: tuple[tuple[str, UploadBuilder, bool], ...] = (
    ("no file", lambda base, limits: st.none(), True),
    ("other field name", _other_field_names, True),
    ("empty file", lambda base, limits: st.just(replace(base, size=0)), False),
    ("odd filename", _odd_filenames, False),
    ("disallowed type", _disallowed_types, True),
    ("over the size limit", _oversized, True),
)


def _upload_family(
    ctx: Context, name: str, uploads: st.SearchStrategy[Upload | None], certain: bool
) -> Family:
    mutations = uploads.map(
        lambda u: ctx.mutation(f"upload: {name}", "body", _with_upload(u), certain, stops=True)
    )
    return Family(f"upload: {name}", "upload", mutations, stops_billing=certain)


def upload_families(ctx: Context) -> list[Family]:
    base = ctx.base.upload
    if base is None:
        return []
    families = []
    for name, build, certain in UPLOAD_DEFECTS:
        uploads = build(base, ctx.endpoint.limits)
        if uploads is not None:
            families.append(_upload_family(ctx, name, uploads, certain))
    return families


# -- JSON bodies -------------------------------------------------------------------------------
def _with_content(text: str) -> Change:
    return lambda spec: replace(spec, json_body=NO_JSON, content=text.encode("utf-8", "surrogatepass"))


def _with_bytes(raw: bytes) -> Change:
    return lambda spec: replace(spec, json_body=NO_JSON, content=raw)


# Bodies that are not UTF-8 (RFC 8259 8.1: 'JSON text exchanged between systems that are not part
# of a closed ecosystem MUST be encoded using UTF-8'): a stray byte in a string, a Latin-1 body.
NOT_UTF8 = (b'{"\xba": 1}', b'{"name": "caf\xe9"}')


def _with_json(body: Any) -> Change:
    return lambda spec: replace(spec, json_body=body, content=None)


def _set_field(name: str, value: Any) -> Change:
    return lambda spec: replace(spec, json_body={**spec.json_body, name: value})


def _drop_field(name: str) -> Change:
    return lambda spec: replace(spec, json_body={k: v for k, v in spec.json_body.items() if k != name})


# A whole-body defect's builder: from the valid body and its JSON text, the changes it draws.
WHOLE_BODY_DEFECTS: tuple[tuple[str, Callable[[dict[str, Any], str], st.SearchStrategy[Change]]], ...] = (
    ("malformed JSON", lambda body, text: sv.malformed_json_texts(text).map(_with_content)),
    ("JSON array", lambda body, text: sv.json_arrays(body).map(_with_json)),
    ("JSON scalar", lambda body, text: sv.json_scalars().map(_with_json)),
    ("not UTF-8", lambda body, text: st.sampled_from(NOT_UTF8).map(_with_bytes)),
)


def json_families(ctx: Context) -> list[Family]:
    body = ctx.base.json_body
    if not isinstance(body, dict):
        return []
    text = json.dumps(body, ensure_ascii=False)
    families = [_whole_body_family(ctx, name, build(body, text)) for name, build in WHOLE_BODY_DEFECTS]
    families += [_content_type_family(ctx), _extra_field_family(ctx)]
    return families + _field_families(ctx)


def _whole_body_family(ctx: Context, name: str, changes: st.SearchStrategy[Change]) -> Family:
    mutations = changes.map(lambda c: ctx.mutation(f"body: {name}", "body", c, True, stops=True))
    return Family(f"body: {name}", "body", mutations, stops_billing=True)


def _content_type_family(ctx: Context) -> Family:
    types = st.one_of(st.none(), st.sampled_from(WRONG_CONTENT_TYPES))
    mutations = types.map(
        lambda t: ctx.mutation(f"content type: {t or 'none'}", "body", _content_type(t), certain=False)
    )
    return Family("content type", "content-type", mutations)


def _extra_field_family(ctx: Context) -> Family:
    names = st.text(min_size=1, max_size=20).filter(lambda k: k not in ctx.endpoint.fields)
    mutations = st.tuples(names, sv.json_values()).map(
        lambda kv: ctx.mutation("extra field", "body", _set_field(*kv), certain=False)
    )
    return Family("extra field", "field:(extra)", mutations)


def _field_families(ctx: Context) -> list[Family]:
    """Per documented field: missing (if required), of the wrong type, odd strings (if a string)."""
    required = set(ctx.endpoint.required_fields)
    families = [_missing_field_family(ctx, name) for name in ctx.endpoint.required_fields]
    for name, type_name in ctx.endpoint.fields.items():
        families.append(_wrong_type_family(ctx, name, type_name, name in required))
        if type_name == "string":
            families += [_odd_string_family(ctx, name, variant) for variant in sv.ODD_STRINGS]
    return families


def _missing_field_family(ctx: Context, name: str) -> Family:
    mutation = ctx.mutation(f"missing {name}", "body", _drop_field(name), stops=True)
    return Family(f"missing {name}", f"field:{name}", st.just(mutation), stops_billing=True)


def _content_type(value: str | None) -> Change:
    def change(spec: RequestSpec) -> RequestSpec:
        headers = {k: v for k, v in spec.headers.items() if k.lower() != "content-type"}
        if value is not None:
            headers["Content-Type"] = value
        return replace(spec, headers=headers)

    return change


def _wrong_type_family(ctx: Context, name: str, type_name: str, required: bool) -> Family:
    """A value of another JSON type; null counts as wrong only where the field is required (an
    optional field set to null may fairly be read as absent). A certain defect only in a required
    or lookup field (the docs promise those refused); a provider may ignore or coerce a wrong-typed
    optional field, so there it is a soft defect, as in Schemathesis' cases (negative_cases.py)."""
    values = sv.wrong_json_values(type_name, with_null=required)
    certain = required or name in ctx.endpoint.lookup_fields
    mutations = values.map(
        lambda v: ctx.mutation(
            f"{name}: wrong type (not a {type_name})",
            "body",
            _set_field(name, v),
            certain=certain,
            stops=required,
        )
    )
    return Family(f"{name}: wrong type", f"field:{name}", mutations, stops_billing=required)


def _odd_string_family(ctx: Context, name: str, variant: str) -> Family:
    """Strings the docs do not forbid: the request may succeed, so these are soft defects —
    except in a lookup field (a model name: valid values are the provider's list), where an odd
    string is certainly not one of them."""
    closed = name in ctx.endpoint.lookup_fields
    location = "lookup" if closed else "body"
    mutations = sv.ODD_STRINGS[variant]().map(
        lambda v: ctx.mutation(
            f"{name}: {variant}", location, _set_field(name, v), certain=closed, stops=closed
        )
    )
    return Family(f"{name}: {variant}", f"field:{name}", mutations, stops_billing=closed)
