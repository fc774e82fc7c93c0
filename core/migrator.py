"""Alembic for the core and for each plugin, each in its own version table.

``flask --app core db upgrade`` migrates the core first, then every installed plugin that ships
migrations. Nothing migrates at import or start-up. Migrations connect with the table owner's URL
(``OPVANGPLEIN_MIGRATION_DATABASE_URL``); afterwards the application role gets data rights only.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from core.plugins import PluginRegistry

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
APPEND_ONLY_TABLES = ("audit_entry", "platform_audit_entry")


def alembic_config(url: str, *, target: str, versions_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", str(versions_dir))
    config.set_main_option("path_separator", "os")
    config.attributes["url"] = url
    config.attributes["target"] = target
    config.attributes["version_table"] = (
        "alembic_version" if target == "core" else f"{target}_alembic_version"
    )
    return config


def migration_targets(registry: PluginRegistry) -> list[tuple[str, Path]]:
    targets = [("core", MIGRATIONS_DIR / "versions")]
    for name in registry.names:
        for location in registry.for_plugins({name}).register_migrations():
            if location:
                targets.append((name, Path(location)))
    return targets


def upgrade_all(migration_url: str, app_url: str, registry: PluginRegistry, echo=print) -> None:
    for target, versions_dir in migration_targets(registry):
        echo(f"migrating {target}")
        command.upgrade(
            alembic_config(migration_url, target=target, versions_dir=versions_dir), "head"
        )
    plugin_tables = [
        table for manifest in registry.manifests.values() for table in manifest.append_only_tables
    ]
    grant_application_role(
        migration_url, app_url, append_only=(*APPEND_ONLY_TABLES, *plugin_tables)
    )


def grant_application_role(
    migration_url: str, app_url: str, *, append_only: tuple[str, ...] = APPEND_ONLY_TABLES
) -> None:
    """On PostgreSQL let the application's role read and write data, never own or alter tables."""
    owner, application = make_url(migration_url), make_url(app_url)
    if owner.get_backend_name() != "postgresql" or owner.username == application.username:
        return
    engine = sa.create_engine(migration_url)
    quoted = engine.dialect.identifier_preparer.quote(application.username)
    with engine.begin() as connection:
        connection.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
        connection.execute(
            sa.text(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
            )
        )
        for table in append_only:
            table = engine.dialect.identifier_preparer.quote(table)
            connection.execute(sa.text(f"REVOKE UPDATE, DELETE ON {table} FROM {quoted}"))
        versions = connection.execute(
            sa.text(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = 'public' AND tablename LIKE '%alembic_version'"
            )
        ).scalars()
        for table in versions:
            connection.execute(sa.text(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {quoted}"))
    engine.dispose()
