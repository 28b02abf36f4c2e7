"""What is read once from a segment of the index and kept for the next searches.

A Whoosh segment never changes once written (deleting an article only marks it deleted), so
anything derived from one segment stays true for as long as the segment exists: keys start
with the segment's id. The web server's threads share the caches, hence the lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class SegmentCache(Generic[Value]):
    """The values used last, up to `budget` in total `size` (1 per value by default)."""

    def __init__(self, budget: int, size: Callable[[Value], int] = lambda value: 1) -> None:
        self.budget = budget
        self.size = size
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()  # outside the lock: two threads may both make it, which is harmless
        with self._lock:
            if key not in self._values:
                self._values[key] = value
                self._used += self.size(value)
            while self._used > self.budget and len(self._values) > 1:
                self._used -= self.size(self._values.popitem(last=False)[1])
        return value
