"""Rules on how requests are sent: an auth block and constant headers that can go on the wire, and
key recipes that fit the auth block (a bare key has no scheme to get wrong).

A header name is an RFC 9110 token; a value is visible ASCII with inner spaces (what HTTP/1.1
clients put on the wire). `scheme: ""` would send `Authorization:  KEY` with a leading space, which
no client sends: a bare key is written by leaving `scheme` out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from errcontract.contract.lint.problem import Problem, in_contract
from errcontract.contract.lint.rules import rule
from errcontract.contract.model import Contract
from errcontract.contract.parts import MALFORMED_KEY

TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 5.6.2
FIELD_VALUE = re.compile(r"[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?")  # RFC 9110 5.5, ASCII only


@rule
def auth_can_be_sent(contract: Contract) -> Iterator[Problem]:
    """The auth block names a legal header (and scheme word), or a query parameter."""
    auth, raw = contract.auth, contract.document["auth"]
    if not auth.query and not TOKEN.fullmatch(auth.header):
        yield in_contract(contract, ["auth", "header"], f"{auth.header!r} is not a legal header name")
    if "scheme" in raw and not TOKEN.fullmatch(auth.scheme):
        message = (
            f"scheme {auth.scheme!r} cannot be sent (it would put {auth.scheme + ' KEY'!r} in "
            f"{auth.header}): use one word such as Bearer, or leave scheme out for a bare key"
        )
        yield in_contract(contract, ["auth", "scheme"], message)
    if auth.query and any(c in auth.query for c in "&=#? "):
        yield in_contract(contract, ["auth", "query"], f"{auth.query!r} is not a query parameter name")


@rule
def request_headers_can_be_sent(contract: Contract) -> Iterator[Problem]:
    """Each constant header is a legal name and value, and not the auth header."""
    for header in contract.request_headers:
        where = ["request_headers", header.name]
        if not TOKEN.fullmatch(header.name):
            yield in_contract(contract, where, f"{header.name!r} is not a legal header name")
        if not FIELD_VALUE.fullmatch(header.value):
            yield in_contract(contract, [*where, "value"], f"{header.value!r} is not a legal header value")
        if not contract.auth.query and header.name.lower() == contract.auth.header.lower():
            yield in_contract(contract, where, f"{header.name} carries the key: it is the auth block's")


@rule
def key_recipes_fit_the_auth(contract: Contract) -> Iterator[Problem]:
    """`key: wrong_scheme` needs a scheme; `key: malformed` a key_pattern its key breaks."""
    auth = contract.auth
    for name, code in contract.codes.items():
        kind = code.recipe.defect.get("key") if code.recipe is not None else None
        where, subject = ["codes", name, "provoke", "defect", "key"], ("code", name)
        if kind == "wrong_scheme" and (auth.query or not auth.scheme):
            message = f"the key is sent bare in the {auth.where}: there is no scheme to get wrong"
            yield in_contract(contract, where, message, subject)
        if kind == "malformed" and (not auth.key_pattern or re.search(auth.key_pattern, MALFORMED_KEY)):
            message = "the docs give no key format (key_pattern) that a malformed key breaks"
            yield in_contract(contract, where, message, subject)
