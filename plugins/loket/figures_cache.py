"""The monitoring figures, kept per municipality and day for a minute (issue 18).

Counting them takes some twenty GROUP BY statements over every request of the municipality:
more than a page's whole budget, for figures staff look at again and again. So each process
keeps the last count per municipality for :data:`TTL_SECONDS`, and never serves it after a
change of its own: any write to the loket's tables through a session of this process (a flush,
or a bulk UPDATE/DELETE) forgets that municipality's figures at once. A change made by another
worker shows once its minute is over; the page says when it was counted.

Each app keeps its own cache (``app.extensions``): two apps in one process (tests, a second
database) never share figures, even for equal tenant ids. The figures are shared between
requests: they are read, never changed, after counting.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

TTL_SECONDS = 60.0
MAX_ENTRIES = 1024
LOKET_MODULE = "plugins.loket."


@dataclass(frozen=True)
class Counted:
    figures: Any
    at: datetime  # when they were counted, UTC


class FiguresCache:
    """``(tenant, day) → Counted`` for ``ttl`` seconds, the oldest dropped past ``max_entries``."""

    # Hashable by identity: the module's weak set holds every app's cache.
    __hash__ = object.__hash__

    def __init__(
        self,
        *,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self.ttl, self.clock, self.max_entries = ttl, clock, max_entries
        self._entries: OrderedDict[tuple[uuid.UUID, date], tuple[float, Counted]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tenant_id: uuid.UUID, today: date, count: Callable[[], Any]) -> Counted:
        key = (tenant_id, today)
        now = self.clock()
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept[0] > now:
                return kept[1]
        counted = Counted(count(), datetime.now(UTC))
        with self._lock:
            self._entries[key] = (now + self.ttl, counted)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return counted

    def forget(self, tenant_id: uuid.UUID | None) -> None:
        """Forget ``tenant_id``'s figures; ``None`` (a write across tenants) forgets all."""
        with self._lock:
            for key in [key for key in self._entries if tenant_id is None or key[0] == tenant_id]:
                del self._entries[key]

    def cached(self, tenant_id: uuid.UUID) -> int:
        with self._lock:
            return sum(1 for key in self._entries if key[0] == tenant_id)

    def __len__(self) -> int:
        return len(self._entries)


EXTENSION = "loket.figures_cache"
_CACHES: weakref.WeakSet[FiguresCache] = weakref.WeakSet()


def cache_of(app) -> FiguresCache:
    cache = app.extensions.get(EXTENSION)
    if cache is None:
        cache = app.extensions[EXTENSION] = FiguresCache()
        _CACHES.add(cache)
    return cache


def _forget(tenant_id: uuid.UUID | None) -> None:
    for cache in list(_CACHES):
        cache.forget(tenant_id)


def _is_loket_row(instance: object) -> bool:
    return type(instance).__module__.startswith(LOKET_MODULE)


def _forget_after_flush(session: Session, flush_context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(_is_loket_row(instance) for instance in changed):
        _forget(session.info.get("tenant_id"))


def _forget_after_bulk_write(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_.__module__.startswith(LOKET_MODULE):
        _forget(state.session.info.get("tenant_id"))


def forget_on_write() -> None:
    """Listen to every ORM session of the process (idempotent)."""
    if not sa.event.contains(Session, "after_flush", _forget_after_flush):
        sa.event.listen(Session, "after_flush", _forget_after_flush)
        sa.event.listen(Session, "do_orm_execute", _forget_after_bulk_write)
