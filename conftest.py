"""Root conftest: Hypothesis profiles (house style: picked by HYPOTHESIS_PROFILE).

The errcontract pytest plugin itself is loaded through its `pytest11` entry point, so
`pytest suites --provider vicsee --target URL ...` works from any folder once installed.
"""

import os

from hypothesis import HealthCheck, Verbosity, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("debug", max_examples=10, deadline=None, verbosity=Verbosity.verbose, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
