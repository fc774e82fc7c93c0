"""Staff record the outcome of a starter's interest in a building with the form as the page
renders it (issue 21): each choice is saved and shown to staff and the starter; a bad value is
explained."""

from __future__ import annotations

from sqlmodel import select

from plugins.starters.models import Building, BuildingInterest
from tests.plugins.starters.conftest import client_as, project_form, start, step_url, tenant_db
from tests.support.form_filler import local_path, post_forms

BUILDINGS = "/t/aalst/starters/panden"


def _interest_in_two_buildings(app):
    with tenant_db(app) as db:
        big = Building(address="Dorpsstraat 12", area_m2=180, suitable_places=18)
        other = Building(address="Molenstraat 7", area_m2=200, suitable_places=20)
        db.add_all([big, other])
    sofie = client_as(app, "sofie", ["starter"])
    application_id = start(sofie)
    sofie.post(step_url(application_id, "project"), data=project_form(planned_places="14"))
    for building in (big, other):
        response = sofie.post(
            f"{BUILDINGS}/{building.id}/interesse", data={"application_id": str(application_id)}
        )
        assert response.status_code == 303
    return sofie, big, other


def _outcome_forms(staff) -> dict:
    """The outcome forms on staff's page, by their action (one per pending interest)."""
    page = staff.get(BUILDINGS).get_data(as_text=True)
    return {
        local_path(form.action): form
        for form in post_forms(page, BUILDINGS)
        if "/panden/interesse/" in form.action
    }


def test_staff_save_each_outcome_choice_with_the_rendered_form_and_both_sides_see_it(app):
    sofie, big, other = _interest_in_two_buildings(app)
    staff = client_as(app, "els", ["staff:starters"])
    with tenant_db(app) as db:
        interests = {row.building_id: row.id for row in db.exec(select(BuildingInterest))}
    forms = _outcome_forms(staff)
    assert len(forms) == 2
    for building_id, outcome, note in (
        (big.id, "matched", "Sleutel op 1 maart."),
        (other.id, "not_matched", "Te ver van het centrum."),
    ):
        form = forms[f"{BUILDINGS}/interesse/{interests[building_id]}"]
        body = form.plausible_body()
        # Exactly what the radio buttons on the page send, nothing the test invents.
        offered = [f.value for f in form.fields if f.kind == "radio"]
        assert outcome in offered
        radio_name = next(f.name for f in form.fields if f.kind == "radio")
        body[radio_name] = [outcome]
        body["note"] = [note]
        response = staff.post(local_path(form.action), data=body)
        assert response.status_code == 303, response.get_data(as_text=True)
    with tenant_db(app) as db:
        saved = {row.building_id: row for row in db.exec(select(BuildingInterest))}
        assert saved[big.id].outcome == "matched"
        assert saved[other.id].outcome == "not_matched"
        assert db.get(Building, big.id).status == "allocated"
        assert db.get(Building, other.id).status == "available"
    overview = staff.get(BUILDINGS).get_data(as_text=True)
    assert "Gekoppeld" in overview and "Niet gekoppeld" in overview
    assert "Sleutel op 1 maart." in overview
    # The starter reads the outcome too, also for the building now allocated to them.
    own = sofie.get(BUILDINGS).get_data(as_text=True)
    assert "Dorpsstraat 12" in own and "Gekoppeld" in own and "Sleutel op 1 maart." in own
    assert "Molenstraat 7" in own and "Niet gekoppeld" in own


def test_an_unknown_outcome_is_explained_in_the_page_and_nothing_is_saved(app):
    _interest_in_two_buildings(app)
    staff = client_as(app, "els", ["staff:starters"])
    action, form = next(iter(_outcome_forms(staff).items()))
    body = form.plausible_body()
    body["outcome"] = ["allocated\x00"]
    response = staff.post(action, data=body)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Kies een van de mogelijkheden." in page or "Kies gekoppeld of niet gekoppeld." in page
    assert "Traceback" not in page
    body["outcome"] = ["bogus"]
    response = staff.post(action, data=body)
    assert response.status_code == 422
    assert "Kies een van de mogelijkheden." in response.get_data(as_text=True)
    with tenant_db(app) as db:
        assert {row.outcome for row in db.exec(select(BuildingInterest))} == {"pending"}


def test_a_starter_or_another_tenant_cannot_record_an_outcome(app):
    sofie, _big, _other = _interest_in_two_buildings(app)
    with tenant_db(app) as db:
        interest = db.exec(select(BuildingInterest)).first()
    url = f"{BUILDINGS}/interesse/{interest.id}"
    assert sofie.post(url, data={"outcome": "matched"}).status_code == 403
    brugge = client_as(app, "bea", ["staff:starters"], slug="brugge")
    assert (
        brugge.post(
            f"/t/brugge/starters/panden/interesse/{interest.id}", data={"outcome": "matched"}
        ).status_code
        == 404
    )
    staff = client_as(app, "els", ["staff:starters"])
    assert staff.head(url).status_code in (404, 405)
    with tenant_db(app) as db:
        assert db.get(BuildingInterest, interest.id).outcome == "pending"
