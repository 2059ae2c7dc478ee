"""One test per documented (status, code): provoke it with its one-defect recipe, then judge
status, JSON content type, envelope, code, message, per-code fields and rate-limit headers.

Test ids are provider/status/code, so `-k vicsee/401` selects a provider's 401s.
"""

from __future__ import annotations

import pytest

from errcontract.code_tests import check_documented_code
from errcontract.session import RunRegistry


def test_documented_code(
    errcontract_runs: RunRegistry, documented_code: tuple[str, str], request: pytest.FixtureRequest
) -> None:
    provider, code = documented_code
    check_documented_code(errcontract_runs.get(provider), code, request.node)
