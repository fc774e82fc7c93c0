"""Migrated databases without running every migration for every test.

The first fresh database of a kind (SQLite or PostgreSQL, with one set of migration targets, roles
and row-level security key) is migrated into a template, once per test process; each later fresh
database of that kind is a copy of it: an SQLite file copied with SQLite's backup API, a PostgreSQL
database made with ``CREATE DATABASE … TEMPLATE`` and given the template's rights on the database
itself (``REVOKE TEMPORARY ON DATABASE``), which such a copy does not carry.

A database that is not fresh (a test that migrated part of it, or an app started a second time on
it) is migrated as before. The migrations themselves are tested on databases of their own
(tests/core/test_migration_kit.py, tests/core/test_models_match_migrations.py).
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core.config import Settings
from core.migrator import migration_targets, upgrade_database
from core.plugins import PluginRegistry
from tests.support.databases import OWNER_ROLE, PostgresServer

_sqlite_templates: dict[tuple, Path] = {}
_postgres_templates: dict[tuple, str] = {}
_made_postgres_templates: list[str] = []
_directory: Path | None = None


def migrate(settings: Settings, registry: PluginRegistry) -> None:
    """``db upgrade`` of ``settings``' database for ``registry``, from a template when fresh."""
    url = make_url(settings.effective_migration_url)
    targets = tuple((name, str(path)) for name, path in migration_targets(registry))
    if url.get_backend_name() == "sqlite" and _fresh_sqlite(url.database):
        _copy_sqlite(_sqlite_template(settings, registry, targets), Path(url.database))
        return
    if (
        url.get_backend_name() == "postgresql"
        and url.username == OWNER_ROLE
        and _fresh_postgres(settings.effective_migration_url)
    ):
        _clone_postgres(_postgres_template(settings, registry, targets), url)
        return
    upgrade_database(settings, registry, echo=lambda _: None)


def _fresh_sqlite(database: str | None) -> bool:
    if not database or database == ":memory:":
        return False
    path = Path(database)
    return not path.exists() or path.stat().st_size == 0


def _template_directory() -> Path:
    global _directory
    if _directory is None:
        _directory = Path(tempfile.mkdtemp(prefix="opvangplein-templates-"))
    return _directory


def _sqlite_template(settings: Settings, registry: PluginRegistry, targets: tuple) -> Path:
    key = (targets, settings.rls_key_bytes)
    if key not in _sqlite_templates:
        path = _template_directory() / f"template-{len(_sqlite_templates)}.sqlite3"
        url = f"sqlite:///{path}"
        template = dataclasses.replace(
            settings, database_url=url, migration_database_url=url, platform_database_url=""
        )
        upgrade_database(template, registry, echo=lambda _: None)
        _sqlite_templates[key] = path
    return _sqlite_templates[key]


def _copy_sqlite(template: Path, target: Path) -> None:
    """A consistent copy whatever the template's journal (the backup API reads the WAL too)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _fresh_postgres(owner_url: str) -> bool:
    engine = sa.create_engine(owner_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            count = connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return count == 0


def _postgres_template(settings: Settings, registry: PluginRegistry, targets: tuple) -> str:
    roles = tuple(
        make_url(u).username
        for u in (
            settings.effective_migration_url,
            settings.database_url,
            settings.effective_platform_url,
        )
    )
    key = (targets, roles, settings.rls_key_bytes)
    if key not in _postgres_templates:
        server = PostgresServer.from_environ()
        name = f"opvangplein_tpl_{uuid.uuid4().hex[:10]}"
        _made_postgres_templates.append(name)
        owner_url, _ = server.create_database(name)

        def here(url: str) -> str:
            return make_url(url).set(database=name).render_as_string(hide_password=False)

        template = dataclasses.replace(
            settings,
            database_url=here(settings.database_url),
            migration_database_url=owner_url,
            platform_database_url=here(settings.effective_platform_url),
        )
        upgrade_database(template, registry, echo=lambda _: None)
        _postgres_templates[key] = name
    return _postgres_templates[key]


def _admin_engine():
    return sa.create_engine(
        PostgresServer.from_environ().admin_url,
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )


def _clone_postgres(template: str, target) -> None:
    """Replace the fresh, empty database ``target`` (owned by ``OWNER_ROLE``) by a copy of
    ``template``, with the template's rights on the database itself (which a copy leaves out)."""
    engine = _admin_engine()
    name = engine.dialect.identifier_preparer.quote(target.database)
    with engine.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(
            sa.text(f"CREATE DATABASE {name} TEMPLATE {template} OWNER {OWNER_ROLE}")
        )
        rights = connection.execute(
            sa.text(
                "SELECT coalesce(r.rolname, 'PUBLIC'), a.privilege_type FROM pg_database d"
                " CROSS JOIN aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a"
                " LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE d.datname = :template"
            ),
            {"template": template},
        ).all()
        grantees = sorted({grantee for grantee, _ in rights} | {"PUBLIC"})
        quoted = {
            g: g if g == "PUBLIC" else engine.dialect.identifier_preparer.quote(g) for g in grantees
        }
        connection.execute(
            sa.text(f"REVOKE ALL ON DATABASE {name} FROM {', '.join(quoted.values())}")
        )
        for grantee, privilege in rights:
            connection.execute(
                sa.text(f"GRANT {privilege} ON DATABASE {name} TO {quoted[grantee]}")
            )
    engine.dispose()


def drop_templates() -> None:
    """At the end of the run: the PostgreSQL templates and the SQLite ones' directory."""
    if _made_postgres_templates:
        engine = _admin_engine()
        with engine.connect() as connection:
            for name in _made_postgres_templates:
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()
        _made_postgres_templates.clear()
        _postgres_templates.clear()
    if _directory is not None:
        shutil.rmtree(_directory, ignore_errors=True)
