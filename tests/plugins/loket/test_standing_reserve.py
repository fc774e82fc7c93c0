"""Issue 16, point 2: places for occasional and emergency care are a standing reserve per
location, kept once, not a share taken from every free-place report."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from plugins.loket.models import ChildcareRequest, FreePlace, Location, Proposal
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_views import provider, staff
from tests.support.apps import probe_app

ONE_PLACE = {"places": "1", "age_group": "baby", "available_from": TODAY.isoformat()}


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _nineteen_places_and_six_families(app, organisation):
    with tenant_db(app) as db:
        # The tenant's default reserve: 5 % of 19 licensed places, rounded: 1 place.
        location = make_location(db, "De Linde", capacity=19, organisation_id=organisation)
        for name in ("An", "Bo", "Cas", "Daan", "Eva", "Fien"):
            make_request(db, name, [location])
    return location.id


def _report_one_place(client, location_id, times: int) -> None:
    for _ in range(times):
        response = client.post(f"/t/aalst/loket/plaatsen/{location_id}/vrij", data=ONE_PLACE)
        assert response.status_code == 302


def _proposals_after_a_round(app) -> int:
    client = app.test_client()
    staff(app, client)
    assert client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        return len(db.exec(select(Proposal)).all())


def test_one_place_reported_three_times_is_offered_three_times_once_the_reserve_is_kept(app):
    client = app.test_client()
    location_id = _nineteen_places_and_six_families(app, provider(app, client))
    _report_one_place(client, location_id, 1)  # fills the standing reserve
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "1 van 1 plaatsen vrijgehouden" in page and "De reserve is vol" in page
    _report_one_place(client, location_id, 3)
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert page.count("(0 in de reserve, 0 ingenomen)") == 3
    assert _proposals_after_a_round(app) == 3


def test_while_the_reserve_is_not_filled_the_first_place_fills_it_and_the_rest_are_offered(app):
    client = app.test_client()
    location_id = _nineteen_places_and_six_families(app, provider(app, client))
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "0 van 1 plaatsen vrijgehouden" in page
    assert "De volgende 1 gemelde plaatsen vullen de reserve aan" in page
    _report_one_place(client, location_id, 3)
    with tenant_db(app) as db:
        assert sorted(db.exec(select(FreePlace.held_back)).all()) == [0, 0, 1]
    assert _proposals_after_a_round(app) == 2


def test_staff_set_the_reserve_per_location_and_see_it(app):
    provider_client, staff_client = app.test_client(), app.test_client()
    organisation = provider(app, provider_client)
    location_id = _nineteen_places_and_six_families(app, organisation)
    staff(app, staff_client)
    page = staff_client.get(f"/t/aalst/loket/locaties/{location_id}").get_data(as_text=True)
    assert "0 van 1 plaatsen vrijgehouden. (de instelling van de gemeente)" in page
    details = {
        "tariff": "income_related",
        "opening_days": ["mon"],
        "day_parts": ["morning"],
        "provider_organisation_id": str(organisation),
    }
    bad = staff_client.post(
        f"/t/aalst/loket/locaties/{location_id}", data={**details, "reserve_places": "-2"}
    )
    assert bad.status_code == 422
    assert "Geef een aantal plaatsen van 0 tot 1000." in bad.get_data(as_text=True)
    saved = staff_client.post(
        f"/t/aalst/loket/locaties/{location_id}", data={**details, "reserve_places": "0"}
    )
    assert saved.status_code == 302
    with tenant_db(app) as db:
        assert db.get(Location, location_id).reserve_places == 0
    _report_one_place(provider_client, location_id, 1)
    assert _proposals_after_a_round(app) == 1


def test_a_reserved_place_used_for_an_emergency_is_refilled_by_the_next_report(app):
    provider_client, staff_client = app.test_client(), app.test_client()
    location_id = _nineteen_places_and_six_families(app, provider(app, provider_client))
    staff(app, staff_client)
    _report_one_place(provider_client, location_id, 1)
    with tenant_db(app) as db:
        reserved = db.exec(select(FreePlace)).one()
        child = db.exec(select(ChildcareRequest).where(ChildcareRequest.child_first_name == "An"))
        child_id = child.one().id
    placed = staff_client.post(
        f"/t/aalst/loket/aanvragen/{child_id}/noodopvang",
        data={"free_place_id": str(reserved.id)},
    )
    assert placed.status_code == 302
    _report_one_place(provider_client, location_id, 2)
    with tenant_db(app) as db:
        held = [row.held_back for row in db.exec(select(FreePlace).order_by(FreePlace.reported_at))]
    assert held == [1, 1, 0]  # the emergency used the reserve; the next place refilled it
