"""Hypothesis profiles (house style), chosen by HYPOTHESIS_PROFILE: `dev` (default), `ci`, `debug`.

Registered by the pytest plugin, so the suites get them wherever they run; the generation
budget itself is `--examples`, not the profile's max_examples.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Verbosity, settings

PROFILES: dict[str, dict[str, Any]] = {
    "dev": {"max_examples": 50, "deadline": None},
    "ci": {
        "max_examples": 100,
        "deadline": None,
        "derandomize": True,
        "database": None,
        "suppress_health_check": [HealthCheck.too_slow],
    },
    "debug": {"max_examples": 10, "deadline": None, "verbosity": Verbosity.verbose, "database": None},
}


def load_profile() -> str:
    """Register the profiles and load the one HYPOTHESIS_PROFILE names (dev when unset)."""
    for name, values in PROFILES.items():
        settings.register_profile(name, **values)
    chosen = os.environ.get("HYPOTHESIS_PROFILE", "dev")
    settings.load_profile(chosen if chosen in PROFILES else "dev")
    return chosen
