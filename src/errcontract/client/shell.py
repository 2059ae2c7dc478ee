"""Shell words that paste and run as printed: no literal TAB or newline, keys as variables.

- plain printable text: single quotes (`shlex.quote`);
- text with control characters or bytes that are not UTF-8: ANSI-C quoting, `$'a\\tb'` (bash,
  zsh, ksh; a NUL cannot be an argument at all, see `printf_stdin`);
- text holding keys: one double-quoted word, `"Authorization: Bearer $ERRCONTRACT_API_KEY"`.
"""

from __future__ import annotations

import shlex
import string
from collections.abc import Sequence

from errcontract.core.redact import KeyVariable

C_ESCAPES = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x5C: "\\\\", 0x27: "\\'"}
DOUBLE_QUOTED_SPECIAL = '\\"$`'
PLAIN_BYTES = frozenset(string.printable.encode()) - frozenset(b"\t\n\r\x0b\x0c")
NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_")


def is_plain(text: str) -> bool:
    """Printable text (spaces allowed, no TAB, newline or other control character)."""
    return text.isprintable()


def ansi_c(data: bytes) -> str:
    """`$'...'`: every byte kept, control characters and non-UTF-8 bytes escaped."""
    text = data.decode("utf-8", "surrogateescape")
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code in C_ESCAPES:
            out.append(C_ESCAPES[code])
        elif char.isprintable():
            out.append(char)
        else:
            out += [f"\\x{byte:02x}" for byte in char.encode()]
    return "$'" + "".join(out) + "'"


def quote_text(text: str) -> str:
    return shlex.quote(text) if is_plain(text) else ansi_c(text.encode())


def quote_bytes(data: bytes) -> str:
    """One shell word for a request body (which may hold any byte but NUL)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ansi_c(data)
    return quote_text(text)


def printf_stdin(data: bytes) -> str:
    """`printf '...'`: writes exactly `data`, NUL included, for `| curl --data-binary @-`."""
    out = []
    for byte in data:
        if byte == 0x25:
            out.append("%%")
        elif byte == 0x5C:
            out.append("\\\\")
        elif byte == 0x27:
            out.append("'\\''")
        elif byte in PLAIN_BYTES:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03o}")
    return "printf '" + "".join(out) + "'"


def shell_word(parts: Sequence[str | KeyVariable]) -> str:
    """One word from literal pieces and key variables (see `Redactor.shell_parts`)."""
    literals = [p for p in parts if isinstance(p, str)]
    if len(literals) == len(parts):
        return quote_text("".join(literals))
    if all(is_plain(p) and "!" not in p for p in literals):
        return '"' + "".join(_double_quoted(parts, i) for i in range(len(parts))) + '"'
    return "".join(quote_text(p) if isinstance(p, str) else f'"${{{p.name}}}"' for p in parts)


def _double_quoted(parts: Sequence[str | KeyVariable], index: int) -> str:
    part = parts[index]
    if isinstance(part, str):
        return "".join("\\" + c if c in DOUBLE_QUOTED_SPECIAL else c for c in part)
    following = parts[index + 1] if index + 1 < len(parts) else ""
    glued = isinstance(following, str) and following[:1] in NAME_CHARS
    return f"${{{part.name}}}" if glued else f"${part.name}"


def variables_in(parts: Sequence[str | KeyVariable]) -> list[KeyVariable]:
    return [p for p in parts if isinstance(p, KeyVariable)]
