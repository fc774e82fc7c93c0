"""Issue 16, onboarding: a location's subsidy for vulnerable families, its price type and the
contact families see — on the location pages (staff) and in the allocation's input."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.loket import services
from plugins.loket.models import Location
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_views import provider, staff
from tests.support.apps import probe_app

DETAILS = {"tariff": "income_related", "opening_days": ["mon"], "day_parts": ["morning"]}
NEW = {
    "name": "De Kleine Reus",
    "address": "Markt 1",
    "postcode": "3550",
    "municipality": "Heusden-Zolder",
    "kind": "groepsopvang",
    "capacity": "14",
}


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _location(app, **kwargs) -> Location:
    with tenant_db(app) as db:
        return make_location(db, "De Speelboom", **kwargs)


def _stored(app, location_id) -> Location:
    with tenant_db(app) as db:
        return db.get(Location, location_id)


def test_a_new_location_is_income_related_without_subsidy(app):
    location = _location(app)
    assert _stored(app, location.id).vulnerable_subsidy is False


def test_staff_set_the_subsidy_and_contact_on_the_location_page_audited(app):
    client = app.test_client()
    staff(app, client)
    location = _location(app)
    page = client.get(f"/t/aalst/loket/locaties/{location.id}").get_data(as_text=True)
    assert 'name="vulnerable_subsidy"' in page and "extra subsidie voor kwetsbare gezinnen" in page
    assert 'name="contact_phone"' in page and 'name="contact_email"' in page
    saved = client.post(
        f"/t/aalst/loket/locaties/{location.id}",
        data={
            **DETAILS,
            "vulnerable_subsidy": "y",
            "contact_phone": " 011  42 12 34 ",
            "contact_email": "Info@DeSpeelboom.BE",
        },
    )
    assert saved.status_code == 302
    stored = _stored(app, location.id)
    assert stored.vulnerable_subsidy is True
    assert (stored.contact_phone, stored.contact_email) == ("011 42 12 34", "info@despeelboom.be")
    with tenant_db(app) as db:
        entry = db.exec(
            select(AuditEntry).where(AuditEntry.action == "loket.location_updated")
        ).one()
    assert entry.detail["vulnerable_subsidy"] is True
    again = client.get(f"/t/aalst/loket/locaties/{location.id}").get_data(as_text=True)
    assert (
        'value="011 42 12 34"' in again and 'name="vulnerable_subsidy" value="y" checked' in again
    )
    cleared = client.post(f"/t/aalst/loket/locaties/{location.id}", data=DETAILS)
    assert cleared.status_code == 302 and _stored(app, location.id).vulnerable_subsidy is False


def test_a_wrong_phone_or_email_is_a_message_and_nothing_is_saved(app):
    client = app.test_client()
    staff(app, client)
    location = _location(app)
    for phone, email in (("bel mij", ""), ("12", ""), ("", "info@"), ("", "a@x.be, b@y.be")):
        refused = client.post(
            f"/t/aalst/loket/locaties/{location.id}",
            data={**DETAILS, "contact_phone": phone, "contact_email": email},
        )
        page = refused.get_data(as_text=True)
        assert refused.status_code == 422, (phone, email)
        if phone:
            assert "Vul een telefoonnummer in, zoals 011 42 12 34." in page
            assert 'href="#contact_phone"' in page
        else:
            assert 'href="#contact_email"' in page
        assert "Traceback" not in page
    assert _stored(app, location.id).contact_phone == ""


def test_the_provider_sees_the_subsidy_but_cannot_change_it(app):
    client = app.test_client()
    organisation = provider(app, client)
    location = _location(app, organisation_id=organisation)
    page = client.get(f"/t/aalst/loket/locaties/{location.id}").get_data(as_text=True)
    assert 'name="vulnerable_subsidy"' not in page
    assert "Deze locatie krijgt geen extra subsidie voor kwetsbare gezinnen." in page
    client.post(
        f"/t/aalst/loket/locaties/{location.id}",
        data={**DETAILS, "vulnerable_subsidy": "y", "contact_phone": "011 42 12 34"},
    )
    stored = _stored(app, location.id)
    assert stored.vulnerable_subsidy is False and stored.contact_phone == "011 42 12 34"


def test_staff_add_a_free_price_location_with_subsidy_and_contact(app):
    client = app.test_client()
    staff(app, client)
    form = client.get("/t/aalst/loket/locaties/nieuw").get_data(as_text=True)
    assert 'name="tariff"' in form and 'name="contact_email"' in form
    bad = client.post(
        "/t/aalst/loket/locaties/nieuw",
        data={**NEW, "tariff": "duur", "contact_phone": "abc", "contact_email": "geen"},
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Kies een tarief." in page and "Vul een telefoonnummer in" in page
    assert 'href="#contact_email"' in page and 'value="De Kleine Reus"' in page
    created = client.post(
        "/t/aalst/loket/locaties/nieuw",
        data={
            **NEW,
            "tariff": "free_price",
            "vulnerable_subsidy": "y",
            "contact_phone": "+32 11 42 12 34",
            "contact_email": "reus@example.be",
        },
    )
    assert created.status_code == 302
    with tenant_db(app) as db:
        location = db.exec(select(Location)).one()
    assert (location.tariff, location.vulnerable_subsidy) == ("free_price", True)
    assert (location.contact_phone, location.contact_email) == (
        "+32 11 42 12 34",
        "reus@example.be",
    )


def test_a_location_added_without_a_tariff_is_income_related(app):
    client = app.test_client()
    staff(app, client)
    assert client.post("/t/aalst/loket/locaties/nieuw", data=NEW).status_code == 302
    with tenant_db(app) as db:
        location = db.exec(select(Location)).one()
    assert (location.tariff, location.vulnerable_subsidy) == ("income_related", False)


def test_the_allocation_learns_which_locations_have_the_subsidy(app):
    with tenant_db(app) as db:
        subsidised = make_location(db, "De Speelboom", places=2)
        subsidised.vulnerable_subsidy = True
        db.add(subsidised)
        plain = make_location(db, "De Vlinder", places=2)
        make_request(db, "Noor", [subsidised, plain])
        db.flush()
        pools = services.round_input(db, reserved=[], today=TODAY).pools
    assert {pool.location_id: pool.vulnerable_subsidy for pool in pools} == {
        subsidised.id: True,
        plain.id: False,
    }


def test_the_offer_shows_the_contact_staff_entered(app):
    client = app.test_client()
    staff(app, client)
    location = _location(app, places=1)
    client.post(
        f"/t/aalst/loket/locaties/{location.id}",
        data={**DETAILS, "contact_phone": "011 42 12 34", "contact_email": "info@speelboom.be"},
    )
    with tenant_db(app) as db:
        row = make_request(db, "Noor", [db.get(Location, location.id)])
        _round, [proposal] = services.run_round(db, reserved=[], seed=1, actor="t", today=TODAY)
        details = services.offer_details(db, row, proposal)
    assert (details.contact_phone, details.contact_email) == ("011 42 12 34", "info@speelboom.be")
