"""An app with the loket enabled for Aalst and Brugge, and helpers to fill it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from core.identity.models import Organisation
from plugins.loket.models import ChildcareRequest, Location, LocationCapacity, Preference
from plugins.loket.services import report_free_place
from tests.support.apps import probe_app, tenant_id

LOKET_TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "loket"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "loket"]\n',
}
TODAY = date.today()


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings, tenants=LOKET_TENANTS)


def tenant_db(app, slug: str = "aalst"):
    return app.extensions["opvangplein.db"].tenant_session(tenant_id(app, slug))


def make_organisation(app, slug: str = "de-speelboom") -> uuid.UUID:
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        organisation = Organisation(slug=slug, name=slug.replace("-", " ").title(), kind="provider")
        db.add(organisation)
    return organisation.id


def make_location(
    db,
    name: str,
    *,
    kind: str = "groepsopvang",
    places: int = 0,
    capacity: int = 14,
    organisation_id: uuid.UUID | None = None,
    quota_percent: int = 0,
    tariff: str = "income_related",
    reserve: int | None = None,
) -> Location:
    location = Location(
        name=name,
        kind=kind,
        tariff=tariff,
        postcode="9300",
        municipality="Aalst",
        address="Kerkstraat 1",
        import_key=f"{name.lower()}|9300",
        provider_organisation_id=organisation_id,
        reserve_places=reserve,
    )
    db.add(location)
    db.flush()
    age_group = "schoolchild" if kind == "buitenschoolse_opvang" else "baby"
    db.add(LocationCapacity(location_id=location.id, age_group=age_group, places=capacity))
    db.flush()
    if places:
        report_free_place(
            db,
            location,
            age_group=age_group,
            available_from=TODAY,
            places=places,
            days=[],
            quota_percent=quota_percent,
            actor="test",
        )
    return location


def make_request(
    db,
    first_name: str,
    locations: list[Location],
    *,
    situation: list[str] | None = None,
    parent_user_id: uuid.UUID | None = None,
    email: str = "ouder@example.be",
    submitted: datetime | None = None,
) -> ChildcareRequest:
    request = ChildcareRequest(
        child_first_name=first_name,
        child_last_name="Peeters",
        birth_date=date(TODAY.year, TODAY.month, 1) if TODAY.day > 1 else TODAY,
        desired_start=TODAY,
        days=["mon-morning"],
        situation=situation or [],
        status="open",
        parent_user_id=parent_user_id,
        parent_email=email,
        parent_name=f"Ouder van {first_name}",
        submitted_at=submitted or datetime.now(UTC),
    )
    db.add(request)
    db.flush()
    for rank, location in enumerate(locations, start=1):
        db.add(Preference(request_id=request.id, location_id=location.id, rank=rank))
    db.flush()
    return request
