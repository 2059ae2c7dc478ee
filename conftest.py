"""Root conftest: the Hypothesis profiles for the project's own tests.

The errcontract pytest plugin (loaded through its `pytest11` entry point) registers the same
profiles for the suites, so `pytest suites --provider vicsee --target URL ...` works from any
folder once installed.
"""

from errcontract.profiles import load_profile

load_profile()
