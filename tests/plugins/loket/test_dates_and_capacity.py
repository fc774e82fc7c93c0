"""Issue 16, point 5: allocation respects the day a place is free, the licensed capacity caps
what a provider reports, and proposals waiting for a provider expire at a deadline it sees."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.jobs.runner import run_job
from plugins.loket.models import (
    ChildcareRequest,
    FreePlace,
    LocationCapacity,
    Preference,
    Proposal,
)
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_views import provider, staff
from tests.support.apps import probe_app

FREE_FROM = TODAY + timedelta(days=30)  # "4 January"


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _wanting(db, name, location, start, registered_days_ago):
    request = make_request(
        db,
        name,
        [location],
        submitted=datetime.now(UTC) - timedelta(days=registered_days_ago),
    )
    request.birth_date = TODAY - timedelta(days=90)
    request.desired_start = start
    db.add(request)
    return request


def _run_round(app):
    client = app.test_client()
    staff(app, client)
    assert client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302


def _report(client, location_id, places, free_from=FREE_FROM, age_group="baby"):
    form = {"places": str(places), "age_group": age_group, "available_from": free_from.isoformat()}
    return client.post(f"/t/aalst/loket/plaatsen/{location_id}/vrij", data=form)


def test_a_place_free_from_a_day_goes_to_the_child_wanted_then_not_months_later(app):
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Linde", organisation_id=organisation)
        location.reserve_places = 0  # this test is about dates, not the reserve
        # Registered first, but wanted six months after the place is free.
        _wanting(db, "Juli", location, FREE_FROM + timedelta(days=185), registered_days_ago=90)
        exact = _wanting(db, "Januari", location, FREE_FROM, registered_days_ago=10).id
    assert _report(client, location.id, 1).status_code == 302
    _run_round(app)
    with tenant_db(app) as db:
        assert [p.request_id for p in db.exec(select(Proposal))] == [exact]


def test_each_matched_child_gets_the_free_place_that_fits_its_start(app):
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Linde", organisation_id=organisation)
        location.reserve_places = 0  # this test is about dates, not the reserve
        soon = _wanting(db, "Vroeg", location, FREE_FROM, registered_days_ago=5).id
        later = _wanting(db, "Later", location, FREE_FROM + timedelta(days=90), 50).id
    _report(client, location.id, 1, free_from=FREE_FROM + timedelta(days=60))
    _report(client, location.id, 1, free_from=FREE_FROM)
    _run_round(app)
    with tenant_db(app) as db:
        free_from = {row.id: row.available_from for row in db.exec(select(FreePlace))}
        given = {p.request_id: free_from[p.free_place_id] for p in db.exec(select(Proposal))}
    assert given == {soon: FREE_FROM, later: FREE_FROM + timedelta(days=60)}


def test_a_childminder_licensed_for_four_cannot_report_twenty_three_places(app):
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "Onthaal Els", kind="gezinsopvang", capacity=0)
        location.provider_organisation_id = organisation
        db.add(LocationCapacity(location_id=location.id, age_group="toddler", places=4))
        for name in [f"Kind{number}" for number in range(6)]:
            make_request(db, name, [location])
    too_many = _report(client, location.id, 23, age_group="toddler")
    page = too_many.get_data(as_text=True)
    assert too_many.status_code == 422
    assert "vergunning voor 4 plaatsen" in page and "nog hoogstens 4 melden" in page
    assert _report(client, location.id, 3, age_group="toddler").status_code == 302
    again = _report(client, location.id, 2, age_group="toddler")
    assert again.status_code == 422 and "nog hoogstens 1 melden" in again.get_data(as_text=True)
    no_babies = _report(client, location.id, 1, age_group="baby")
    assert no_babies.status_code == 422
    assert "geen vergunde plaatsen voor deze leeftijdsgroep" in no_babies.get_data(as_text=True)
    with tenant_db(app) as db:
        assert db.exec(select(FreePlace.places)).all() == [3]


def test_a_proposal_the_provider_leaves_unanswered_expires_after_the_setting(app, mail_sink):
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Linde", places=1, organisation_id=organisation)
        family = make_request(db, "Noor", [location], email="noor@ouders.test").id
    _run_round(app)
    with tenant_db(app) as db:
        proposal = db.exec(select(Proposal)).one()
    deadline = proposal.deadline.replace(tzinfo=UTC)
    assert timedelta(days=4, hours=23) < deadline - datetime.now(UTC) <= timedelta(days=5)
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    shown = deadline.astimezone(ZoneInfo("Europe/Brussels"))
    assert f"Antwoord vóór {shown:%d/%m/%Y %H:%M}, anders vervalt het voorstel." in page
    provider_mail = [m for m in mail_sink.messages if "De Linde" in m["Subject"]][0]
    assert "binnen 5 dagen" in provider_mail.get_content()

    run_job(app, "loket.expire-proposals", now=deadline - timedelta(minutes=1))
    with tenant_db(app) as db:
        assert db.get(Proposal, proposal.id).status == "awaiting_provider"
    run_job(app, "loket.expire-proposals", now=deadline + timedelta(minutes=1))
    with tenant_db(app) as db:
        assert db.get(Proposal, proposal.id).status == "expired"
        assert db.get(ChildcareRequest, family).status == "open"
        assert db.exec(select(Preference.status)).all() == ["waiting"]
    lapsed = [m for m in mail_sink.messages if m["To"] == "noor@ouders.test"][-1]
    assert "vervallen" in lapsed["Subject"]
    assert "bevestigde de voorgestelde plaats niet op tijd" in lapsed.get_content()
