"""JSON pointers (RFC 6901): the one implementation every layer uses.

A pointer is `""` (the whole document) or `/`-separated reference tokens, each with `~1` for `/`
and `~0` for `~`. `get` never raises: a step that is not there gives `NO_JSON`. `set` creates
objects on the way; `pop` removes the value if it is there.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


class _NoJson:
    """The sentinel for 'no JSON here': one instance, kept one across pickling (processes)."""

    _instance: _NoJson | None = None

    def __new__(cls) -> _NoJson:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __reduce__(self) -> tuple[type, tuple[()]]:
        return (_NoJson, ())

    def __repr__(self) -> str:
        return "NO_JSON"


NO_JSON: Any = _NoJson()


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def tokens(pointer: str) -> list[str]:
    """The unescaped reference tokens of a pointer (`/a~1b/0` -> ['a/b', '0']; '' -> [])."""
    return list(_parsed(pointer))


@lru_cache(maxsize=4096)
def _parsed(pointer: str) -> tuple[str, ...]:
    """A pointer's tokens, parsed once (a contract has a few pointers, read on every response)."""
    if not pointer:
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return tuple(unescape(token) for token in pointer[1:].split("/"))


def join(parts: list[str]) -> str:
    """The pointer to a path of keys (escaped)."""
    return "".join("/" + escape(str(part)) for part in parts)


def _step(current: Any, token: str) -> Any:
    if isinstance(current, dict) and token in current:
        return current[token]
    if isinstance(current, list) and token.isdigit() and int(token) < len(current):
        return current[int(token)]
    return NO_JSON


def get(document: Any, pointer: str) -> Any:
    """The value at `pointer`, or NO_JSON when any step is missing."""
    current = document
    for token in _parsed(pointer):
        current = _step(current, token)
        if current is NO_JSON:
            return NO_JSON
    return current


WILDCARD = "*"  # in a pointer a contract writes: every item of an array (or value of an object)


def get_all(document: Any, pointer: str) -> list[Any]:
    """Every value at `pointer`, where a `*` token stands for each item of an array (or each value
    of an object): `/errors/*/status` is each error object's status. Missing steps give nothing."""
    found = [document]
    for token in _parsed(pointer):
        step: list[Any] = []
        for current in found:
            if token == WILDCARD and isinstance(current, list | dict):
                step.extend(current if isinstance(current, list) else current.values())
            elif (value := _step(current, token)) is not NO_JSON:
                step.append(value)
        found = step
    return found


def set(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Write `value` at `pointer`, creating objects on the way."""
    parts = tokens(pointer)
    if not parts:
        raise ValueError("cannot replace the whole document")
    current = document
    for token in parts[:-1]:
        current = current.setdefault(token, {})
    current[parts[-1]] = value


def pop(document: Any, pointer: str) -> None:
    """Remove the value at `pointer` from its object, if there is one."""
    parts = tokens(pointer)
    current = document
    for token in parts[:-1]:
        current = current.get(token) if isinstance(current, dict) else None
    if parts and isinstance(current, dict):
        current.pop(parts[-1], None)
