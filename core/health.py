"""What ``/readyz`` checks: each dependency a request or a job needs, answered in a second or two.

Every check returns a small JSON-able dict with ``ok``; one failed check makes the platform
unready (503), so a load balancer stops sending traffic and the operator sees which part failed.
Plugins add their own checks (e.g. an upload store) through the ``readiness_checks`` hook.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from functools import cache

import sqlalchemy as sa

CHECK_TIMEOUT_SECONDS = 2.0

Check = Callable[[], dict]


def run_checks(checks: dict[str, Check]) -> tuple[bool, dict[str, dict]]:
    results = {}
    for name, check in checks.items():
        started = time.monotonic()
        try:
            result = dict(check())
        except Exception as error:  # a broken dependency is the answer, not a crash
            result = {"ok": False, "error": type(error).__name__}
        result.setdefault("ok", True)
        result["ms"] = round((time.monotonic() - started) * 1000)
        results[name] = result
    return all(result["ok"] for result in results.values()), results


def database_check(database) -> Check:
    def check() -> dict:
        database.ping()
        return {"ok": True}

    return check


@cache
def _heads(registry_key: tuple[tuple[str, str], ...]) -> dict[str, set[str]]:
    """The newest revision of each migration target; the files do not change while we run."""
    from alembic.script import ScriptDirectory

    from core.migrator import alembic_config

    heads = {}
    for target, versions_dir in registry_key:
        config = alembic_config("sqlite://", target=target, versions_dir=versions_dir)
        heads[target] = set(ScriptDirectory.from_config(config).get_heads())
    return heads


def schema_behind(engine: sa.Engine, registry) -> list[str]:
    """The migration targets whose stored revision is not their newest (``db upgrade`` owed)."""
    from core.migrator import migration_targets, version_table

    targets = tuple((name, str(path)) for name, path in migration_targets(registry))
    behind = []
    with engine.connect() as connection:
        for target, heads in _heads(targets).items():
            table = version_table(target)
            try:
                stored = set(
                    connection.execute(sa.text(f"SELECT version_num FROM {table}")).scalars()
                )
            except sa.exc.DBAPIError:
                connection.rollback()
                stored = set()
            if stored != heads:
                behind.append(target)
    return behind


def migrations_check(database, registry) -> Check:
    def check() -> dict:
        behind = schema_behind(database.platform_engine, registry)
        return {"ok": not behind, "behind": behind}

    return check


def redis_check(url: str) -> Check:
    def check() -> dict:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=CHECK_TIMEOUT_SECONDS)
        try:
            client.ping()
        finally:
            client.close()
        return {"ok": True}

    return check


def smtp_check(host: str, port: int) -> Check:
    def check() -> dict:
        with smtplib.SMTP(host, port, timeout=CHECK_TIMEOUT_SECONDS) as relay:
            code, _ = relay.noop()
        return {"ok": code == 250}

    return check


def outbox_backlog(database) -> dict:
    """How the outbox keeps up over every tenant: waiting messages, the oldest one's age in
    seconds and dead letters (no personal data: read by monitoring tools)."""
    from sqlmodel import select

    from core.db import as_utc, utcnow
    from core.mail import backlog
    from core.models import Tenant

    with database.session() as lookup:
        tenant_ids = lookup.exec(select(Tenant.id)).all()
    pending = dead = 0
    oldest = None
    for tenant_id in tenant_ids:
        # Tenant by tenant: row-level security admits no other way for the application role.
        with database.session(tenant_id) as session:
            counts = backlog(session)
        pending, dead = pending + counts.pending, dead + counts.dead_letters
        if counts.oldest_pending_at is not None:
            moment = as_utc(counts.oldest_pending_at)
            oldest = moment if oldest is None else min(oldest, moment)
    age = round((utcnow() - oldest).total_seconds()) if oldest else 0
    return {"pending": pending, "oldest_pending_seconds": age, "dead_letters": dead}
