"""curl reproducers for recorded exchanges, with every key redacted."""

from __future__ import annotations

import shlex
from urllib.parse import urlencode

from errcontract.exchange import RequestSpec
from errcontract.redact import Redactor

MAX_INLINE_BODY = 2000


def curl_command(spec: RequestSpec, base_url: str, redact: Redactor) -> str:
    """A shell command that sends the same request (keys masked: put your own back in)."""
    url = base_url.rstrip("/") + spec.path
    if spec.query:
        url += "?" + urlencode(spec.query)
    parts = ["curl", "-sS", "-i", "-X", spec.method, shlex.quote(redact(url))]
    for name, value in spec.headers.items():
        if spec.upload and name.lower() == "content-type":
            continue
        parts += ["-H", shlex.quote(redact(f"{name}: {value}"))]
    parts += _body_args(spec, redact)
    return " ".join(parts)


def _body_args(spec: RequestSpec, redact: Redactor) -> list[str]:
    if spec.upload is not None:
        up = spec.upload
        note = f"{up.filename} ({up.size} bytes)"
        return ["-F", shlex.quote(f"{up.field}=@{up.filename};type={up.content_type}"), f"# {note}"]
    body = spec.body_bytes()
    if body is None:
        return []
    text = body.decode("utf-8", "replace")
    if len(text) > MAX_INLINE_BODY:
        text = text[:MAX_INLINE_BODY]
        return ["--data-binary", shlex.quote(redact(text)), f"# body cut at {MAX_INLINE_BODY} characters"]
    return ["--data-binary", shlex.quote(redact(text))]
