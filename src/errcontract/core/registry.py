"""One registry shape for every kind of rule: checks, sequence checks, refund rules, drifts.

A rule is registered once, under its function's name (or a name given once), with the promise a
user reads beside it as data (not its docstring, which is for the code's reader). A second rule
under a taken name is refused at import. A registry reads as a mapping from name to rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Fn = TypeVar("Fn", bound=Callable[..., Any])


class Registry(Mapping[str, T], Generic[T]):
    """Rules of one kind by name, each with the promise it guards."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "check", "sequence check", "drift", ...: how a refusal names it
        self._rules: dict[str, T] = {}
        self._promises: dict[str, str] = {}

    def add(self, name: str, rule: T, promise: str) -> None:
        """Register `rule` as `name`; a name already taken is refused."""
        if name in self._rules:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        self._rules[name] = rule
        self._promises[name] = promise

    def promise(self, name: str) -> str:
        """The promise the rule guards, as users read it (the name itself for an unknown rule)."""
        return self._promises.get(name, name)

    def __getitem__(self, name: str) -> T:
        return self._rules[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)


def function_rule(registry: Registry[Fn], promise: str, name: str | None = None) -> Callable[[Fn], Fn]:
    """A decorator registering a function as a rule: under its own name unless one is given."""

    def register(fn: Fn) -> Fn:
        registry.add(name or fn.__name__, fn, promise)
        return fn

    return register
