"""Auth as real APIs send it, as contract data: a Bearer token, a bare key in a named header
(`x-api-key`), a key in the query string (`?key=`), HTTP Basic; constant request headers
(`anthropic-version`). Recipes and generated requests follow the scheme, the lint refuses an auth
block that cannot be sent, and the key stays redacted wherever it travels."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errcontract.client.curl import curl_command
from errcontract.client.keys import run_redactor
from errcontract.contract.lint import lint_path
from errcontract.contract.lint.gate import require_sound
from errcontract.contract.model import Contract, load_contract
from errcontract.contract.parts import Auth
from errcontract.core.errors import ContractError
from errcontract.core.redact import Redactor
from errcontract.requests.recipes import apply_defect, base_request
from errcontract.requests.strategies.families import Context, auth_families
from tests.faulty_servers import run_errcontract
from tests.helpers import edit

KEY = "sk-ant-PLANTED-0123456789abcdef"
BEARER = "auth:\n  header: Authorization\n  scheme: Bearer\n"


def contract_with(root: Path, auth_yaml: str, extra: str = "") -> Contract:
    """OpenAI's contract with another auth block (and top-level keys), loaded as a run would."""
    file = root / "openai" / "contract.yaml"
    edit(file, BEARER, extra + auth_yaml)
    return require_sound(load_contract(root / "openai"))


BARE = "auth:\n  header: x-api-key\n"
QUERY = "auth:\n  query: key\n"
BASIC = "auth:\n  header: Authorization\n  scheme: Basic\n"
VERSION = 'request_headers:\n  anthropic-version: {value: "2023-06-01", source: "apiref: versions"}\n'


def keyed_request(contract: Contract):  # type: ignore[no-untyped-def]
    return base_request(contract, contract.endpoints["list_models"], {"api_key": KEY}, set())


# -- where the key goes --------------------------------------------------------------------------
def test_bearer_key_goes_after_the_scheme() -> None:
    headers: dict[str, str] = {}
    Auth("Authorization", "Bearer").place(headers, {}, KEY)
    assert headers == {"Authorization": f"Bearer {KEY}"}


