"""Request bodies, read defensively: bounded JSON, typed fields, streamed multipart uploads.

Fuzzers send anything; every malformed input becomes a MockError (a documented 4xx), never an
exception. Bodies are read in chunks and never buffered far past their limit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from errcontract.mock.respond import MockError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_limited(request: Request, limit: int) -> tuple[bytes, bool]:
    """The body up to `limit` bytes, and whether it was longer (the rest is drained, not kept)."""
    chunks: list[bytes] = []
    size = 0
    too_long = False
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_long = True
            continue
        chunks.append(chunk)
    return b"".join(chunks), too_long


async def read_json(request: Request, limit: int) -> Any:
    """The parsed JSON body; MockError('invalid_body') for anything that is not JSON."""
    body, too_long = await read_limited(request, limit)
    kind = media_type(request)
    if too_long or not (kind == "application/json" or kind.endswith("+json")):
        raise MockError("invalid_body", detail="Request body must be JSON (application/json)")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise MockError("invalid_body", detail="Invalid JSON body") from None


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise MockError("invalid_body", detail="Request body must be a JSON object")
    return body


def is_type(value: Any, type_name: str) -> bool:
    expected = FIELD_TYPES.get(type_name, (object,))
    return isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected)


def check_fields(body: dict[str, Any], required: tuple[str, ...] | list[str], types: dict[str, str]) -> None:
    """Required fields present and non-empty; documented fields of the documented type."""
    for name in required:
        if body.get(name) in (None, "", {}, []):
            raise MockError(
                "missing_field",
                field=name,
                detail=f"Missing required field: {name} ({types.get(name, 'string')})",
            )
    for name, type_name in types.items():
        if name in body and not is_type(body[name], type_name):
            raise MockError(
                "invalid_field", field=name, detail=f"Invalid field: {name} must be a {type_name}"
            )


def is_url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_urls(body: dict[str, Any], names: list[str]) -> None:
    for name in names:
        if name in body and not is_url(body[name]):
            raise MockError("invalid_url", field=name, detail=f"Invalid URL: {name}")


@dataclass
class UploadedFile:
    field: str
    filename: str
    content_type: str
    size: int


class _PartCollector:
    """python-multipart callbacks that keep each part's headers and size, never its bytes."""

    def __init__(self) -> None:
        self.parts: list[UploadedFile] = []
        self._header_name = b""
        self._headers: dict[bytes, bytes] = {}

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._field,
            "on_header_value": self._value,
            "on_header_end": lambda: None,
            "on_part_data": self._data,
        }

    def _begin(self) -> None:
        self._headers = {}
        self.parts.append(UploadedFile("", "", "", 0))

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._header_name = data[start:end].lower()

    def _value(self, data: bytes, start: int, end: int) -> None:
        value = data[start:end]
        self._headers[self._header_name] = value
        part = self.parts[-1]
        if self._header_name == b"content-disposition":
            _, options = parse_options_header(value)
            part.field = options.get(b"name", b"").decode("latin-1")
            part.filename = options.get(b"filename", b"").decode("latin-1")
        elif self._header_name == b"content-type":
            part.content_type = value.decode("latin-1").split(";")[0].strip().lower()

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.parts:
            self.parts[-1].size += end - start


async def read_upload(request: Request, field_name: str) -> UploadedFile:
    """The named file part of a multipart body, measured while streaming."""
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise MockError("file_missing", detail="No file provided")
    collector = _PartCollector()
    parser = MultipartParser(boundary, collector.callbacks())
    malformed = False
    async for chunk in request.stream():  # drained to the end even once malformed
        malformed = malformed or not _feed(parser, chunk)
    if malformed or not _feed(parser, None):
        raise MockError("file_missing", detail="Malformed multipart body")
    for part in collector.parts:
        if part.field == field_name and part.filename:
            return part
    raise MockError("file_missing", detail="No file provided")


def _feed(parser: MultipartParser, chunk: bytes | None) -> bool:
    """Write a chunk (None: finish); False when python-multipart rejects the body."""
    try:
        if chunk is None:
            parser.finalize()
        else:
            parser.write(chunk)
    except Exception:  # python-multipart raises several error types on malformed bodies
        return False
    return True
