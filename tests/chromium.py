"""The browser the tests drive: Debian's Chromium (playwright's own download is neither used nor
possible offline), and the arguments it is started with headless."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("ERRCONTRACT_CHROMIUM") or "/usr/bin/chromium")  # where another lives
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
