"""How a fixture is named on the command line: `api_key_revoked` is `--api-key-revoked`.

In core so that a verdict's reason (judge) and the option table (run) spell it the same way.
"""

from __future__ import annotations


def fixture_flag(name: str) -> str:
    return "--" + name.replace("_", "-")
