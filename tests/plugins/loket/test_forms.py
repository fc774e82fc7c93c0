"""What the loket's forms guarantee, tried from the attacker's side: control characters,
address lists and HEAD requests never reach the database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from plugins.loket.models import (
    ChildcareRequest,
    FreePlace,
    InfoRegistration,
    InfoSession,
    Proposal,
)
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_views import parent, request_form, staff
from tests.support.apps import probe_app

CONTROL_MESSAGE = "Verwijder de onzichtbare stuurtekens uit dit veld."
ONE_ADDRESS_MESSAGE = "Vul één e-mailadres in, zoals naam@voorbeeld.be."


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


@pytest.mark.parametrize("action", ["submit", "draft"])
def test_a_nul_byte_in_the_childs_name_is_refused_and_nothing_is_saved(app, action):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    client = app.test_client()
    parent(app, client)
    form = request_form(location, child_first_name="Lot\x00te", action=action)
    response = client.post("/t/aalst/loket/aanvraag/nieuw", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert CONTROL_MESSAGE in page and 'href="#child_first_name"' in page
    assert 'id="child_first_name-error"' in page and 'value="Claes"' in page
    with tenant_db(app) as db:
        assert db.exec(select(ChildcareRequest)).all() == []


def test_a_list_of_addresses_as_the_parents_e_mail_is_refused(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    client = app.test_client()
    staff(app, client)
    form = request_form(location, origin="phone", parent_email="a@x.be,b@y.be")
    response = client.post("/t/aalst/loket/aanvraag/nieuw", data=form)
    assert response.status_code == 422
    assert ONE_ADDRESS_MESSAGE in response.get_data(as_text=True)
    with tenant_db(app) as db:
        assert db.exec(select(ChildcareRequest)).all() == []


def plan(db) -> InfoSession:
    session = InfoSession(
        title="Infoavond", starts_at=datetime.now(UTC) + timedelta(days=10), capacity=5
    )
    db.add(session)
    db.flush()
    return session


def test_registering_two_addresses_at_once_for_an_info_session_is_refused(app, mail_sink):
    with tenant_db(app) as db:
        session_id = plan(db).id
    visitor = app.test_client()
    url = f"/t/aalst/loket/infosessies/{session_id}/inschrijven"
    response = visitor.post(url, data={"name": "An", "email": "a@x.be,b@y.be"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ONE_ADDRESS_MESSAGE in page and f'href="#email-{session_id}"' in page
    with tenant_db(app) as db:
        assert db.exec(select(InfoRegistration)).all() == []
    assert mail_sink.messages == []


def test_a_control_character_in_an_info_session_title_is_refused(app):
    client = app.test_client()
    staff(app, client)
    form = {"title": "Info\x07avond", "starts_at": "2030-03-01T19:30", "capacity": "25"}
    response = client.post("/t/aalst/loket/infosessies", data=form)
    assert response.status_code == 422 and CONTROL_MESSAGE in response.get_data(as_text=True)
    with tenant_db(app) as db:
        assert db.exec(select(InfoSession)).all() == []


def test_head_on_the_round_url_runs_no_round(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        make_request(db, "Noor", [location])
    client = app.test_client()
    staff(app, client)
    assert client.head("/t/aalst/loket/rondes").status_code == 200
    with tenant_db(app) as db:
        assert db.exec(select(Proposal)).all() == []


def test_head_on_a_draft_with_form_data_changes_nothing(app):
    client = app.test_client()
    user = parent(app, client)
    with tenant_db(app) as db:
        row = make_request(db, "Mila", [], parent_user_id=user.id)
        row.status = "draft"
        db.add(row)
    url = f"/t/aalst/loket/aanvraag/{row.id}/bewerken"
    response = client.open(
        url, method="HEAD", data={"child_first_name": "Anders", "action": "submit"}
    )
    assert response.status_code == 200
    with tenant_db(app) as db:
        stored = db.get(ChildcareRequest, row.id)
        assert (stored.child_first_name, stored.status) == ("Mila", "draft")


def test_a_crafted_answer_to_a_proposal_is_not_taken_as_a_decline(app):
    client = app.test_client()
    user = parent(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        row = make_request(db, "Noor", [location], parent_user_id=user.id)
        proposal = Proposal(
            request_id=row.id,
            location_id=location.id,
            free_place_id=db.exec(select(FreePlace)).one().id,
            status="awaiting_parent",
            deadline=datetime.now(UTC) + timedelta(days=3),
        )
        db.add(proposal)
    url = f"/t/aalst/loket/voorstel/{proposal.id}/antwoord"
    assert client.post(url, data={"answer": "acept"}).status_code == 400
    with tenant_db(app) as db:
        assert db.get(Proposal, proposal.id).status == "awaiting_parent"
