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

import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.timed_cache import TimedCache

TTL_SECONDS = 60.0
MAX_ENTRIES = 1024
LOKET_MODULE = "plugins.loket."


@dataclass(frozen=True)
class Counted:
    figures: Any
    at: datetime  # when they were counted, UTC


class FiguresCache(TimedCache[Counted]):
    """``(tenant, day) → Counted`` for ``ttl`` seconds, the oldest dropped past ``max_entries``."""

    def __init__(
        self,
        *,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        super().__init__(ttl, max_entries=max_entries, clock=clock)

    def get(self, tenant_id: uuid.UUID, today: date, count: Callable[[], Any]) -> Counted:
        return self.value((tenant_id, today), lambda: Counted(count(), datetime.now(UTC)))

    def forget_tenant(self, tenant_id: uuid.UUID | None) -> None:
        """Forget ``tenant_id``'s figures; ``None`` (a write across tenants) forgets all."""
        self.forget(lambda key: tenant_id is None or key[0] == tenant_id)

    def cached(self, tenant_id: uuid.UUID) -> int:
        return sum(1 for key in self.keys() if key[0] == tenant_id)


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
        cache.forget_tenant(tenant_id)


def _is_loket_model(cls: type) -> bool:
    return cls.__module__.startswith(LOKET_MODULE)


def _forget_after_flush(session: Session, flush_context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(_is_loket_model(type(instance)) for instance in changed):
        _forget(session.info.get("tenant_id"))


def _forget_after_bulk_write(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and _is_loket_model(mapper.class_):
        _forget(state.session.info.get("tenant_id"))


def forget_on_write() -> None:
    """Listen to every ORM session of the process (idempotent)."""
    if not sa.event.contains(Session, "after_flush", _forget_after_flush):
        sa.event.listen(Session, "after_flush", _forget_after_flush)
        sa.event.listen(Session, "do_orm_execute", _forget_after_bulk_write)
