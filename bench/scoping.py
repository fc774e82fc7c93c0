"""The cost of automatic tenant scoping: the same ORM query, scoped by the session or by hand.

Scoped: a :class:`core.db.TenantSession` from :class:`core.db.Database`, whose ``do_orm_execute``
hook adds ``with_loader_criteria`` (and whose other hooks run as they would in a request).
Baseline: a plain ``sqlmodel.Session`` on the same engine, no scoping events, with an explicit
``.where(BenchItem.tenant_id == tenant_id)``. Both produce the same SQL and use the same index;
the difference is what the scoping machinery costs in Python.

Each query gets a fresh session, as each request does. Time is this process's CPU time: the
query is CPU-bound (SQLite runs in-process on a cached page set), and CPU time does not count the
moments other processes on a busy machine hold the core. Short rounds interleave the variants
(alternating which runs first); the figures are the medians of the rounds, and the overhead is
the median of the per-round ratios, so a slow stretch changes both sides of a ratio alike.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from bench import Figure
from bench.data import Dataset
from bench.plugin import NEWEST_COUNT, BenchItem, newest_items_query
from core.db import Database

ROUNDS = 40
QUERIES_PER_ROUND = 100
WARMUP_QUERIES = 200  # fills SQLAlchemy's statement and lambda caches and SQLite's page cache


def run(dataset: Dataset) -> list[Figure]:
    database = Database(dataset.database_url)
    plain_sessions = sessionmaker(database.engine, class_=Session, expire_on_commit=False)
    tenant_id = dataset.tenant_ids[dataset.slugs[0]]

    def scoped() -> list[BenchItem]:
        with database.session(tenant_id) as session:
            return session.exec(newest_items_query()).all()

    def unscoped() -> list[BenchItem]:
        with plain_sessions() as session:
            statement = newest_items_query().where(BenchItem.tenant_id == tenant_id)
            return session.exec(statement).all()

    try:
        _check_same_rows(scoped(), unscoped(), tenant_id)
        for query in (scoped, unscoped):
            _time_queries(query, WARMUP_QUERIES)
        scoped_rounds: list[float] = []
        unscoped_rounds: list[float] = []
        for number in range(ROUNDS):
            pairs = [(scoped, scoped_rounds), (unscoped, unscoped_rounds)]
            for query, rounds in pairs if number % 2 == 0 else reversed(pairs):
                rounds.append(_time_queries(query, QUERIES_PER_ROUND))
    finally:
        database.engine.dispose()
    ratio = statistics.median(s / u for s, u in zip(scoped_rounds, unscoped_rounds, strict=True))
    return [
        Figure("scoped_query", statistics.median(scoped_rounds), "µs/query"),
        Figure("unscoped_query", statistics.median(unscoped_rounds), "µs/query"),
        Figure("scoping_overhead", 100 * (ratio - 1), "%"),
    ]


def _time_queries(query: Callable[[], list[BenchItem]], count: int) -> float:
    """CPU microseconds per query over ``count`` queries."""
    started = time.process_time()
    for _ in range(count):
        query()
    return (time.process_time() - started) / count * 1e6


def _check_same_rows(
    scoped: list[BenchItem], unscoped: list[BenchItem], tenant_id: uuid.UUID
) -> None:
    """Both variants must answer the same rows, or the comparison means nothing."""
    if len(scoped) != NEWEST_COUNT or [item.id for item in scoped] != [
        item.id for item in unscoped
    ]:
        raise RuntimeError("scoped and unscoped queries return different rows")
    if any(item.tenant_id != tenant_id for item in scoped):
        raise RuntimeError("the scoped query returned another tenant's rows")
