"""A small per-process memory that keeps the most recently used values and forgets the oldest."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentlyUsed(Generic[K, V]):
    """At most `size` values by key; storing one more forgets the least recently read or stored.

    Safe from several threads (each read or store holds a lock for a dictionary operation only): two
    threads missing the same key both compute its value, and the second one stored is kept.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a memory of recently used values keeps one at least")
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The value kept for `key`, now the most recently used, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        """Keep `value` for `key` as the most recently used, forgetting the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
