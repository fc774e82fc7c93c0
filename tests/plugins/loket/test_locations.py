"""Location details (inclusive care, days, area, capacity), free places for days, proof requests."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.loket.models import FreePlace, Location, LocationCapacity
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_views import provider, staff
from tests.support.apps import probe_app

DETAILS = {
    "tariff": "free_price",
    "care_needs": ["medical", "dietary"],
    "opening_days": ["mon", "tue", "thu"],
    "day_parts": ["morning", "afternoon"],
    "area": "Erembodegem",
    "participates": "yes",
    "capacity-baby": "9",
    "capacity-toddler": "7",
}


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def test_a_provider_states_the_care_needs_days_area_and_capacity_of_its_location(app):
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        location_id = make_location(db, "De Speelboom", organisation_id=organisation).id
    form = client.get(f"/t/aalst/loket/locaties/{location_id}").get_data(as_text=True)
    assert "9300 Aalst" in form  # the postcode area, used while no area is given
    response = client.post(f"/t/aalst/loket/locaties/{location_id}", data=DETAILS)
    assert response.status_code == 302
    with tenant_db(app) as db:
        location = db.get(Location, location_id)
        capacity = {
            row.age_group: row.places
            for row in db.exec(
                select(LocationCapacity).where(LocationCapacity.location_id == location_id)
            )
        }
        actions = db.exec(select(AuditEntry.action)).all()
    assert (location.tariff, location.area) == ("free_price", "Erembodegem")
    assert location.care_needs == ["dietary", "medical"]
    assert location.opening_days == ["mon", "tue", "thu"]
    assert capacity == {"baby": 9, "toddler": 7}
    assert "loket.location_updated" in actions


def test_wrong_location_details_are_messages_and_keep_what_was_typed(app):
    client = app.test_client()
    staff(app, client)
    with tenant_db(app) as db:
        location_id = make_location(db, "De Speelboom").id
    bad = {**DETAILS, "tariff": "gratis", "opening_days": [], "capacity-baby": "veel"}
    response = client.post(f"/t/aalst/loket/locaties/{location_id}", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kies een tarief." in page and "Kies minstens één openingsdag." in page
    assert 'value="veel"' in page and 'value="Erembodegem"' in page
    with tenant_db(app) as db:
        assert db.get(Location, location_id).area == ""


def test_a_provider_cannot_open_another_providers_location(app):
    client = app.test_client()
    provider(app, client)
    with tenant_db(app) as db:
        other = make_location(db, "Het Kapoentje").id
    assert client.get(f"/t/aalst/loket/locaties/{other}").status_code == 404
    assert client.post(f"/t/aalst/loket/locaties/{other}", data=DETAILS).status_code == 404


def test_a_provider_reports_free_places_for_some_days_only(app):
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        location_id = make_location(db, "De Speelboom", organisation_id=organisation).id
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert f'id="days-{location_id}-wed-morning"' in page
    client.post(
        f"/t/aalst/loket/plaatsen/{location_id}/vrij",
        data={
            "places": "2",
            "age_group": "baby",
            "available_from": TODAY.isoformat(),
            "days": ["wed-morning", "wed-afternoon", "sun-morning"],
        },
    )
    with tenant_db(app) as db:
        assert db.exec(select(FreePlace.days)).one() == ["wed-afternoon", "wed-morning"]


def test_staff_ask_the_parent_for_proof_by_mail(app, mail_sink):
    with tenant_db(app) as db:
        request_id = make_request(db, "Noor", [], situation=["low_income"]).id
        no_mail = make_request(db, "Wout", [], email="").id
    client = app.test_client()
    staff(app, client)
    detail = client.get(f"/t/aalst/loket/aanvragen/{request_id}").get_data(as_text=True)
    assert "Vraag de ouder per e-mail om bewijs" in detail
    done = client.post(
        f"/t/aalst/loket/aanvragen/{request_id}/bewijs-vragen", follow_redirects=True
    )
    assert "De ouder kreeg een e-mail met de vraag om bewijs." in done.get_data(as_text=True)
    [mail] = mail_sink.messages
    assert mail["To"] == "ouder@example.be" and "Noor" in mail["Subject"]
    missing = client.post(
        f"/t/aalst/loket/aanvragen/{no_mail}/bewijs-vragen", follow_redirects=True
    )
    assert "bel de ouder" in missing.get_data(as_text=True)
    assert len(mail_sink.messages) == 1
