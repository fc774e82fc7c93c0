"""The models and the migrations describe the same database.

``db upgrade`` builds the schema from the migrations of the core and of every installed plugin;
the application reads and writes it through the models. Whatever one says and the other does not
(an index, a unique rule, a column's type or nullability) is a difference here, on SQLite and on
PostgreSQL. On PostgreSQL every tenant-owned model's table also carries the row-level security
that autogenerate cannot see.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.config import Settings
from core.migrator import upgrade_database
from core.plugins import build_registry
from core.rls import TENANT_POLICIES
from tests.support.schema import (
    describe,
    model_metadata,
    platform_packages,
    schema_differences,
    tenant_tables,
)


def migrate_everything(settings: Settings):
    registry = build_registry()
    upgrade_database(settings, registry, echo=lambda _: None)
    return registry


def test_the_migrations_build_exactly_what_the_models_declare(database_settings: Settings):
    registry = migrate_everything(database_settings)
    metadata = model_metadata(platform_packages(registry))
    assert {"tenant", "audit_entry", "loket_request", "networks_case"} <= set(metadata.tables)

    differences = schema_differences(database_settings.effective_migration_url, metadata)

    assert not differences, (
        "the migrations (after `db upgrade`) and the models disagree; add a migration or correct"
        f" the model:\n{describe(differences)}"
    )


def test_every_tenant_owned_model_has_row_level_security_and_no_other_table_has(
    postgres_settings: Settings,
):
    registry = migrate_everything(postgres_settings)
    metadata = model_metadata(platform_packages(registry))
    expected = tenant_tables(metadata)
    assert {"tenant_plugin", "loket_request", "ckg_referral"} <= expected
    owner = sa.create_engine(postgres_settings.effective_migration_url, poolclass=sa.pool.NullPool)
    with owner.connect() as connection:
        forced = set(
            connection.execute(
                sa.text(
                    "SELECT relname FROM pg_class WHERE relkind = 'r'"
                    " AND relnamespace = 'public'::regnamespace"
                    " AND relrowsecurity AND relforcerowsecurity"
                )
            ).scalars()
        )
        policies = {
            (table, policy)
            for table, policy in connection.execute(
                sa.text("SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public'")
            )
        }
    owner.dispose()

    assert sorted(forced ^ expected) == [], "row-level security without a model, or the reverse"
    missing = sorted({(t, p) for t in expected for p in TENANT_POLICIES} - policies)
    assert missing == []
    assert {table for table, _ in policies} == expected
