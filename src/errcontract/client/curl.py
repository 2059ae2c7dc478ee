"""curl reproducers for recorded exchanges: they run as printed, and carry no key.

Keys are written as the variables the reader sets (`"Authorization: Bearer $ERRCONTRACT_API_KEY"`;
a key the run made up as `$ERRCONTRACT_UNKNOWN_API_KEY`, with a note saying what to set it to),
the target as given, and bodies shell-safe (`$'...'` when they hold control bytes, `printf ... |`
and `--data-binary @-` when they hold a NUL).
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from errcontract.client.shell import printf_stdin, quote_bytes, quote_text, shell_word, variables_in
from errcontract.core.exchange import RequestSpec
from errcontract.core.redact import KeyVariable, Redactor

MAX_INLINE_BODY = 2000


def curl_command(spec: RequestSpec, base_url: str, redact: Redactor) -> str:
    """A shell command that sends the same request."""
    url = base_url.rstrip("/") + spec.path
    if spec.query:
        url += "?" + urlencode(spec.query)
    used: list[KeyVariable] = []

    def word(text: str) -> str:
        parts = redact.shell_parts(text)
        used.extend(variables_in(parts))
        return shell_word(parts)

    parts = ["curl", "-sS", "-i", "-X", spec.method, word(url)]
    for name, value in spec.headers.items():
        if spec.upload and name.lower() == "content-type":
            continue
        pair = _basic_pair(name, value)
        if pair is not None and any(isinstance(p, KeyVariable) for p in redact.shell_parts(pair)):
            parts += ["-u", word(pair)]  # curl sends `-u user:password` as this very header
            continue
        parts += ["-H", word(f"{name}: {value}")]
    stdin, body_args, notes = _body(spec, redact)
    if body_args and not spec.upload and not any(n.lower() == "content-type" for n in spec.headers):
        parts += ["-H", "'Content-Type:'"]  # curl would add a form Content-Type the request lacked
    command = " ".join(parts + body_args)
    if stdin:
        command = f"{stdin} | {command}"
    notes += [f"{v.name}: {v.note}" for v in dict.fromkeys(used) if v.note]
    return command + (f"  # {'; '.join(notes)}" if notes else "")


def _basic_pair(name: str, value: str) -> str | None:
    """The `user:password` an `Authorization: Basic <base64>` header carries (None: another header)."""
    scheme, _, token = value.partition(" ")
    if name.lower() != "authorization" or scheme.lower() != "basic":
        return None
    try:
        pair = base64.b64decode(token.strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return pair if ":" in pair and base64.b64encode(pair.encode()).decode() == token.strip() else None


def _body(spec: RequestSpec, redact: Redactor) -> tuple[str | None, list[str], list[str]]:
    """(what to pipe in, curl's body arguments, notes) for the request's body."""
    if spec.upload is not None:
        up = spec.upload
        form = quote_text(f"{up.field}=@{up.filename};type={up.content_type}")
        return None, ["-F", form], [f"{up.filename}: any file of {up.size} bytes"]
    body = spec.body_bytes()
    if body is None:
        return None, [], []
    notes = []
    if len(body) > MAX_INLINE_BODY:
        body = body[:MAX_INLINE_BODY]
        notes.append(f"body cut at {MAX_INLINE_BODY} bytes")
    body = redact.bytes(body)
    if b"\0" in body:
        return printf_stdin(body), ["--data-binary", "@-"], notes
    return None, ["--data-binary", quote_bytes(body)], notes