def test_bare_key_goes_alone_in_its_header_with_the_constant_headers(root: Path) -> None:
    spec = keyed_request(contract_with(root, BARE, VERSION))
    assert spec.headers == {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
    assert spec.query == {} and spec.key_fixture == "api_key"


def test_query_key_goes_in_the_query_and_no_header_carries_it(root: Path) -> None:
    spec = keyed_request(contract_with(root, QUERY))
    assert spec.query == {"key": KEY}
    assert KEY not in str(spec.headers)


def test_basic_key_is_user_colon_password_base64(root: Path) -> None:
    spec = keyed_request(contract_with(root, BASIC))
    assert spec.headers["Authorization"] == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    assert Auth("Authorization", "Basic").read(spec.headers["Authorization"]) == (True, KEY)


def test_an_endpoint_without_auth_still_carries_the_constant_headers(root: Path) -> None:
    contract = contract_with(root, BARE, VERSION)
    endpoint = contract.endpoints["list_models"]
    spec = base_request(contract, type(endpoint)(**{**endpoint.__dict__, "auth": False}), {}, set())
    assert spec.headers == {"anthropic-version": "2023-06-01"}


# -- recipes follow the scheme ---------------------------------------------------------------------
PATTERNED = BEARER + "  key_pattern: '^sk-'\n"


@pytest.mark.parametrize("auth", [BARE, QUERY, PATTERNED], ids=["bare", "query", "bearer"])
def test_missing_key_recipe_takes_the_key_out_wherever_it_travels(root: Path, auth: str) -> None:
    contract = contract_with(root, auth)
    spec = apply_defect(contract, keyed_request(contract), {"key": "missing"}, {"api_key": KEY}, set())
    assert KEY not in str(spec.headers) + str(spec.query)
    assert spec.key_fixture is None


def test_unknown_key_recipe_sends_a_made_up_key_in_the_documented_form(root: Path) -> None:
    contract = contract_with(root, QUERY)
    fixtures = {"api_key": KEY, "api_key:unknown": "sk-madeup-0000"}
    spec = apply_defect(contract, keyed_request(contract), {"key": "unknown"}, fixtures, set())
    assert spec.query == {"key": "sk-madeup-0000"}


def test_wrong_scheme_recipe_keeps_the_real_key_after_another_word(root: Path) -> None:
    contract = contract_with(root, PATTERNED)
    spec = apply_defect(contract, keyed_request(contract), {"key": "wrong_scheme"}, {"api_key": KEY}, set())
    assert spec.headers["Authorization"] == f"Token {KEY}"


def _lint_messages(root: Path) -> list[str]:
    return [p.message for p in lint_path(root / "openai")["openai"].problems]


def _with_recipe(root: Path, kind: str) -> None:
    recipe = "defect: {remove_header: Authorization}"
    edit(root / "openai" / "contract.yaml", recipe, f"defect: {{key: {kind}}}")


def test_a_bare_key_has_no_wrong_scheme_recipe(root: Path) -> None:
    edit(root / "openai" / "contract.yaml", BEARER, BARE)
    _with_recipe(root, "wrong_scheme")
    assert any("no scheme to get wrong" in m for m in _lint_messages(root))


def test_a_malformed_key_recipe_needs_a_key_format(root: Path) -> None:
    _with_recipe(root, "malformed")
    assert any("no key format" in m for m in _lint_messages(root))


# -- the lint refuses what cannot be sent -----------------------------------------------------------
@pytest.mark.parametrize(
    ("auth", "named"),
    [
        ('auth:\n  header: x-api-key\n  scheme: ""\n', "scheme '' cannot be sent"),
        ("auth:\n  header: Authorization\n  scheme: Bearer token\n", "cannot be sent"),
        ('auth:\n  header: "x api key"\n', "not a legal header name"),
        ('auth:\n  query: "a&b"\n', "not a query parameter name"),
    ],
)
def test_an_auth_block_that_cannot_be_sent_is_refused(root: Path, auth: str, named: str) -> None:
    edit(root / "openai" / "contract.yaml", BEARER, auth)
    assert any(named in m for m in _lint_messages(root)), _lint_messages(root)
    with pytest.raises(ContractError, match="errcontract lint"):
        require_sound(load_contract(root / "openai"))


def test_a_constant_header_with_an_illegal_value_is_refused(root: Path) -> None:
    bad = 'request_headers:\n  anthropic-version: {value: " 2023\\n", source: "x"}\n'
    edit(root / "openai" / "contract.yaml", BEARER, bad + BEARER)
    assert any("not a legal header value" in m for m in _lint_messages(root))


def test_both_a_header_and_a_query_key_is_refused_by_the_meta_schema(root: Path) -> None:
    edit(root / "openai" / "contract.yaml", BEARER, "auth:\n  header: x-api-key\n  query: key\n")
    assert _lint_messages(root)


# -- generated requests follow the scheme ----------------------------------------------------------
def _drawn(contract: Contract) -> list[str]:
    spec = keyed_request(contract)
    ctx = Context(contract, contract.endpoints["list_models"], spec, {"api_key": KEY})
    names: list[str] = []

    @settings(max_examples=60, database=None, derandomize=True)
    @given(st.one_of([f.mutations for f in auth_families(ctx)]))
    def draw(mutation):  # type: ignore[no-untyped-def]
        names.append(mutation.defect.name)

    draw()
    return names


def test_bare_header_generated_auth_has_no_scheme_shapes(root: Path) -> None:
    names = set(_drawn(contract_with(root, BARE)))
    assert "auth: missing credential" in names
    scheme_shapes = {
        "auth: scheme without key",
        "auth: extra whitespace",
        "auth: real key, scheme in other case",
    }
    assert not scheme_shapes & names


def test_query_generated_auth_changes_only_the_query(root: Path) -> None:
    contract = contract_with(root, QUERY)
    spec = keyed_request(contract)
    ctx = Context(contract, contract.endpoints["list_models"], spec, {"api_key": KEY})
    changed: list[tuple[dict[str, str], dict[str, str]]] = []

    @settings(max_examples=40, database=None, derandomize=True)
    @given(st.one_of([f.mutations for f in auth_families(ctx)]))
    def draw(mutation):  # type: ignore[no-untyped-def]
        after = mutation.change(spec)
        changed.append((after.headers, after.query))

    draw()
    assert all(headers == spec.headers for headers, _ in changed)
    assert any("key" not in query for _, query in changed)
    assert all(query.get("key") != KEY for _, query in changed)


# -- keys stay redacted wherever they travel ---------------------------------------------------------
def _reproducer(contract: Contract) -> str:
    redact = run_redactor(["api_key"], {"api_key": KEY}, "sk-")
    return curl_command(keyed_request(contract), "http://127.0.0.1:9", redact)


def test_a_query_key_is_a_variable_in_the_reproducer_url(root: Path) -> None:
    command = _reproducer(contract_with(root, QUERY))
    assert KEY not in command
    assert '"http://127.0.0.1:9/v1/models?key=$ERRCONTRACT_API_KEY"' in command


def test_a_bare_header_key_is_a_variable_in_the_reproducer(root: Path) -> None:
    command = _reproducer(contract_with(root, BARE, VERSION))
    assert '-H "x-api-key: $ERRCONTRACT_API_KEY"' in command
    assert "-H 'anthropic-version: 2023-06-01'" in command


def test_a_basic_key_is_sent_by_curl_u_from_its_variable(root: Path) -> None:
    command = _reproducer(contract_with(root, BASIC))
    encoded = base64.b64encode(f"{KEY}:".encode()).decode()
    assert KEY not in command and encoded not in command
    assert '-u "$ERRCONTRACT_API_KEY:"' in command


def test_the_base64_form_of_a_key_is_masked_in_prose() -> None:
    encoded = base64.b64encode(f"{KEY}:".encode()).decode()
    shown = Redactor([KEY])(f"Authorization: Basic {encoded}; url ?key={KEY}")
    assert encoded not in shown and KEY not in shown


def test_a_run_on_an_auth_block_that_cannot_be_sent_is_one_line_exit_2_nothing_written(
    root: Path, tmp_path: Path
) -> None:
    edit(root / "openai" / "contract.yaml", BEARER, 'auth:\n  header: x-api-key\n  scheme: ""\n')
    reports = tmp_path / "reports"
    target = ["--provider", "openai", "--target", "http://127.0.0.1:9", "--api-key", KEY]
    outcome = run_errcontract(target, reports, env={"ERRCONTRACT_CONTRACTS": str(root)})
    assert outcome.exit_code == 2
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1 and "scheme '' cannot be sent" in lines[0], outcome.stderr
    assert not reports.exists() and not list(tmp_path.glob("reports*"))
