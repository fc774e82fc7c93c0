"""Loket migration 0010: a request that named a language the platform does not speak (Turkish)
keeps it as the family's contact language and gets its e-mails in Dutch; a request in English
keeps English for both. Downgrading gives the old single language back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from core.config import Settings
from core.migrator import alembic_config, downgrade_target, migration_targets, upgrade_database
from core.plugins import build_registry
from tests.core.test_migration_tenant_slug import add_tenant


def _request_values(connection, tenant_id, language: str) -> dict:
    """A row with every required column of ``loket_request`` at this revision filled in."""
    # Reflected, ids are CHAR(32) on SQLite: the hex the Uuid type stores.
    values = {"id": uuid.uuid4().hex, "tenant_id": tenant_id.hex, "language": language}
    filler = {sa.String: "", sa.Integer: 0, sa.Boolean: False, sa.JSON: [], sa.DateTime: None}
    for column in sa.inspect(connection).get_columns("loket_request"):
        if column["name"] in values or column["nullable"] or column.get("default") is not None:
            continue
        kind = next(k for k in filler if isinstance(column["type"], k))
        values[column["name"]] = datetime.now(UTC) if kind is sa.DateTime else filler[kind]
    return values


def test_contact_language_takes_over_a_language_the_platform_does_not_speak(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    settings = Settings(database_url=url, migration_database_url=url, tenants_dir=tmp_path)
    registry = build_registry()
    upgrade_database(settings, registry, echo=lambda _: None)
    downgrade_target(settings, registry, "loket", "loket_0009", echo=lambda _: None)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        tenant_id = add_tenant(connection, "aalst")
        table = sa.Table("loket_request", sa.MetaData(), autoload_with=connection)
        turkish = _request_values(connection, tenant_id, "tr")
        english = _request_values(connection, tenant_id, "en")
        connection.execute(table.insert(), [turkish, english])
    versions = dict(migration_targets(registry))
    command.upgrade(alembic_config(url, target="loket", versions_dir=versions["loket"]), "head")
    with engine.connect() as connection:
        rows = dict(
            connection.execute(
                sa.text("SELECT contact_language, language FROM loket_request")
            ).all()
        )
    assert rows == {"tr": "nl", "en": "en"}
    downgrade_target(settings, registry, "loket", "loket_0009", echo=lambda _: None)
    with engine.connect() as connection:
        languages = sorted(
            connection.execute(sa.text("SELECT language FROM loket_request")).scalars()
        )
    assert languages == ["en", "tr"]
    engine.dispose()
