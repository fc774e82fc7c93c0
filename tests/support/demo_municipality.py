"""One municipality with every module switched on and its demo data loaded, and the pages the
route probe reaches in it per kind of visitor — for checks that must hold on every page."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlmodel import select

from core.config import Settings
from core.models import Tenant
from core.plugins import build_registry
from tests.support.apps import probe_app, tenant_id
from tests.support.route_probe import candidate_urls, footprint

SLUG = "aalst"

# Roles per kind of visitor; ``None`` is someone not signed in.
VISITORS: dict[str, list[str] | None] = {
    "staff": ["tenant_admin", *(f"staff:{name}" for name in ["probe", *build_registry().names])],
    "parent": ["parent"],
    "anonymous": None,
}


def demo_municipality(directory: Path) -> Flask:
    url = f"sqlite:///{directory / 'demo.sqlite3'}"
    settings = Settings(database_url=url, migration_database_url=url, tenants_dir=directory)
    plugins = ", ".join(f'"{name}"' for name in ["probe", *build_registry().names])
    app = probe_app(
        settings, tenants={SLUG: f'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = [{plugins}]\n'}
    )
    db, registry = app.extensions["opvangplein.db"], app.extensions["opvangplein.plugins"]
    with db.tenant_session(tenant_id(app, SLUG)) as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == SLUG)).one()
        registry.for_plugins(registry.names).demo_data(tenant=tenant, session=session)
    return app


def pages_of(app: Flask, client) -> dict[str, str]:
    """One address per endpoint that answers ``client`` with an HTML page: {endpoint: path}."""
    pages: dict[str, str] = {}
    for method, endpoint, path in candidate_urls(app, footprint(app, tenant_id(app, SLUG))):
        if method != "GET" or endpoint in pages:
            continue
        response = client.get(f"/t/{SLUG}{path}")
        if response.status_code == 200 and response.mimetype == "text/html":
            pages[endpoint] = f"/t/{SLUG}{path}"
    return pages
