"""Buildings: a starter sees the ones that fit the planned places, staff record the match."""

from __future__ import annotations

from sqlmodel import select

from plugins.starters.models import Building, BuildingInterest
from tests.plugins.starters.conftest import (
    client_as,
    project_form,
    start,
    step_url,
    tenant_db,
)


def add_buildings(app):
    with tenant_db(app) as db:
        big = Building(address="Dorpsstraat 12", area_m2=180, suitable_places=18)
        small = Building(address="Schoolstraat 3", area_m2=90, suitable_places=8)
        db.add_all([big, small])
    return big.id, small.id


def test_a_starter_sees_buildings_that_fit_the_planned_places_and_shows_interest(app):
    big, small = add_buildings(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = start(sofie)
    sofie.post(step_url(application_id, "project"), data=project_form(planned_places="14"))
    page = sofie.get("/t/aalst/starters/panden").get_data(as_text=True)
    assert "Dorpsstraat 12" in page and "Schoolstraat 3" not in page
    response = sofie.post(
        f"/t/aalst/starters/panden/{big}/interesse",
        data={"application_id": str(application_id), "message": "Past perfect."},
    )
    assert response.status_code == 303
    # Interest can only be shown for one's own application.
    jan = client_as(app, "jan", ["starter"])
    refused = jan.post(
        f"/t/aalst/starters/panden/{small}/interesse",
        data={"application_id": str(application_id)},
    )
    assert refused.status_code == 404

    staff = client_as(app, "els", ["staff:starters"])
    overview = staff.get("/t/aalst/starters/panden").get_data(as_text=True)
    assert "Past perfect." in overview and "Schoolstraat 3" in overview
    with tenant_db(app) as db:
        interest = db.exec(select(BuildingInterest)).one()
    no_choice = staff.post(f"/t/aalst/starters/panden/interesse/{interest.id}", data={})
    assert no_choice.status_code == 422
    assert f'href="#outcome-{interest.id}"' in no_choice.get_data(as_text=True)
    matched = staff.post(
        f"/t/aalst/starters/panden/interesse/{interest.id}",
        data={"outcome": "matched", "note": "Sleutel op 1 maart."},
    )
    assert matched.status_code == 303
    with tenant_db(app) as db:
        assert db.exec(select(BuildingInterest)).one().outcome == "matched"
        assert db.get(Building, big).status == "allocated"
    # No longer offered as available; the starter reads the outcome of their interest instead.
    page = sofie.get("/t/aalst/starters/panden").get_data(as_text=True)
    assert f'id="building-{big}"' not in page
    assert "Dorpsstraat 12: Gekoppeld" in page


def test_staff_add_a_building_and_bad_input_is_explained(app):
    staff = client_as(app, "els", ["staff:starters"])
    response = staff.post(
        "/t/aalst/starters/panden", data={"address": "Markt 1", "area_m2": "groot"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#area_m2"' in page and 'href="#suitable_places"' in page
    assert 'value="Markt 1"' in page
    response = staff.post(
        "/t/aalst/starters/panden",
        data={"address": "Markt 1", "area_m2": "120", "suitable_places": "12"},
    )
    assert response.status_code == 303
    with tenant_db(app) as db:
        assert db.exec(select(Building)).one().suitable_places == 12
