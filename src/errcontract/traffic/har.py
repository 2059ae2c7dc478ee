"""HAR 1.2 (and 1.1) files, streamed: one entry in memory at a time, so a file of any size is read
in bounded memory (ijson's C parser walks `log.entries` without loading the document).

Browsers, mitmproxy, Playwright and Charles write HAR. An entry whose response has status 0 or
none (aborted, blocked, cancelled) is a request without an answer, with the recorder's reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any

import ijson

from errcontract.traffic.entry import (
    BadRecording,
    Entry,
    Recorded,
    Skipped,
    decoded_body,
    header_pairs,
    iso_time,
    text_bytes,
)

ENTRIES = "log.entries"


def find_entries(handle: IO[bytes], name: str) -> None:
    """Raise BadRecording unless the JSON document has `log.entries` (read up to it only)."""
    try:
        for prefix, event, _ in ijson.parse(handle):
            if prefix == ENTRIES and event == "start_array":
                return
    except ijson.JSONError as exc:
        raise BadRecording(f"{name}: not a HAR file ({_first_line(exc)})") from None
    raise BadRecording(f"{name}: not a HAR file (no log.entries)")


def read_har(handle: IO[bytes], name: str) -> Iterator[Entry]:
    """Each entry of the HAR, in file order; a file cut short raises BadRecording at the cut."""
    find_entries(handle, name)
    handle.seek(0)
    number = 0
    try:
        for raw in ijson.items(handle, f"{ENTRIES}.item", use_float=True):
            number += 1
            yield entry_of(raw, f"{name}:{number}")
    except ijson.JSONError as exc:
        raise BadRecording(
            f"{name}: cut short or not valid JSON after entry {number} ({_first_line(exc)}): "
            "export the HAR again"
        ) from None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]


def entry_of(raw: Any, where: str) -> Entry:
    """One HAR entry as a Recorded exchange, or Skipped when it has no request to judge."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("request"), Mapping):
        return Skipped(where, "not a HAR entry (no request object)")
    request = raw["request"]
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not isinstance(url, str) or not url:
        return Skipped(where, "request without a method or URL")
    post = request.get("postData")
    body = text_bytes(post.get("text"), post.get("encoding")) if isinstance(post, Mapping) else None
    started = iso_time(raw.get("startedDateTime"))
    response = raw.get("response")
    status = response.get("status") if isinstance(response, Mapping) else None
    common = (where, method.upper(), url, header_pairs(request.get("headers")), body)
    if not isinstance(response, Mapping) or not isinstance(status, int | float) or int(status) <= 0:
        why = _abort_reason(raw, response)
        return Recorded(*common, None, (), b"", started, aborted=why)
    headers = header_pairs(response.get("headers"))
    content = response.get("content")
    text = text_bytes(content.get("text"), content.get("encoding")) if isinstance(content, Mapping) else b""
    encoding = next((v for k, v in headers if k.lower() == "content-encoding"), None)
    decoded, truncated = decoded_body(text, encoding)
    return Recorded(*common, int(status), headers, decoded, started, truncated)


def _abort_reason(raw: Mapping[str, Any], response: object) -> str:
    """Why the recorder kept no answer (Chrome's `_error`, status 0, or no response at all)."""
    error = response.get("_error") if isinstance(response, Mapping) else None
    error = error or raw.get("_error")
    if isinstance(error, str) and error:
        return f"no response: {error}"
    if isinstance(response, Mapping):
        return "no response (status 0: aborted, blocked or cancelled before an answer)"
    return "no response recorded"
