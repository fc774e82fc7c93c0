"""Core migration 0011: a tenant's slug stays unique while its constraint and second index become
the one unique index the model declares — tenants and what refers to them stay, both ways."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from core.config import Settings
from core.migrator import MIGRATIONS_DIR, alembic_config

BEFORE = "0010_verified_email"
AFTER = "0011_tenant_slug_unique_index"

TENANT = sa.table(
    "tenant",
    sa.column("id", sa.Uuid()),
    sa.column("slug", sa.String()),
    sa.column("name", sa.String()),
    sa.column("active", sa.Boolean()),
    sa.column("theme", sa.JSON()),
    sa.column("identity_providers", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
TENANT_HOST = sa.table(
    "tenant_host", sa.column("host", sa.String()), sa.column("tenant_id", sa.Uuid())
)


def core_config(settings: Settings):
    return alembic_config(
        settings.effective_migration_url, target="core", versions_dir=MIGRATIONS_DIR / "versions"
    )


def add_tenant(connection: sa.Connection, slug: str) -> uuid.UUID:
    tenant_id = uuid.uuid4()
    connection.execute(
        TENANT.insert().values(
            id=tenant_id,
            slug=slug,
            name=slug.title(),
            active=True,
            theme={"colour": "#003d6e"},
            identity_providers=[],
            created_at=datetime.now(UTC),
        )
    )
    return tenant_id


def slug_rules(connection: sa.Connection) -> dict:
    """How the database keeps slugs unique: the indexes and the unique constraints on ``slug``."""
    inspector = sa.inspect(connection)
    return {
        "indexes": sorted(
            (index["name"], bool(index["unique"]))
            for index in inspector.get_indexes("tenant")
            # PostgreSQL lists a unique constraint's own index too; it is counted as the constraint.
            if index["column_names"] == ["slug"] and "duplicates_constraint" not in index
        ),
        "constraints": len(
            [c for c in inspector.get_unique_constraints("tenant") if c["column_names"] == ["slug"]]
        ),
    }


def refuses_a_second(engine: sa.Engine, slug: str) -> bool:
    try:
        with engine.begin() as connection:
            add_tenant(connection, slug)
    except IntegrityError:
        return True
    return False


def tenants_and_hosts(engine: sa.Engine) -> tuple[list, list]:
    with engine.connect() as connection:
        tenants = connection.execute(
            sa.select(TENANT.c.id, TENANT.c.slug, TENANT.c.theme).order_by(TENANT.c.slug)
        ).all()
        hosts = connection.execute(
            sa.select(TENANT_HOST.c.host, TENANT_HOST.c.tenant_id).order_by(TENANT_HOST.c.host)
        ).all()
    return tenants, hosts


@pytest.fixture
def database_at_0010(database_settings: Settings):
    """The core at 0010 with two tenants and a host each; yields (settings, engine)."""
    command.upgrade(core_config(database_settings), BEFORE)
    engine = sa.create_engine(database_settings.effective_migration_url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        for slug in ("aalst", "brugge"):
            tenant_id = add_tenant(connection, slug)
            connection.execute(
                TENANT_HOST.insert().values(host=f"{slug}.test", tenant_id=tenant_id)
            )
    yield database_settings, engine
    engine.dispose()


def test_the_upgrade_keeps_every_tenant_and_one_unique_index_guards_the_slug(database_at_0010):
    settings, engine = database_at_0010
    with engine.connect() as connection:
        assert slug_rules(connection) == {
            "indexes": [("ix_tenant_slug", False)],
            "constraints": 1,
        }
    before = tenants_and_hosts(engine)

    command.upgrade(core_config(settings), AFTER)

    with engine.connect() as connection:
        assert slug_rules(connection) == {"indexes": [("ix_tenant_slug", True)], "constraints": 0}
        if connection.dialect.name == "sqlite":
            # SQLite rebuilt the table: what refers to a tenant still finds it.
            assert connection.execute(sa.text("PRAGMA foreign_key_check")).all() == []
    assert tenants_and_hosts(engine) == before
    assert refuses_a_second(engine, "aalst")
    assert not refuses_a_second(engine, "gent")


def test_the_downgrade_brings_back_the_constraint_and_the_plain_index_and_upgrades_again(
    database_at_0010,
):
    settings, engine = database_at_0010
    config = core_config(settings)
    command.upgrade(config, AFTER)
    before = tenants_and_hosts(engine)

    command.downgrade(config, BEFORE)

    with engine.connect() as connection:
        assert slug_rules(connection) == {
            "indexes": [("ix_tenant_slug", False)],
            "constraints": 1,
        }
    assert tenants_and_hosts(engine) == before
    assert refuses_a_second(engine, "brugge")

    # The constraint the downgrade made has a name (0001's had none on SQLite): upgrade anyway.
    command.upgrade(config, AFTER)
    with engine.connect() as connection:
        assert slug_rules(connection) == {"indexes": [("ix_tenant_slug", True)], "constraints": 0}
    assert tenants_and_hosts(engine) == before
    assert refuses_a_second(engine, "brugge")
