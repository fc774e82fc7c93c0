"""One run of a job at a time, across machines: a lease row per job in the shared database.

A run takes the lease with a conditional update (it succeeds only when the lease has lapsed), so
two beats or an operator's command beside the scheduler never run a job twice at once. A run that
dies keeps the lease until ``ttl`` has passed; then the next run takes it over.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import utcnow


class JobLock(SQLModel, table=True):
    """Not tenant-owned: a job's lease covers its run over every tenant."""

    __tablename__ = "job_lock"

    name: str = Field(primary_key=True, max_length=100)
    holder: str = Field(default="", max_length=100)
    locked_until: datetime = Field(sa_type=sa.DateTime(timezone=True))


def _holder() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _take(database, name: str, holder: str, ttl: timedelta) -> bool:
    now = utcnow()
    with database.session() as session:
        try:
            if session.get(JobLock, name) is None:
                session.add(JobLock(name=name, locked_until=now - timedelta(seconds=1)))
                session.commit()
        except sa.exc.IntegrityError:
            session.rollback()  # another run created it at the same moment
        except sa.exc.OperationalError:
            session.rollback()
            return False
        try:
            taken = session.execute(
                sa.update(JobLock)
                .where(JobLock.name == name, JobLock.locked_until < now)
                .values(holder=holder, locked_until=now + ttl)
            )
            session.commit()
        except sa.exc.OperationalError:  # SQLite: another run is writing the lease right now
            session.rollback()
            return False
    return taken.rowcount == 1


def _release(database, name: str, holder: str) -> None:
    with database.session() as session:
        session.execute(
            sa.update(JobLock)
            .where(JobLock.name == name, JobLock.holder == holder)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()


@contextmanager
def job_lease(database, name: str, *, ttl: timedelta) -> Iterator[bool]:
    """``with job_lease(db, "loket.remind", ttl=...) as mine:`` — run only when ``mine``."""
    holder = _holder()
    mine = _take(database, name, holder, ttl)
    try:
        yield mine
    finally:
        if mine:
            _release(database, name, holder)
