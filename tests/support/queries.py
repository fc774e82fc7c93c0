"""Counting the SQL statements an app sends, to hold pages to a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine.default import CACHE_HIT


@dataclass
class StatementLog:
    """The statements sent while the block ran (the SQL text of each cursor execution)."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(f"{number}. {sql[:200]}" for number, sql in enumerate(self.statements, 1))


@contextmanager
def counted_statements(*engines: sa.Engine) -> Iterator[StatementLog]:
    """Every statement sent through ``engines`` inside the block."""
    log = StatementLog()

    def remember(connection, cursor, statement, parameters, context, executemany) -> None:
        log.statements.append(" ".join(statement.split()))

    with _listening(engines, "before_cursor_execute", remember):
        yield log


@contextmanager
def _listening(engines, event: str, listener) -> Iterator[None]:
    """``listener`` on ``event`` of each distinct engine while the block runs."""
    distinct = list({id(engine): engine for engine in engines}.values())
    for engine in distinct:
        sa.event.listen(engine, event, listener)
    try:
        yield
    finally:
        for engine in distinct:
            sa.event.remove(engine, event, listener)


def app_engines(app) -> tuple[sa.Engine, ...]:
    database = app.extensions["opvangplein.db"]
    return (database.engine, database.platform_engine)


@contextmanager
def statements_compiled_afresh(*engines: sa.Engine) -> Iterator[StatementLog]:
    """The statements sent inside the block that SQLAlchemy compiled anew instead of taking
    from its compiled cache: a missed or refused cache (a construct without a cache key)
    costs more CPU than the query itself on a short page."""
    log = StatementLog()
    cached = {CACHE_HIT}

    def remember(connection, cursor, statement, parameters, context, executemany) -> None:
        hit = getattr(context, "cache_hit", None)
        if context is not None and context.compiled is not None and hit not in cached:
            log.statements.append(f"[{hit}] " + " ".join(statement.split()))

    with _listening(engines, "after_cursor_execute", remember):
        yield log
