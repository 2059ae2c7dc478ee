"""A case that "may also" come with other statuses of a class (Anthropic's invalid_request_error:
"We may also use this error type for other 4XX status codes not listed below"), on recorded
exchanges: such a status is documented for that case only; the table's own statuses keep theirs."""

from __future__ import annotations

import pytest

from errcontract.contract.model import load_provider
from errcontract.judge.checks import Oracle, run_checks
from tests.helpers import JSON, exchange, spec_for

ANTHROPIC = load_provider("anthropic")
ORACLE = Oracle(ANTHROPIC)
CHECKS = ["status_documented", "code_documented"]


def body(error_type: str) -> dict[str, object]:
    return {"type": "error", "error": {"type": error_type, "message": "m"}, "request_id": "req_1"}


def findings(status: int, error_type: str) -> set[str]:
    spec = spec_for(ANTHROPIC, "create_message", defect_codes=("invalid_request_error",))
    return {
        v.check for v in run_checks(exchange(spec, status, body(error_type), JSON), ORACLE, CHECKS).violations
    }


@pytest.mark.parametrize("status", [405, 409, 415, 422])
def test_a_4xx_the_table_does_not_list_is_documented_for_the_case_that_may_come_with_it(status: int) -> None:
    assert findings(status, "invalid_request_error") == set()
    assert ANTHROPIC.code_allows("invalid_request_error", status)


def test_another_type_at_such_a_status_is_undocumented() -> None:
    assert findings(405, "not_found_error") == {"code_documented"}


def test_a_status_the_table_lists_keeps_its_own_case() -> None:
    assert findings(401, "invalid_request_error") == {"code_documented"}
    assert not ANTHROPIC.code_allows("invalid_request_error", 401)


def test_a_5xx_is_not_in_a_4xx_class() -> None:
    assert findings(503, "invalid_request_error") == {"status_documented"}
