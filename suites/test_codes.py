"""One test per documented (status, code): provoke it with its one-defect recipe, then judge
status, JSON content type, envelope, code, message, per-code fields and rate-limit headers.

The verdict is `provoke`'s value (every code's requests sent side by side, `verdict_for`); this
test only turns it into pass, skip or fail. Test ids are
provider/status/code, so `-k vicsee/401` selects a provider's 401s.
"""

from __future__ import annotations

import pytest

from errcontract.run.code_tests import as_pytest_outcome, verdict_for
from errcontract.run.plugin import CODE_KEY, EVIDENCE_KEY
from errcontract.run.session import RunRegistry


def test_documented_code(
    errcontract_runs: RunRegistry, documented_code: tuple[str, str], request: pytest.FixtureRequest
) -> None:
    provider, code = documented_code
    result = verdict_for(errcontract_runs.get(provider), code)
    request.node.stash[CODE_KEY] = code
    request.node.stash[EVIDENCE_KEY] = list(result.evidence)
    as_pytest_outcome(result)
