"""The data set: an SQLite file database with 100 tenants × 10 000 rows of ``bench_item``.

Tenants are created the way production creates them (migrations, tenant files, ``sync``); the
rows are bulk-inserted with one INSERT … SELECT per tenant, because a million ORM inserts would
take minutes.
"""

from __future__ import annotations

import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

TENANT_COUNT = 100
ROWS_PER_TENANT = 10_000


@dataclass(frozen=True)
class Dataset:
    """Where the data set lives and which tenants it holds."""

    directory: Path
    database_url: str
    tenants_dir: Path
    tenant_ids: dict[str, uuid.UUID]

    @property
    def slugs(self) -> list[str]:
        return sorted(self.tenant_ids)

    def environ(self) -> dict[str, str]:
        """``OPVANGPLEIN_*`` variables that point an app (e.g. under gunicorn) at this data set."""
        return {
            "OPVANGPLEIN_ENV": "development",
            "OPVANGPLEIN_DATABASE_URL": self.database_url,
            "OPVANGPLEIN_TENANTS_DIR": str(self.tenants_dir),
            # Logging must not be what we measure.
            "OPVANGPLEIN_LOG_LEVEL": "WARNING",
        }


def tenant_slug(number: int) -> str:
    return f"gemeente-{number:03d}"


def build_dataset(
    directory: Path, *, tenants: int = TENANT_COUNT, rows_per_tenant: int = ROWS_PER_TENANT
) -> Dataset:
    """Create the migrated database, the tenants and their rows inside ``directory``."""
    from bench.apps import bench_registry
    from core.db import Database
    from core.migrator import upgrade_all
    from core.models import Tenant
    from core.tenant_files import read_all, sync

    started = time.monotonic()
    url = f"sqlite:///{directory / 'bench.sqlite3'}"
    tenants_dir = directory / "tenants"
    tenants_dir.mkdir()
    registry = bench_registry()
    upgrade_all(url, url, registry, echo=lambda _: None)
    for number in range(tenants):
        slug = tenant_slug(number)
        (tenants_dir / f"{slug}.toml").write_text(
            f'slug = "{slug}"\nname = "Gemeente {number}"\nplugins = ["bench"]\n',
            encoding="utf-8",
        )
    database = Database(url)
    try:
        sync(database, read_all(tenants_dir, registry))
        with database.engine.connect() as connection:
            rows = connection.execute(sa.select(Tenant.slug, Tenant.id)).all()
    finally:
        # The loader below needs the file to itself to leave WAL mode.
        database.engine.dispose()
    tenant_ids = {slug: tenant_id for slug, tenant_id in rows}
    _insert_items(url, list(tenant_ids.values()), rows_per_tenant)
    _log(
        f"data set: {tenants} tenants × {rows_per_tenant} rows in {time.monotonic() - started:.1f} s"
    )
    return Dataset(directory, url, tenants_dir, tenant_ids)


def _insert_items(url: str, tenant_ids: list[uuid.UUID], rows_per_tenant: int) -> None:
    """Bulk-insert each tenant's rows with one INSERT … SELECT, then build the indexes once.

    SQLite generates the rows itself (a recursive CTE counts them), which loads a million rows in
    seconds; ``executemany`` from Python spends ~25 µs per row in SQLAlchemy's parameter handling.
    The generated values use SQLAlchemy's SQLite storage formats: ``Uuid`` as 32 lower-case hex
    digits, ``DateTime`` as ``YYYY-MM-DD HH:MM:SS.ffffff``; :func:`_check_rows_load` proves the ORM
    reads them back. Creating the indexes after loading is much faster than maintaining them.

    The load runs without WAL and without fsync: the file is thrown away after the run, and
    writing 250 MB twice (WAL, then checkpoint) and syncing it doubles the build time.
    """
    from bench.plugin import BenchItem

    table = BenchItem.__table__
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
            connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB for index builds
            connection.commit()
            table.create(connection)
            for index in table.indexes:
                index.drop(connection)
            _generate_rows(connection, table, tenant_ids, rows_per_tenant)
            for index in table.indexes:
                index.create(connection)
            # Fresh statistics let SQLite choose indexes the way it would on a live database.
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
            # Back to the mode the app's connections use (core.db also sets it on connect).
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            connection.commit()
        _check_rows_load(engine, tenant_ids[0], rows_per_tenant)
    finally:
        engine.dispose()


def _generate_rows(
    connection: sa.Connection, table: sa.Table, tenant_ids: list[uuid.UUID], rows_per_tenant: int
) -> None:
    insert = sa.text(
        f"INSERT INTO {table.name} (id, tenant_id, title, created_at)"
        " WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < :rows)"
        # Ids ascend like UUIDv7 (ordered prefix, random tail): random ids make every insert a
        # random B-tree write into the primary key index and triple the load time.
        " SELECT printf('%08x%08x', :salt, n) || lower(hex(randomblob(8))), :tenant_id,"
        "  'Item ' || n,"
        # A deterministic scatter over one year, so rows are not inserted in date order.
        "  strftime('%Y-%m-%d %H:%M:%S', :epoch + (n * 7919 + :salt) % 31536000, 'unixepoch')"
        "  || '.000000'"
        " FROM seq"
    ).bindparams(sa.bindparam("tenant_id", type_=table.c.tenant_id.type))
    epoch = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    for number, tenant_id in enumerate(tenant_ids):
        connection.execute(
            insert,
            {"rows": rows_per_tenant, "tenant_id": tenant_id, "epoch": epoch, "salt": number},
        )


def _check_rows_load(engine: sa.Engine, tenant_id: uuid.UUID, rows_per_tenant: int) -> None:
    """Fail early if the generated rows do not read back as the model's types."""
    from sqlmodel import Session, func, select

    from bench.plugin import BenchItem

    with Session(engine) as session:
        item = session.exec(select(BenchItem).where(BenchItem.tenant_id == tenant_id)).first()
        count = session.exec(
            select(func.count()).select_from(BenchItem).where(BenchItem.tenant_id == tenant_id)
        ).one()
    if not (
        item
        and isinstance(item.id, uuid.UUID)
        and isinstance(item.created_at, datetime)
        and count == rows_per_tenant
    ):
        raise RuntimeError(f"bench_item rows do not load as expected: {item!r}, {count} rows")


def _log(message: str) -> None:
    """Progress goes to stderr so stdout holds only figure lines."""
    print(message, file=sys.stderr, flush=True)
