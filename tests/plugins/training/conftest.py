"""An app with the training plugin in two municipalities, two schools and the people who use it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlmodel import select

from core.identity.models import Organisation, OrganisationGrant, OrganisationMember, User
from plugins.training.models import Cohort, InfoSession, Programme
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import grant_roles, make_user, sign_in

TRAINING_TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "training"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "training"]\n',
}


def organisation(app: Flask, slug: str, kind: str = "school") -> Organisation:
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        found = db.exec(select(Organisation).where(Organisation.slug == slug)).first()
        if found is None:
            found = Organisation(slug=slug, name=slug.replace("-", " ").title(), kind=kind)
            db.add(found)
    return found


def grant(app: Flask, tenant: str, organisation_slug: str, modules=("training",)) -> None:
    org = organisation(app, organisation_slug)
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, tenant)) as db:
        db.add(OrganisationGrant(organisation_id=org.id, modules=list(modules)))


def member(app: Flask, subject: str, organisation_slug: str) -> User:
    user = make_user(app, subject)
    org = organisation(app, organisation_slug)
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        db.add(OrganisationMember(organisation_id=org.id, user_id=user.id))
    return user


@dataclass
class World:
    """Aalst grants CVO Limburg and Basisschool De Linde `training`; Brugge grants CVO Limburg.

    Users: sara (CVO Limburg), tom (De Linde), lieve (staff:training in Aalst), an (parent).
    """

    app: Flask

    @property
    def db(self):
        return self.app.extensions["opvangplein.db"]

    def client_for(self, user: User, tenant: str = "aalst"):
        client = self.app.test_client()
        sign_in(client, self.app, tenant, user)
        return client

    def user(self, subject: str, tenant: str, roles: list[str]) -> User:
        user = make_user(self.app, subject)
        grant_roles(self.app, tenant, user, roles)
        return user

    def organisation_id(self, slug: str):
        return organisation(self.app, slug).id

    def session(self, tenant: str = "aalst"):
        return self.db.tenant_session(tenant_id(self.app, tenant))

    def programme_and_cohort(
        self,
        organisation_slug: str | None,
        tenant: str = "aalst",
        *,
        name: str = "Avondopleiding",
        capacity: int = 10,
        hours: int = 100,
        starts_on: date = date(2026, 9, 1),
        ends_on: date = date(2027, 6, 30),
    ) -> Cohort:
        org_id = self.organisation_id(organisation_slug) if organisation_slug else None
        with self.session(tenant) as db:
            programme = Programme(
                organisation_id=org_id,
                name=f"Kinderbegeleider {name}",
                qualification="kinderbegeleider",
            )
            db.add(programme)
            db.flush()
            cohort = Cohort(
                programme_id=programme.id,
                organisation_id=org_id,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                schedule="evening",
                location="Campus Centrum",
                capacity=capacity,
                required_internship_hours=hours,
                modules_total=4,
            )
            db.add(cohort)
        return cohort

    def info_session(
        self,
        organisation_slug: str | None,
        tenant: str = "aalst",
        *,
        kind: str = "kinderbegeleider",
        capacity: int = 2,
        in_days: float = 7,
    ) -> InfoSession:
        org_id = self.organisation_id(organisation_slug) if organisation_slug else None
        with self.session(tenant) as db:
            found = InfoSession(
                organisation_id=org_id,
                kind=kind,
                starts_at=datetime.now(UTC) + timedelta(days=in_days),
                location="Sociaal Huis",
                capacity=capacity,
            )
            db.add(found)
        return found


def build_world(app: Flask) -> World:
    organisation(app, "cvo-limburg")
    organisation(app, "school-de-linde")
    grant(app, "aalst", "cvo-limburg")
    grant(app, "aalst", "school-de-linde")
    grant(app, "brugge", "cvo-limburg")
    member(app, "sara", "cvo-limburg")
    member(app, "tom", "school-de-linde")
    world = World(app)
    world.user("lieve", "aalst", ["staff:training"])
    world.user("an", "aalst", ["parent"])
    return world


@pytest.fixture
def world(sqlite_settings) -> World:
    return build_world(probe_app(sqlite_settings, tenants=TRAINING_TENANTS))


def people(world: World) -> dict[str, User]:
    return {subject: make_user(world.app, subject) for subject in ("sara", "tom", "lieve", "an")}


def registration_form(session_id, **changes) -> dict:
    form = {
        "interest": "kinderbegeleider",
        "info_session": str(session_id),
        "given_name": "Fatima",
        "family_name": "Elamrani",
        "email": "fatima@example.be",
        "phone": "0470 12 34 56",
        "contact_consent": "1",
    }
    form.update(changes)
    return form
