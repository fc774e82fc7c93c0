"""Helpers for testing a plugin on a real, migrated platform — for plugin authors' own tests.

A plugin's test builds the registry with the plugin in it, migrates a fresh SQLite database in a
temporary folder, loads a tenant or two from tenant files and drives the pages with Flask's test
client, exactly as a municipality would use them::

    from core.testing import migrated_app, plugin_registry, sign_in

    def test_staff_post_a_notice(tmp_path):
        registry = plugin_registry("notices", notices_plugin)
        app = migrated_app(tmp_path, registry, tenants={"gent": ["notices"], "ieper": []})
        client = app.test_client()
        sign_in(client, app, "gent", roles=["staff:notices"])
        assert client.post("/t/gent/notices/", data={"title": "Open day"}).status_code == 303

Nothing here runs in production; the platform's own tests use ``tests/support`` for the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from pathlib import Path

from flask import Flask
from sqlmodel import select

from core.plugins import ENTRY_POINT_GROUP, PluginRegistry, build_registry


def installed_plugin_names() -> set[str]:
    """Names of the plugins installed through the ``opvangplein.plugins`` entry points."""
    return {entry_point.name for entry_point in entry_points(group=ENTRY_POINT_GROUP)}


def plugin_registry(name: str, plugin: object) -> PluginRegistry:
    """Every installed plugin, plus ``plugin`` registered as ``name`` unless it is installed
    already (a plugin under development is not; once ``pip install``-ed it comes from its entry
    point, and registering it twice would fail)."""
    if name in installed_plugin_names():
        return build_registry()
    return build_registry([(name, plugin)])


def migrated_app(
    directory: Path,
    registry: PluginRegistry,
    *,
    tenants: Mapping[str, Iterable[str]],
    config: dict | None = None,
) -> Flask:
    """An app on a fresh SQLite database in ``directory``: migrated (the core and every plugin
    of ``registry``) and with one tenant per entry of ``tenants`` (slug → enabled plugins),
    reachable at ``/t/<slug>/``. CSRF is off so tests can post forms directly."""
    from core import create_app
    from core.config import Settings
    from core.migrator import upgrade_database
    from core.tenant_files import sync_directory

    url = f"sqlite:///{directory / 'test.sqlite3'}"
    settings = Settings(database_url=url, migration_database_url=url, tenants_dir=directory)
    upgrade_database(settings, registry, echo=lambda _: None)
    for slug, plugins in tenants.items():
        enabled = ", ".join(f'"{plugin}"' for plugin in plugins)
        (directory / f"{slug}.toml").write_text(
            f'slug = "{slug}"\nname = "{slug.title()}"\nplugins = [{enabled}]\n', encoding="utf-8"
        )
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, **(config or {})},
        settings=settings,
        registry=registry,
    )
    sync_directory(app.extensions["opvangplein.db"], directory, registry)
    return app


def tenant_id(app: Flask, slug: str) -> uuid.UUID:
    from core.models import Tenant

    with app.extensions["opvangplein.db"].session() as session:
        return session.exec(select(Tenant.id).where(Tenant.slug == slug)).one()


def sign_in(client, app: Flask, slug: str, *, roles: list[str], subject: str = "tester"):
    """Sign ``client`` in at tenant ``slug`` as the user ``subject``, holding ``roles`` there
    (``["staff:<plugin>"]``, ``["tenant_admin"]``, ``["parent"]``); returns the user.

    It skips the identity provider: sign-in itself is the core's to test."""
    from core.identity.models import Membership, User
    from core.identity.sessions import open_session
    from core.identity.web import AUTH_KEY

    database = app.extensions["opvangplein.db"]
    tenant = tenant_id(app, slug)
    issuer = "https://idp.test"
    with database.tenant_session(None) as session:
        user = session.exec(
            select(User).where(User.issuer == issuer, User.subject == subject)
        ).first() or User(
            issuer=issuer,
            subject=subject,
            name=subject.title(),
            email=f"{subject}@example.be",
            email_verified_via="provider",
        )
        session.add(user)
    with database.tenant_session(tenant) as session:
        membership = session.exec(select(Membership).where(Membership.user_id == user.id)).first()
        membership = membership or Membership(user_id=user.id, claim_roles=[])
        membership.roles = list(roles)
        session.add(membership)
        token = open_session(session, user_id=user.id, provider="test", id_token="")
    with client.session_transaction() as cookie:
        cookie[AUTH_KEY] = {**cookie.get(AUTH_KEY, {}), str(tenant): token}
    return user
