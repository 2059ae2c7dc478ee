"""errcontract's own exchange format: JSON Lines, one exchange a line (docs/judging-traffic.md).

    {"time": "2026-12-06T17:00:00Z", "method": "POST", "url": "https://api.example.com/v1/x",
     "request": {"headers": {"content-type": "application/json"}, "body": "{...}"},
     "response": {"status": 400, "headers": {...}, "body": "{...}"}}

`time` is ISO 8601 or epoch seconds (optional); headers a map (name to value or list of values)
or a list of [name, value] pairs; a body is `body` (text) or `body_base64`; `response` null (or
absent) with `error` saying why there was no answer. Blank lines are ignored; a line that is not
such an object is counted and named, never judged.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from errcontract.traffic.entry import Entry, Headers, Recorded, Skipped, decoded_body, iso_time


def _headers(raw: object) -> Headers:
    if isinstance(raw, Mapping):
        pairs = [(k, v) for k, vs in raw.items() for v in (vs if isinstance(vs, list) else [vs])]
        return tuple((str(k), str(v)) for k, v in pairs if v is not None)
    if isinstance(raw, list):
        return tuple((str(p[0]), str(p[1])) for p in raw if isinstance(p, list | tuple) and len(p) == 2)
    return ()


def _body(part: Mapping[str, Any]) -> bytes | None:
    if isinstance(part.get("body_base64"), str):
        try:
            return base64.b64decode(part["body_base64"])
        except (binascii.Error, ValueError):
            return None
    body = part.get("body")
    if body is None:
        return None
    return body.encode("utf-8", "surrogatepass") if isinstance(body, str) else json.dumps(body).encode()


def read_jsonl(handle: IO[bytes], name: str) -> Iterator[Entry]:
    """Each line's exchange, in file order (blank lines skipped, not counted)."""
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            raw = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            yield Skipped(where, "line is not JSON")
            continue
        yield exchange_of(raw, where)


def exchange_of(raw: Any, where: str) -> Entry:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("url"), str):
        return Skipped(where, "not an exchange (no url)")
    given = raw.get("request")
    request: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    method = str(raw.get("method") or "GET").upper()
    common = (where, method, raw["url"], _headers(request.get("headers")), _body(request))
    started = iso_time(raw.get("time"))
    response = raw.get("response")
    if not isinstance(response, Mapping):
        why = raw.get("error")
        reason = f"no response: {why}" if isinstance(why, str) and why else "no response recorded"
        return Recorded(*common, None, (), b"", started, aborted=reason)
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return Skipped(where, "response without a status between 100 and 599")
    headers = _headers(response.get("headers"))
    encoding = next((v for k, v in headers if k.lower() == "content-encoding"), None)
    body, truncated = decoded_body(_body(response) or b"", encoding)
    return Recorded(*common, status, headers, body, started, truncated)
