"""A small per-process cache: each value kept ``ttl`` seconds, at most ``max_entries`` (the
least recently stored go first), safe across threads. For what a worker may serve again for a
short while (a rendered page, counted figures) and must forget when it changes."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class TimedCache(Generic[Value]):
    # Hashable by identity, so a weak set can hold caches of several apps.
    __hash__ = object.__hash__

    def __init__(
        self, ttl: float, *, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl, self.max_entries, self.clock = ttl, max_entries, clock
        self._entries: OrderedDict[Hashable, tuple[float, Value]] = OrderedDict()
        self._lock = threading.Lock()

    def value(
        self,
        key: Hashable,
        compute: Callable[[], Value],
        *,
        keep: Callable[[], bool] = lambda: True,
    ) -> Value:
        """The value kept for ``key``, or ``compute()``'s, kept unless ``keep()`` says no."""
        now = self.clock()
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept[0] > now:
                return kept[1]
        value = compute()
        if keep():
            with self._lock:
                self._entries[key] = (now + self.ttl, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value

    def forget(self, matches: Callable[[Hashable], bool]) -> None:
        with self._lock:
            for key in [key for key in self._entries if matches(key)]:
                del self._entries[key]

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
