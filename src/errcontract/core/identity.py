"""Values kept beside live objects, by identity.

For objects that cannot be dictionary keys (a frozen dataclass holding dicts, a third-party
config that defines `__eq__`): an entry lives as long as its object and goes when the object is
collected, so nothing is kept alive by the cache and a reused `id()` never finds a stale value.
A value must not hold its object (the entry would then keep it alive).
"""

from __future__ import annotations

import weakref
from typing import Generic, TypeVar

__all__ = ["ByIdentity"]

V = TypeVar("V")


class ByIdentity(Generic[V]):
    def __init__(self) -> None:
        self._values: dict[int, V] = {}

    def get(self, obj: object) -> V | None:
        return self._values.get(id(obj))

    def set(self, obj: object, value: V) -> V:
        key = id(obj)
        if key not in self._values:
            weakref.finalize(obj, self._values.pop, key, None)
        self._values[key] = value
        return value

    def __len__(self) -> int:
        return len(self._values)
