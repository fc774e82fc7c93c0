"""One municipality with every module and its demo data, walked page by page as each role.

The walk knows nothing about plugins: it takes the rules of ``app.url_map`` (through the route
probe's candidate URLs, with the municipality's own ids), reads each page, and collects the POST
forms it offers, filled as a person would fill them (``tests.support.form_filler``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict

import sqlalchemy as sa
from flask import Flask
from sqlmodel import select

from core.config import Settings
from core.identity.models import Organisation, OrganisationMember
from core.models import Tenant
from core.plugins import build_registry
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_user, sign_in, signed_in_as
from tests.support.form_filler import local_path, post_forms
from tests.support.route_probe import candidate_urls, footprint

PARTNER_KINDS = {"ckg-demo-proef": "ckg", "school-proef": "school", "opvang-proef": "provider"}
ROLES = ("anonymous", "tenant_admin", "staff", "parent", "starter", "partner")
# Reading a case is itself evidence (the access log, GDPR art. 30): those rows come from GETs by
# design. Sessions of sign-in are not data of the municipality.
SIGN_OUT = "/afmelden"
# Switching a module off would hide every later role's pages of it: the walk leaves the switches
# alone (they carry no typed field to try).
MODULE_SWITCHES = "/beheer/modules/"
WRITTEN_BY_READING = {"ckg_access_log", "audit_entry"}


def _tenant_files() -> tuple[str, dict[str, str]]:
    names = ["probe", *build_registry().names]
    plugins = ", ".join(f'"{name}"' for name in names)
    organisations = "".join(
        f'[[organisations]]\nslug = "{slug}"\nname = "{slug.title()}"\nkind = "{kind}"\n'
        for slug, kind in PARTNER_KINDS.items()
    )
    grants = "[organisations]\n" + "".join(f'"{slug}" = [{plugins}]\n' for slug in PARTNER_KINDS)
    return organisations, {
        "aalst": f'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = [{plugins}]\n{grants}'
    }


def build_municipality(directory, postgres_server=None) -> Flask:
    """On SQLite, or on a fresh PostgreSQL database when ``postgres_server`` is given."""
    if postgres_server is None:
        url = f"sqlite:///{directory / 'safe.sqlite3'}"
        settings = Settings(database_url=url, migration_database_url=url, tenants_dir=directory)
    else:
        owner_url, app_url = postgres_server.create_database(
            f"opvangplein_walk_{uuid.uuid4().hex[:10]}"
        )
        settings = Settings(
            database_url=app_url, migration_database_url=owner_url, tenants_dir=directory
        )
    organisations, tenants = _tenant_files()
    (directory / "organisations.toml").write_text(organisations, encoding="utf-8")
    app = probe_app(settings, tenants=tenants)
    registry = app.extensions["opvangplein.plugins"]
    aalst = tenant_id(app, "aalst")
    with app.extensions["opvangplein.db"].tenant_session(aalst) as session:
        tenant = session.get(Tenant, aalst)
        registry.for_plugins(registry.names).demo_data(tenant=tenant, session=session)
    # Every role's forms are read before any walk sends one (a sent form may remove a page).
    for role in ROLES:
        reachable_forms(app, client_as(app, role), role)
    return app


def client_as(app, role: str):
    client = app.test_client()
    if role == "partner":
        # A member of the demo CKG, which the tenant file grants every module.
        user = make_user(app, "partner-safe-methods")
        with app.extensions["opvangplein.db"].tenant_session(None) as db:
            organisation = db.exec(
                select(Organisation).where(Organisation.slug == "ckg-demo-proef")
            ).one()
            membership = db.exec(
                select(OrganisationMember).where(
                    OrganisationMember.organisation_id == organisation.id,
                    OrganisationMember.user_id == user.id,
                )
            ).first()
            if membership is None:
                db.add(OrganisationMember(organisation_id=organisation.id, user_id=user.id))
        sign_in(client, app, "aalst", user)
    elif role == "staff":
        names = ["probe", *build_registry().names]
        signed_in_as(client, app, "aalst", "staff-safe", [f"staff:{name}" for name in names])
    elif role != "anonymous":
        signed_in_as(client, app, "aalst", f"{role}-safe", [role])
    return client


def snapshot(app) -> dict[str, list]:
    engine = app.extensions["opvangplein.db"].engine
    tables = sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {
            table: sorted(map(repr, connection.execute(sa.text(f'SELECT * FROM "{table}"'))))
            for table in tables
            if table not in WRITTEN_BY_READING
        }


def changed_tables(before: dict, after: dict) -> list[str]:
    return [table for table in after if before.get(table) != after[table]]


def reachable_forms(app, client, role: str | None = None) -> dict[str, dict]:
    """Each POST form the role sees on any page: action → the body a person would send.

    With ``role`` the result is remembered on the app, so several walks read the pages once."""
    remembered = app.extensions.setdefault("tests.forms_by_role", {})
    if role is not None and role in remembered:
        return remembered[role]
    forms: dict[str, dict] = {}
    for _, path in reachable_pages(app):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        for form in post_forms(response.get_data(as_text=True), path):
            action = local_path(form.action)
            if not action.endswith(SIGN_OUT) and MODULE_SWITCHES not in action:
                forms.setdefault(action, form.plausible_body())
    if role is not None:
        remembered[role] = forms
    return forms


def reachable_pages(app, per_endpoint: int = 3) -> list[tuple[str, str]]:
    """(endpoint, path) of each GET rule, with up to ``per_endpoint`` of the municipality's ids."""
    own = footprint(app, tenant_id(app, "aalst"))
    counted: dict[str, int] = defaultdict(int)
    pages = []
    for method, endpoint, path in candidate_urls(app, own):
        if method == "GET" and counted[endpoint] < per_endpoint:
            counted[endpoint] += 1
            pages.append((endpoint, f"/t/aalst{path}"))
    return pages
