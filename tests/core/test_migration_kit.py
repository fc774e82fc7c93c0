"""core.migration_kit: a tenant table made in one call is the table a model declares and the
table a hand-written migration makes — columns, indexes, keys and row-level security alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import SQLModel

from core.config import Settings
from core.db import TenantScoped
from core.migration_kit import create_tenant_table, index_name, tenant_columns
from core.migrator import alembic_config, upgrade_database
from core.plugins import build_registry
from tests.core import kit_plugin
from tests.support.schema import describe, schema_differences


def kit_registry():
    return build_registry([("kit", kit_plugin)], load_entry_points=False)


@pytest.fixture
def kit_database(database_settings: Settings) -> Settings:
    """Core and the kit plugin migrated, as ``db upgrade`` does it."""
    upgrade_database(database_settings, kit_registry(), echo=lambda _: None)
    return database_settings


def kit_config(settings: Settings):
    return alembic_config(
        settings.effective_migration_url,
        target="kit",
        versions_dir=Path(kit_plugin.__file__).parent / kit_plugin.MANIFEST.migrations,
    )


def shape(connection: sa.Connection, table: str) -> dict:
    """What the database holds for ``table``, with the table's own name taken out of the names
    it gave (``ix_<table>_status`` → ``ix_<t>_status``) so that two tables can be compared."""
    inspector = sa.inspect(connection)

    def renamed(name: str | None) -> str | None:
        return name.replace(table, "<t>", 1) if name else None

    result = {
        "columns": {
            column["name"]: (str(column["type"]), column["nullable"])
            for column in inspector.get_columns(table)
        },
        "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
        "indexes": sorted(
            (renamed(index["name"]), tuple(index["column_names"]), bool(index["unique"]))
            for index in inspector.get_indexes(table)
        ),
        "foreign keys": sorted(
            (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
            for fk in inspector.get_foreign_keys(table)
        ),
        "unique": sorted(
            tuple(uc["column_names"]) for uc in inspector.get_unique_constraints(table)
        ),
    }
    if connection.dialect.name == "postgresql":
        result["row-level security"] = tuple(
            connection.execute(
                sa.text(
                    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class"
                    " WHERE oid = CAST(:table AS regclass)"
                ),
                {"table": table},
            ).one()
        )
        result["policies"] = sorted(
            connection.execute(
                sa.text(
                    "SELECT policyname, permissive, roles::text, cmd, qual, with_check"
                    " FROM pg_policies WHERE schemaname = 'public' AND tablename = :table"
                ),
                {"table": table},
            ).all()
        )
    return result


def test_a_kit_table_is_what_its_tenant_scoped_model_declares(kit_database: Settings):
    metadata = sa.MetaData()
    # ``tenant`` only for the foreign keys to refer to; the comparison looks at the kit's tables.
    SQLModel.metadata.tables["tenant"].to_metadata(metadata)
    for table in kit_plugin.MODEL_TABLES:
        kit_plugin.KitModel.metadata.tables[table].to_metadata(metadata)
    assert issubclass(kit_plugin.KitVisit, TenantScoped)

    def only_kit_models(object_, name, type_, reflected, compare_to) -> bool:
        table = object_ if type_ == "table" else getattr(object_, "table", None)
        return table is not None and table.name in kit_plugin.MODEL_TABLES

    differences = schema_differences(
        kit_database.effective_migration_url, metadata, include_object=only_kit_models
    )

    assert not differences, f"the kit's tables and their models disagree:\n{describe(differences)}"


@pytest.mark.parametrize("copy", sorted(kit_plugin.COPIES))
def test_a_kit_table_is_the_table_a_hand_written_migration_makes(kit_database: Settings, copy):
    engine = sa.create_engine(kit_database.effective_migration_url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        made_by_the_kit = shape(connection, copy)
        hand_written = shape(connection, kit_plugin.COPIES[copy])
    engine.dispose()

    assert made_by_the_kit == hand_written
    assert ("ix_<t>_tenant_id", ("tenant_id",), False) in made_by_the_kit["indexes"]
    assert ((("tenant_id",), "tenant", ("id",))) in made_by_the_kit["foreign keys"]
    if "policies" in made_by_the_kit:
        assert made_by_the_kit["row-level security"] == (True, True)
        assert [policy[0] for policy in made_by_the_kit["policies"]] == [
            "owner_crossing",
            "platform_access",
            "tenant_isolation",
        ]


def test_dropping_kit_tables_takes_their_policies_and_indexes_and_they_can_come_back(
    kit_database: Settings,
):
    url = kit_database.effective_migration_url
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    def kit_leftovers() -> list[str]:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            if connection.dialect.name == "postgresql":
                names += connection.execute(
                    sa.text("SELECT tablename || ':' || policyname FROM pg_policies")
                ).scalars()
            else:
                names += connection.execute(
                    sa.text("SELECT name FROM sqlite_master WHERE type = 'index'")
                ).scalars()
        return sorted(name for name in names if "kit_" in name and "alembic_version" not in name)

    assert len(kit_leftovers()) > 4
    command.downgrade(kit_config(kit_database), "base")
    assert kit_leftovers() == []
    with engine.connect() as connection:
        # The core's tables and their row-level security are untouched.
        assert "tenant_signing_key" in sa.inspect(connection).get_table_names()

    upgrade_database(kit_database, kit_registry(), echo=lambda _: None)
    with engine.connect() as connection:
        assert shape(connection, "kit_signing_key") == shape(connection, "tenant_signing_key")
    engine.dispose()


def test_the_kit_adds_the_tenant_and_the_id_itself_and_refuses_them_twice():
    assert [(column.name, column.nullable, column.primary_key) for column in tenant_columns()] == [
        ("tenant_id", False, False),
        ("id", False, True),
    ]
    (tenant_key,) = tenant_columns()[0].foreign_keys
    assert tenant_key.target_fullname == "tenant.id"
    assert (
        index_name("kit_visit", ("tenant_id", "planned_at")) == "ix_kit_visit_tenant_id_planned_at"
    )
    for column in ("id", "tenant_id"):
        with pytest.raises(ValueError, match=f"adds {column} itself"):
            create_tenant_table("kit_wrong", sa.Column(column, sa.Uuid()))
