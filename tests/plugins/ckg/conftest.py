"""An app with the ckg plugin in three municipalities, and the people who use it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlmodel import select

from core.identity.models import Organisation, OrganisationGrant, OrganisationMember, User
from plugins.ckg.models import Antenna
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import grant_roles, make_user, sign_in

CKG_TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "ckg"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "ckg"]\n',
    "gent": 'name = "Gent"\nhosts = ["gent.test"]\nplugins = ["probe", "ckg"]\n',
}


def organisation(app: Flask, slug: str, kind: str) -> Organisation:
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        found = db.exec(select(Organisation).where(Organisation.slug == slug)).first()
        if found is None:
            found = Organisation(slug=slug, name=slug.replace("-", " ").title(), kind=kind)
            db.add(found)
    return found


def grant(app: Flask, tenant: str, organisation_slug: str, modules=("ckg",)) -> None:
    org = organisation(app, organisation_slug, "other")
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, tenant)) as db:
        existing = db.exec(
            select(OrganisationGrant).where(OrganisationGrant.organisation_id == org.id)
        ).first()
        if existing is None:
            db.add(OrganisationGrant(organisation_id=org.id, modules=list(modules)))


def member(app: Flask, subject: str, organisation_slug: str) -> User:
    user = make_user(app, subject)
    org = organisation(app, organisation_slug, "other")
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        db.add(OrganisationMember(organisation_id=org.id, user_id=user.id))
    return user


def antenna(app: Flask, organisation_slug: str, name: str, **fields) -> Antenna:
    org = organisation(app, organisation_slug, "ckg")
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        site = Antenna(organisation_id=org.id, name=name, **fields)
        db.add(site)
    return site


@dataclass
class World:
    """Aalst and Brugge grant CKG Limburg; Gent grants CKG Gent only. Two schools in Aalst."""

    app: Flask

    def client_for(self, user: User, tenant: str = "aalst"):
        client = self.app.test_client()
        sign_in(client, self.app, tenant, user)
        return client

    def user(self, subject: str, tenant: str, roles: list[str]) -> User:
        user = make_user(self.app, subject)
        grant_roles(self.app, tenant, user, roles)
        return user


@pytest.fixture
def world(sqlite_settings) -> World:
    return build_world(probe_app(sqlite_settings, tenants=CKG_TENANTS))


def build_world(app: Flask) -> World:
    organisation(app, "ckg-limburg", "ckg")
    organisation(app, "ckg-gent", "ckg")
    organisation(app, "school-de-linde", "school")
    organisation(app, "school-het-anker", "school")
    for tenant in ("aalst", "brugge"):
        grant(app, tenant, "ckg-limburg")
    grant(app, "gent", "ckg-gent")
    grant(app, "aalst", "school-de-linde")
    grant(app, "aalst", "school-het-anker")
    member(app, "karim", "ckg-limburg")
    member(app, "ghislaine", "ckg-gent")
    member(app, "sara", "school-de-linde")
    member(app, "tom", "school-het-anker")
    antenna(
        app,
        "ckg-limburg",
        "Antenne Genk",
        home_guidance_slots=4,
        short_stay_beds=2,
        long_stay_beds=1,
        on_call_email="piket@ckg-limburg.be",
        on_call_phone="011 00 00 00",
    )
    antenna(app, "ckg-limburg", "Antenne Hasselt", day_guidance_places=3)
    antenna(
        app, "ckg-gent", "Antenne Gent", home_guidance_slots=5, on_call_email="piket@ckg-gent.be"
    )
    return World(app)


def users(world: World) -> dict[str, User]:
    return {
        subject: make_user(world.app, subject) for subject in ("karim", "ghislaine", "sara", "tom")
    }


def referral_form(**changes) -> dict:
    form = {
        "parent-1-name": "Sofie Janssens",
        "parent-1-relation": "moeder",
        "child-1-name": "Lotte",
        "child-1-birth_date": "2022-03-01",
        "domains": ["parenting", "housing"],
        "concern_summary": "Mama raakt uitgeput en de woning is te klein.",
        "requested_offer": "home",
        "urgency": "regular",
        "route": "direct",
        "consent": "given",
        "family_email": "sofie@example.be",
        "family_phone": "0470 12 34 56",
        "family_address": "Kerkstraat 1, 9300 Aalst",
        "family_language": "Nederlands",
        "referrer_name": "Sara Claes",
        "referrer_organisation_name": "Basisschool De Linde",
        "referrer_phone": "053 11 22 33",
    }
    form.update(changes)
    return form
