"""Root conftest: the Hypothesis profiles for the project's own tests.

The errcontract pytest plugin (loaded through its `pytest11` entry point) registers the same
profiles for the suites, so `pytest suites --provider vicsee --target URL ...` works from any
folder once installed. Hypothesis keeps its caches under the system's temporary folder, not in
the checkout: the tests write only under temporary paths.
"""

import os
import tempfile

from errcontract.run.profiles import load_profile

os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY",
    os.path.join(tempfile.gettempdir(), f"errcontract-hypothesis-{os.getuid()}"),
)
load_profile()
