"""An app with the networks plugin in three municipalities, and the people who use it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlmodel import select

from core import create_app
from core.identity.models import Organisation, OrganisationGrant, OrganisationMember, User
from core.plugins import build_registry
from core.tenant_files import sync_directory
from plugins.networks.models import Network, NetworkMember
from tests.support.apps import tenant_id, write_tenant_files
from tests.support.auth import grant_roles, make_user, sign_in
from tests.support.templates import migrate

NETWORK_TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "networks"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "networks"]\n',
    "gent": 'name = "Gent"\nhosts = ["gent.test"]\nplugins = ["probe", "networks", "ckg", "loket"]\n',
}


def networks_app(settings, *, tenants=None, extra_plugins=(), config=None) -> Flask:
    """Like ``tests.support.apps.probe_app``, with throw-away plugins registered beside it."""
    from tests.core import probe_plugin

    registry = build_registry([("probe", probe_plugin), *extra_plugins])
    migrate(settings, registry)
    write_tenant_files(settings.tenants_dir, tenants or NETWORK_TENANTS)
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, **(config or {})},
        settings=settings,
        registry=registry,
    )
    sync_directory(app.extensions["opvangplein.db"], settings.tenants_dir, registry)
    return app


def organisation(app: Flask, slug: str, kind: str = "other") -> Organisation:
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        found = db.exec(select(Organisation).where(Organisation.slug == slug)).first()
        if found is None:
            found = Organisation(slug=slug, name=slug.replace("-", " ").title(), kind=kind)
            db.add(found)
    return found


def grant(app: Flask, tenant: str, organisation_slug: str, modules=("networks",)) -> None:
    org = organisation(app, organisation_slug)
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, tenant)) as db:
        existing = db.exec(
            select(OrganisationGrant).where(OrganisationGrant.organisation_id == org.id)
        ).first()
        if existing is None:
            db.add(OrganisationGrant(organisation_id=org.id, modules=list(modules)))


def member_user(app: Flask, subject: str, organisation_slug: str) -> User:
    user = make_user(app, subject)
    org = organisation(app, organisation_slug)
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        db.add(OrganisationMember(organisation_id=org.id, user_id=user.id))
    return user


@dataclass
class World:
    """Aalst grants `networks` to CKG Oost, School De Klimop and KDV Zonnebloem.

    Aalst's "Huis van het Kind Aalst" has CKG Oost (coordinating) and De Klimop as members and a
    partner without an account; KDV Zonnebloem is granted but not a member. Brugge and Gent have
    networks of their own.
    """

    app: Flask
    network_id: uuid.UUID
    ckg_member_id: uuid.UUID
    school_member_id: uuid.UUID
    police_member_id: uuid.UUID

    def client_for(self, user: User, tenant: str = "aalst"):
        client = self.app.test_client()
        sign_in(client, self.app, tenant, user)
        return client

    def user(self, subject: str, tenant: str, roles: list[str]) -> User:
        user = make_user(self.app, subject)
        grant_roles(self.app, tenant, user, roles)
        return user

    def client(self, subject: str, tenant: str = "aalst", roles=None):
        """A signed-in client: a known partner (els, sara, pieter) or a user with ``roles``."""
        if roles is None:
            return self.client_for(make_user(self.app, subject), tenant)
        return self.client_for(self.user(subject, tenant, roles), tenant)

    def db(self, tenant: str = "aalst"):
        return self.app.extensions["opvangplein.db"].tenant_session(tenant_id(self.app, tenant))


def add_network(app, tenant: str, name: str, kind: str = "huis_van_het_kind") -> uuid.UUID:
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, tenant)) as db:
        network = Network(name=name, purpose=f"Doel van {name}", kind=kind)
        db.add(network)
    return network.id


def add_member(app, tenant: str, network_id, name: str, organisation_slug=None, **fields):
    organisation_id = organisation(app, organisation_slug).id if organisation_slug else None
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, tenant)) as db:
        member = NetworkMember(
            network_id=network_id, organisation_id=organisation_id, name=name, **fields
        )
        db.add(member)
    return member.id


def build_world(app: Flask) -> World:
    organisation(app, "ckg-oost", "ckg")
    organisation(app, "school-de-klimop", "school")
    organisation(app, "kdv-zonnebloem", "provider")
    for slug in ("ckg-oost", "school-de-klimop", "kdv-zonnebloem"):
        grant(app, "aalst", slug)
    member_user(app, "els", "ckg-oost")
    member_user(app, "sara", "school-de-klimop")
    member_user(app, "pieter", "kdv-zonnebloem")
    network_id = add_network(app, "aalst", "Huis van het Kind Aalst")
    world = World(
        app=app,
        network_id=network_id,
        ckg_member_id=add_member(
            app, "aalst", network_id, "CKG Oost", "ckg-oost", sector="ckg", coordinates=True
        ),
        school_member_id=add_member(
            app, "aalst", network_id, "School De Klimop", "school-de-klimop", sector="school"
        ),
        police_member_id=add_member(app, "aalst", network_id, "Wijkpolitie Aalst", sector="police"),
    )
    add_network(app, "brugge", "Overleg kinderarmoede Brugge", "child_poverty_consultation")
    return world


@pytest.fixture
def world(sqlite_settings) -> World:
    return build_world(networks_app(sqlite_settings))
