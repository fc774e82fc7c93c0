"""Issue 16, providers: a provider sees, per own location, its occupancy per age group and the
children placed there — never another provider's locations, nor another municipality's."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlmodel import select

from plugins.loket import services
from plugins.loket.models import FreePlace, LocationCapacity, Proposal
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_views import provider, staff
from tests.support.apps import probe_app
from tests.support.auth import make_partner, make_user, sign_in


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def occupancy_row(page: str, location_id, age_group: str) -> list[int]:
    """The numbers of one age group's row: licensed, placed, emergency, proposed, offered,
    reserve."""
    table = re.search(rf'<table[^>]*id="occupancy-{location_id}">(.*?)</table>', page, re.S)
    assert table, "no occupancy table for the location"
    row = re.search(rf'data-age-group="{age_group}">(.*?)</tr>', table.group(1), re.S)
    assert row, f"no row for {age_group}"
    return [int(cell) for cell in re.findall(r'<td class="utrecht-table__cell">(\d+)</td>', row[1])]


def children_table(page: str, location_id) -> str:
    found = re.search(rf'<table[^>]*id="children-{location_id}">(.*?)</table>', page, re.S)
    return found.group(1) if found else ""


@pytest.fixture
def filled(app):
    """De Speelboom (the provider's): 6 baby places reported with a reserve of 2; Noor placed,
    Eva placed in an emergency, Mila and Lars proposed. De Vlinder belongs to someone else."""
    provider_client = app.test_client()
    organisation = provider(app, provider_client)
    other_client = app.test_client()
    other_org = provider(app, other_client, organisation="het-vlindertje")
    with tenant_db(app) as db:
        own = make_location(
            db, "De Speelboom", places=6, capacity=14, organisation_id=organisation, reserve=2
        )
        db.add(LocationCapacity(location_id=own.id, age_group="toddler", places=6))
        theirs = make_location(db, "De Vlinder", places=2, organisation_id=other_org)
        families = {name: make_request(db, name, [own]) for name in ("Noor", "Mila", "Lars")}
        zoe = make_request(db, "Zoë", [theirs])
        eva = make_request(db, "Eva", [])
        services.run_round(db, reserved=[], seed=1, actor="test", today=TODAY)
        for proposal in db.exec(select(Proposal)):
            if proposal.request_id in (families["Noor"].id, zoe.id):
                services.confirm_proposal(db, proposal)
                services.accept_proposal(db, proposal)
        reported = db.exec(select(FreePlace).where(FreePlace.location_id == own.id)).one()
        services.emergency_placement(db, eva, reported)
        ids = {"own": own.id, "theirs": theirs.id}
    return provider_client, ids, other_client


def test_a_provider_sees_occupancy_per_age_group_at_its_own_location(app, filled):
    client, ids, other = filled
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    # licensed, placed (emergency too), of which emergency, proposals open, offered, reserve
    assert occupancy_row(page, ids["own"], "baby") == [14, 2, 1, 2, 1, 1]
    assert occupancy_row(page, ids["own"], "toddler") == [6, 0, 0, 0, 0, 0]
    assert "Bezetting per leeftijdsgroep" in page


def test_a_provider_sees_the_children_placed_with_start_date_and_emergency(app, filled):
    client, ids, other = filled
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    children = children_table(page, ids["own"])
    body = children.split("<tbody", 1)[1]
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", body, re.S)
    cells = [re.findall(r'<td class="utrecht-table__cell">(.*?)</td>', row) for row in rows]
    shown = sorted((name, start, group.split(" ")[0], kind) for name, start, group, kind in cells)
    day = f"{TODAY:%d/%m/%Y}"
    assert shown == [
        ("Eva Peeters", day, "Baby", "Noodopvang"),
        ("Noor Peeters", day, "Baby", "Gewone plaats"),
    ]
    # Proposed children are not placed yet; another provider's child never shows.
    assert "Mila Peeters" not in children and "Zoë" not in page


def test_a_provider_sees_nothing_of_another_providers_location(app, filled):
    client, ids, other = filled
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "De Vlinder" not in page and f"occupancy-{ids['theirs']}" not in page
    theirs = other.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert (
        "De Speelboom" not in theirs
        and "Noor Peeters" not in theirs
        and "Eva Peeters" not in theirs
    )
    assert occupancy_row(theirs, ids["theirs"], "baby")[1] == 1  # Zoë
    assert "Zoë Peeters" in children_table(theirs, ids["theirs"])


def test_the_same_provider_at_another_municipality_sees_only_that_municipality(app, filled):
    client, ids, other = filled
    user = make_user(app, "opvang-brugge")
    make_partner(app, "brugge", user, "de-speelboom", ["loket"])
    brugge = app.test_client()
    sign_in(brugge, app, "brugge", user)
    page = brugge.get("/t/brugge/loket/plaatsen").get_data(as_text=True)
    assert "De Speelboom" not in page and "Noor" not in page
    assert "Je organisatie heeft nog geen locaties in deze gemeente." in page


def test_staff_and_parents_do_not_get_the_providers_page(app, filled):
    staff_client = app.test_client()
    staff(app, staff_client)
    assert staff_client.get("/t/aalst/loket/plaatsen").status_code == 403
    assert app.test_client().get("/t/aalst/loket/plaatsen").status_code == 401
