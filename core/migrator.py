"""Alembic for the core and for each plugin, each in its own version table.

``flask --app core db upgrade`` migrates the core first, then every installed plugin that ships
migrations. Nothing migrates at import or start-up. Migrations connect with the table owner's URL
(``OPVANGPLEIN_MIGRATION_DATABASE_URL``); afterwards, on PostgreSQL, the row-level security key is
stored (core.rls), the application and platform roles get data rights only, and the platform role
gets the policy that admits it to every tenant's rows.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy.engine import make_url

from core.config import ConfigurationError, Settings
from core.plugins import PluginRegistry
from core.rls import DEV_RLS_KEY, KEY_TABLE, RLS_SCHEMA, key_pads, platform_policy_statements

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
APPEND_ONLY_TABLES = ("audit_entry", "platform_audit_entry")


def alembic_config(url: str, *, target: str, versions_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", str(versions_dir))
    config.set_main_option("path_separator", "os")
    config.attributes["url"] = url
    config.attributes["target"] = target
    config.attributes["version_table"] = version_table(target)
    return config


def version_table(target: str) -> str:
    return "alembic_version" if target == "core" else f"{target}_alembic_version"


def migration_targets(registry: PluginRegistry) -> list[tuple[str, Path]]:
    targets = [("core", MIGRATIONS_DIR / "versions")]
    for name in registry.names:
        location = registry.part_path(name, "migrations")
        if location is not None:
            targets.append((name, location))
    return targets


def upgrade_database(
    settings: Settings, registry: PluginRegistry, echo=print, *, replace_rls_key: bool = False
) -> None:
    """``db upgrade`` with the URLs and the row-level security key of ``settings``."""
    upgrade_all(
        settings.effective_migration_url,
        settings.database_url,
        registry,
        echo=echo,
        platform_url=settings.effective_platform_url,
        rls_key=settings.rls_key_bytes,
        replace_rls_key=replace_rls_key,
    )


def upgrade_all(
    migration_url: str,
    app_url: str,
    registry: PluginRegistry,
    echo=print,
    *,
    platform_url: str | None = None,
    rls_key: bytes = DEV_RLS_KEY,
    replace_rls_key: bool = False,
) -> None:
    """Migrate everything; ``platform_url`` defaults to the owner, ``rls_key`` to the
    development key (both matter on PostgreSQL only)."""
    platform_url = platform_url or migration_url
    is_postgres = make_url(migration_url).get_backend_name() == "postgresql"
    if is_postgres:
        # Refuse before migrating anything: a half-done upgrade helps nobody.
        _check_roles(migration_url, app_url, platform_url)
        _check_rls_key(migration_url, rls_key, replace=replace_rls_key)
    for target, versions_dir in migration_targets(registry):
        echo(f"migrating {target}")
        command.upgrade(
            alembic_config(migration_url, target=target, versions_dir=versions_dir), "head"
        )
    plugin_tables = [
        table for manifest in registry.manifests.values() for table in manifest.append_only_tables
    ]
    if not is_postgres:
        return
    _store_rls_key(migration_url, rls_key)
    append_only = (*APPEND_ONLY_TABLES, *plugin_tables)
    grant_application_role(migration_url, app_url, append_only=append_only)
    grant_application_role(migration_url, platform_url, append_only=append_only)
    admit_platform_role(migration_url, platform_url)


def downgrade_target(
    settings: Settings, registry: PluginRegistry, target: str, revision: str, echo=print
) -> None:
    """``db downgrade``: one migration target back to ``revision``, as the table owner."""
    versions = dict(migration_targets(registry))
    if target not in versions:
        raise ConfigurationError(
            f"no migrations named {target!r}; choose one of {', '.join(versions)}"
        )
    echo(f"downgrading {target} to {revision}")
    try:
        command.downgrade(
            alembic_config(
                settings.effective_migration_url, target=target, versions_dir=versions[target]
            ),
            revision,
        )
    except CommandError as error:
        raise ConfigurationError(f"cannot downgrade {target} to {revision}: {error}") from error


def _username(url: str) -> str:
    return make_url(url).username or ""


def _check_roles(migration_url: str, app_url: str, platform_url: str) -> None:
    owner, application, platform = map(_username, (migration_url, app_url, platform_url))
    if owner == application:
        return  # one role for everything (development): it owns the tables, no wall to keep
    if platform == application:
        raise ConfigurationError(
            "OPVANGPLEIN_PLATFORM_DATABASE_URL connects as the application's role"
            f" ({application}); cross-tenant work needs a role of its own"
        )
    engine = sa.create_engine(migration_url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        for powerful in {owner, platform}:
            member = connection.execute(
                sa.text(
                    "SELECT pg_has_role(:application, oid, 'MEMBER') FROM pg_roles"
                    " WHERE rolname = :powerful"
                ),
                {"application": application, "powerful": powerful},
            ).scalar()
            if member:
                raise ConfigurationError(
                    f"the application's role {application} is a member of {powerful}:"
                    " it could take that role's rights with SET ROLE"
                )
    engine.dispose()


def _stored_pads(connection) -> tuple[bytes, bytes] | None:
    exists = connection.execute(sa.text(f"SELECT to_regclass('{KEY_TABLE}')")).scalar()
    if exists is None:
        return None
    row = connection.execute(sa.text(f"SELECT inner_pad, outer_pad FROM {KEY_TABLE}")).first()
    return (bytes(row[0]), bytes(row[1])) if row else None


def _check_rls_key(migration_url: str, rls_key: bytes, *, replace: bool) -> None:
    engine = sa.create_engine(migration_url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        stored = _stored_pads(connection)
    engine.dispose()
    if stored is not None and stored != key_pads(rls_key) and not replace:
        raise ConfigurationError(
            "the database verifies tenant bindings with another row-level security key than"
            " configured (OPVANGPLEIN_RLS_KEY, or derived from OPVANGPLEIN_SECRET_KEY when it is"
            " empty). Configure the key the database was set up with, or run"
            " `flask --app core db upgrade --replace-rls-key` and restart every process with"
            " the new key."
        )


def _store_rls_key(migration_url: str, rls_key: bytes) -> None:
    inner, outer = key_pads(rls_key)
    engine = sa.create_engine(migration_url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                f"INSERT INTO {KEY_TABLE} AS stored (id, inner_pad, outer_pad)"
                " VALUES (1, :inner, :outer)"
                " ON CONFLICT (id) DO UPDATE SET inner_pad = EXCLUDED.inner_pad,"
                " outer_pad = EXCLUDED.outer_pad, installed_at = now()"
                " WHERE (stored.inner_pad, stored.outer_pad)"
                " IS DISTINCT FROM (EXCLUDED.inner_pad, EXCLUDED.outer_pad)"
            ),
            {"inner": inner, "outer": outer},
        )
    engine.dispose()


def admit_platform_role(migration_url: str, platform_url: str) -> None:
    """Give the platform role the ``platform_access`` policy on every tenant table (and take it
    from any role that had it before). The owner needs none: it crosses with ``app.cross_tenant``."""
    engine = sa.create_engine(migration_url, poolclass=sa.pool.NullPool)
    platform = _username(platform_url)
    role = None if platform == _username(migration_url) else platform
    quoted = engine.dialect.identifier_preparer.quote(role) if role else None
    with engine.begin() as connection:
        tables = connection.execute(
            sa.text(
                "SELECT DISTINCT tablename FROM pg_policies"
                " WHERE schemaname = 'public' AND policyname = 'tenant_isolation'"
            )
        ).scalars()
        for table in list(tables):
            for statement in platform_policy_statements(table, quoted):
                connection.execute(sa.text(statement))
    engine.dispose()


def grant_application_role(
    migration_url: str, app_url: str, *, append_only: tuple[str, ...] = APPEND_ONLY_TABLES
) -> None:
    """On PostgreSQL let the application's role read and write data, never own or alter tables,
    nor read the row-level security key."""
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
        # No temporary objects: they outlive the transaction on a pooled connection, and a
        # temporary table named like a real one would catch the next request's rows, whatever
        # tenant that request is bound to.
        database = engine.dialect.identifier_preparer.quote(
            connection.execute(sa.text("SELECT current_database()")).scalar()
        )
        connection.execute(
            sa.text(f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC, {quoted}")
        )
        # In case default privileges granted anything there.
        connection.execute(
            sa.text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {RLS_SCHEMA} FROM {quoted}")
        )
        connection.execute(sa.text(f"REVOKE ALL ON SCHEMA {RLS_SCHEMA} FROM {quoted}"))
    engine.dispose()
