"""A family may name an area (and a type of care) instead of ranking locations."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import select

from plugins.loket import monitoring, services
from plugins.loket.areas import area_locations, derived_area
from plugins.loket.models import ChildcareRequest, Location, Preference
from plugins.loket.services import RequestInput, validate_request
from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.plugins.loket.test_views import BIRTH, START, parent, staff

AREAS = {"9320 Erembodegem": {"groepsopvang"}, "9300 Aalst": {"groepsopvang", "gezinsopvang"}}


def area_input(**changes) -> RequestInput:
    values = {
        "child_first_name": "Lotte",
        "child_last_name": "Claes",
        "birth_date": date(2026, 3, 1),
        "desired_start": date(2026, 12, 1),
        "days": ["mon-morning"],
        "area": "9320 Erembodegem",
    }
    return RequestInput(**{**values, **changes})


def area_errors(data: RequestInput) -> dict[str, str]:
    return validate_request(
        data,
        today=date(2026, 11, 25),
        max_preferences=3,
        location_kinds={uuid.UUID(int=1): "groepsopvang"},
        area_kinds=AREAS,
    )


def test_an_area_instead_of_locations_is_a_complete_request():
    assert area_errors(area_input()) == {}
    assert area_errors(area_input(area="9300 Aalst", area_kind="gezinsopvang")) == {}


def test_area_mistakes_each_get_their_own_message():
    assert area_errors(area_input(area="Atlantis")) == {"area": "unknown_area"}
    assert area_errors(area_input(area_kind="gezinsopvang")) == {"area": "area_without_kind"}
    both = area_input(preferences=[uuid.UUID(int=1)])
    assert area_errors(both) == {"area": "locations_or_area"}
    assert area_errors(area_input(area="", area_kind="gezinsopvang")) == {
        "area": "area_required_for_kind"
    }
    assert area_errors(area_input(area="")) == {"preferences": "preferences_or_area_required"}
    school_age = area_input(birth_date=date(2022, 1, 1))
    assert area_errors(school_age) == {"area": "area_without_fitting_location"}


def test_a_location_without_an_area_gets_its_postcode_area():
    assert derived_area(" 9320 ", "Erembodegem ") == "9320 Erembodegem"


def located(db, name: str, area: str, **options) -> Location:
    location = make_location(db, name, **options)
    location.area = area
    db.add(location)
    db.flush()
    return location


def area_request(db, name: str, area: str, *, kind: str = "", **options) -> ChildcareRequest:
    request = make_request(db, name, [], **options)
    request.area, request.area_kind = area, kind
    db.add(request)
    db.flush()
    return request


def test_the_allocation_tries_the_areas_locations_in_alphabetical_order(app):
    with tenant_db(app) as db:
        zebra = located(db, "Zebra", "Erembodegem", places=1)
        located(db, "Appelboom", "Erembodegem", places=0)  # full: the family moves on
        located(db, "Kapoentje", "Erembodegem", places=1, kind="gezinsopvang")
        located(db, "Elders", "Centrum", places=1)
        located(db, "Schoolvos", "Erembodegem", places=1, kind="buitenschoolse_opvang")
        mila = area_request(db, "Mila", "Erembodegem", kind="groepsopvang")
        noor = area_request(db, "Noor", "Erembodegem")
        assert [loc.name for loc in area_locations(db.exec(select(Location)), "Erembodegem")] == [
            "Appelboom",
            "Kapoentje",
            "Schoolvos",
            "Zebra",
        ]
        data = services.round_input(db, reserved=(), today=TODAY)
        by_id = {a.id: a for a in data.applicants}
        # Out-of-school care is left out for a baby; a type of care narrows the area further.
        assert len(by_id[noor.id].preferences) == 3
        assert len(by_id[mila.id].preferences) == 2
        _, proposals = services.run_round(db, reserved=(), seed=5, actor="t", today=TODAY)
        placed = {p.request_id: p for p in proposals}
        assert placed[mila.id].location_id == zebra.id
        assert placed[mila.id].explanation["area"] == "Erembodegem"
        assert placed[mila.id].explanation["area_order"] == "location_name"
        assert placed[mila.id].explanation["rank"] == 2  # Appelboom was tried first
        assert placed[noor.id].preference_rank == 2  # Kapoentje, after the full Appelboom
        assert db.exec(select(Preference)).all() == []  # an area is never turned into ranks


def test_a_declined_area_proposal_is_not_made_again_but_the_area_stays_open(app):
    with tenant_db(app) as db:
        located(db, "Appelboom", "Erembodegem", places=1)
        zebra = located(db, "Zebra", "Erembodegem", places=1)
        mila = area_request(db, "Mila", "Erembodegem")
        [first] = services.run_round(db, reserved=(), seed=5, actor="t", today=TODAY)[1]
        services.confirm_proposal(db, first)
        services.decline_proposal(db, first)
        [second] = services.run_round(db, reserved=(), seed=6, actor="t", today=TODAY)[1]
        assert (second.request_id, second.location_id) == (mila.id, zebra.id)


def test_children_without_a_place_count_in_the_area_they_asked_for(app):
    with tenant_db(app) as db:
        centre = located(db, "Elders", "Centrum", places=0)
        area_request(db, "Mila", "Erembodegem")
        area_request(db, "Noor", "Erembodegem")
        make_request(db, "Lou", [centre])
        placed = area_request(db, "Vic", "Erembodegem")
        placed.status = "placed"
        db.add(placed)
        figures = monitoring.dashboard_figures(db, today=TODAY)
    assert figures.tables["area"] == [("Centrum", 1), ("Erembodegem", 2)]


def test_a_parent_chooses_an_area_on_the_form_and_sees_it_in_the_request(app):
    with tenant_db(app) as db:
        located(db, "Appelboom", "Erembodegem")
    client = app.test_client()
    parent(app, client)
    form = client.get("/t/aalst/loket/aanvraag/nieuw").get_data(as_text=True)
    assert '<option value="Erembodegem"' in form
    base = {
        "child_first_name": "Lotte",
        "child_last_name": "Claes",
        "birth_date": BIRTH,
        "desired_start": START,
        "days": ["mon-morning"],
        "action": "submit",
    }
    unknown = client.post("/t/aalst/loket/aanvraag/nieuw", data={**base, "area": "Atlantis"})
    assert unknown.status_code == 422
    assert "Kies een gebied uit de lijst." in unknown.get_data(as_text=True)
    nothing = client.post("/t/aalst/loket/aanvraag/nieuw", data=base)
    assert "Kies minstens één locatie, of een gebied." in nothing.get_data(as_text=True)
    wrong_kind = {**base, "area": "Erembodegem", "area_kind": "gezinsopvang"}
    page = client.post("/t/aalst/loket/aanvraag/nieuw", data=wrong_kind).get_data(as_text=True)
    assert "Dit gebied heeft geen locatie van het gekozen type opvang." in page
    done = client.post("/t/aalst/loket/aanvraag/nieuw", data={**base, "area": "Erembodegem"})
    assert done.status_code == 302
    mine = client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "Eender welke locatie in Erembodegem" in mine
    with tenant_db(app) as db:
        request = db.exec(select(ChildcareRequest)).one()
        assert (request.area, request.status) == ("Erembodegem", "open")


def test_staff_filter_the_work_list_by_area(app):
    with tenant_db(app) as db:
        located(db, "Appelboom", "Erembodegem")
        area_request(db, "Mila", "Erembodegem")
        make_request(db, "Lou", [], submitted=datetime(2026, 1, 1, tzinfo=UTC))
    client = app.test_client()
    staff(app, client)
    page = client.get("/t/aalst/loket/werklijst?area=Erembodegem").get_data(as_text=True)
    assert "Mila Peeters" in page and "Lou Peeters" not in page
    assert '<option value="Erembodegem" selected>' in page
