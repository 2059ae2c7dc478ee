"""Writing report files: atomically, and with every known secret scrubbed (defence in depth).

The runner already redacts keys before results.json is written; scrubbing the rendered text again
means a key that slipped into a message or an evidence excerpt still never reaches a file.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from errcontract.core.redact import Redactor

PUBLISHED_MODE = 0o644  # reports are published (Pages, artifacts): mkstemp's 0600 would hide them


def scrubber(secrets: Sequence[str]) -> Redactor:
    """A Redactor for the secrets as given and as they look once HTML- or XML-escaped."""
    escaped = [html.escape(s, quote=True) for s in secrets if s]
    return Redactor([*secrets, *escaped])


def write_atomic(path: Path, text: str, secrets: Sequence[str] = ()) -> Path:
    """Write `text` (secrets scrubbed) to `path` through a temp file in the same folder.

    os.replace is atomic within one filesystem, so a reader sees the old file or the new one,
    never half of one, and a failed render leaves nothing behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = scrubber(secrets)(text)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(clean)
        os.chmod(temp_name, PUBLISHED_MODE)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path
