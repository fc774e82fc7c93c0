"""Building a migrated app with tenants for tests."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from core import create_app
from core.config import Settings
from core.plugins import build_registry
from core.tenant_files import sync_directory
from tests.support.templates import migrate

TENANT_FILES = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "loket"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "ckg"]\n',
}


def write_tenant_files(directory: Path, files: dict[str, str] | None = None) -> None:
    for slug, body in (files or TENANT_FILES).items():
        (directory / f"{slug}.toml").write_text(f'slug = "{slug}"\n' + body, encoding="utf-8")


def probe_app(
    settings: Settings, *, config: dict | None = None, tenants: dict | None = None
) -> Flask:
    """Migrated app with the probe plugin and tenants ``aalst`` and ``brugge``."""
    from tests.core import probe_plugin

    registry = build_registry([("probe", probe_plugin)])
    migrate(settings, registry)  # a copy of a migrated template when the database is fresh
    write_tenant_files(settings.tenants_dir, tenants)
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, **(config or {})},
        settings=settings,
        registry=registry,
    )
    sync_directory(app.extensions["opvangplein.db"], settings.tenants_dir, registry)
    return app


def tenant_id(app: Flask, slug: str):
    from sqlmodel import select

    from core.models import Tenant

    with app.extensions["opvangplein.db"].session() as session:
        return session.exec(select(Tenant.id).where(Tenant.slug == slug)).one()
