"""Issue 16 point 7, the request as a record: the channel as it was, a change that keeps the
registration date and is audited, a declined family's real state, school-age children counted
as school-age."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from core.models import AuditEntry
from plugins.loket import monitoring
from plugins.loket.models import ChildcareRequest, Preference
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

START = (TODAY + timedelta(days=40)).isoformat()
LATER = TODAY + timedelta(days=70)
BIRTH = (TODAY - timedelta(days=120)).isoformat()
REGISTERED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def parent(app, client, subject="ouder-an", tenant="aalst"):
    return signed_in_as(client, app, tenant, subject, ["parent"])


def staff(app, client):
    return signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])


def form_for(location, **changes) -> dict:
    form = {
        "child_first_name": "Lotte",
        "child_last_name": "Peeters",
        "birth_date": BIRTH,
        "desired_start": START,
        "days": ["mon-morning", "tue-morning"],
        "preference_1": str(location.id),
        "language": "nl",
        "action": "submit",
    }
    return {**form, **changes}


def _sent_request(app, client, **extra):
    """A parent's request sent on 5 January, with two choices."""
    user = parent(app, client)
    with tenant_db(app) as db:
        first = make_location(db, "De Speelboom")
        second = make_location(db, "Het Kabouterhuis")
        row = make_request(db, "Lotte", [first, second], parent_user_id=user.id, **extra)
        row.submitted_at = REGISTERED
        row.birth_date = date.fromisoformat(BIRTH)
        db.add(row)
    return row, first, second


def test_an_online_request_is_stored_and_shown_as_online_and_a_phone_one_as_phone(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    parent_client, staff_client = app.test_client(), app.test_client()
    parent(app, parent_client)
    staff(app, staff_client)
    assert (
        parent_client.post("/t/aalst/loket/aanvraag/nieuw", data=form_for(location)).status_code
        == 302
    )
    phoned = form_for(location, child_first_name="Bo", origin="phone", parent_email="b@x.be")
    assert staff_client.post("/t/aalst/loket/aanvraag/nieuw", data=phoned).status_code == 302
    with tenant_db(app) as db:
        rows = {r.child_first_name: r for r in db.exec(select(ChildcareRequest))}
    assert (rows["Lotte"].origin, rows["Bo"].origin) == ("online", "phone")
    online = staff_client.get(f"/t/aalst/loket/aanvragen/{rows['Lotte'].id}").get_data(as_text=True)
    phone = staff_client.get(f"/t/aalst/loket/aanvragen/{rows['Bo'].id}").get_data(as_text=True)
    assert "Online, door de ouder" in online and "Telefonisch" in phone
    listed = staff_client.get("/t/aalst/loket/werklijst?origin=online").get_data(as_text=True)
    assert "Lotte" in listed and "Bo Claes" not in listed


def test_a_parent_changes_a_sent_request_and_keeps_the_registration_date(app):
    client = app.test_client()
    row, first, second = _sent_request(app, client)
    page = client.get(f"/t/aalst/loket/aanvraag/{row.id}/bewerken")
    assert page.status_code == 200 and "Je inschrijvingsdatum blijft" in page.get_data(as_text=True)
    changed = form_for(
        second,
        desired_start=LATER.isoformat(),
        days=["wed-morning"],
        preference_2=str(first.id),
        care_needs=["dietary"],
    )
    response = client.post(f"/t/aalst/loket/aanvraag/{row.id}/bewerken", data=changed)
    assert response.status_code == 302
    with tenant_db(app) as db:
        saved = db.get(ChildcareRequest, row.id)
        ranked = db.exec(
            select(Preference.location_id)
            .where(Preference.request_id == row.id)
            .order_by(Preference.rank)
        ).all()
        entry = db.exec(
            select(AuditEntry).where(AuditEntry.action == "loket.request_changed")
        ).one()
    assert saved.status == "open" and saved.desired_start == LATER
    assert saved.days == ["wed-morning"] and saved.care_needs == ["dietary"]
    assert saved.submitted_at.replace(tzinfo=UTC) == REGISTERED
    assert ranked == [second.id, first.id]
    assert set(entry.detail["changed"]) == {"desired_start", "days", "care_needs", "preferences"}
    assert "Lotte" not in str(entry.detail)  # the audit names fields, not personal values


def test_a_change_keeps_a_declined_choice_declined(app):
    client = app.test_client()
    row, first, second = _sent_request(app, client)
    with tenant_db(app) as db:
        declined = db.exec(select(Preference).where(Preference.location_id == first.id)).one()
        declined.status = "declined"
        db.add(declined)
    changed = form_for(first, preference_2=str(second.id), days=["fri-morning"])
    client.post(f"/t/aalst/loket/aanvraag/{row.id}/bewerken", data=changed)
    with tenant_db(app) as db:
        states = {p.location_id: p.status for p in db.exec(select(Preference))}
    assert states == {first.id: "declined", second.id: "waiting"}


def test_bad_input_on_the_change_page_is_a_422_with_a_message(app):
    client = app.test_client()
    row, first, _second = _sent_request(app, client)
    bad = form_for(first, desired_start="31/02/2026", days=[])
    response = client.post(f"/t/aalst/loket/aanvraag/{row.id}/bewerken", data=bad)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Vul de datum in als dag/maand/jaar" in text
    with tenant_db(app) as db:
        assert db.get(ChildcareRequest, row.id).days == ["mon-morning"]


def test_another_parent_or_another_municipality_cannot_open_or_change_the_request(app):
    client = app.test_client()
    row, first, _second = _sent_request(app, client)
    other = app.test_client()
    parent(app, other, "ouder-bert")
    url = f"/t/aalst/loket/aanvraag/{row.id}/bewerken"
    assert other.get(url).status_code == 404
    assert other.post(url, data=form_for(first, days=["fri-morning"])).status_code == 404
    brugge = app.test_client()
    parent(app, brugge, "ouder-an", tenant="brugge")
    assert brugge.get(f"/t/brugge/loket/aanvraag/{row.id}/bewerken").status_code == 404
    assert (
        brugge.post(f"/t/brugge/loket/aanvraag/{row.id}/bewerken", data=form_for(first)).status_code
        == 404
    )
    with tenant_db(app) as db:
        assert db.get(ChildcareRequest, row.id).days == ["mon-morning"]


def test_a_request_with_a_proposal_or_a_place_cannot_be_changed(app):
    client = app.test_client()
    row, first, _second = _sent_request(app, client)
    with tenant_db(app) as db:
        saved = db.get(ChildcareRequest, row.id)
        saved.status = "proposed"
        db.add(saved)
    url = f"/t/aalst/loket/aanvraag/{row.id}/bewerken"
    assert client.post(url, data=form_for(first, days=["fri-morning"])).status_code == 302
    with tenant_db(app) as db:
        saved = db.get(ChildcareRequest, row.id)
        assert saved.days == ["mon-morning"]
        saved.status = "placed"
        db.add(saved)
    assert client.get(url).status_code == 404


def test_staff_change_a_request_for_the_family_and_a_changed_ground_needs_proof_again(app):
    client = app.test_client()
    row, first, _second = _sent_request(app, client, situation=["work_or_training"])
    with tenant_db(app) as db:
        saved = db.get(ChildcareRequest, row.id)
        saved.proof_checked = True
        db.add(saved)
    office = app.test_client()
    staff(app, office)
    changed = form_for(first, situation=["single_parent"], origin="paper")
    assert (
        office.post(f"/t/aalst/loket/aanvraag/{row.id}/bewerken", data=changed).status_code == 302
    )
    with tenant_db(app) as db:
        saved = db.get(ChildcareRequest, row.id)
        entry = db.exec(
            select(AuditEntry).where(AuditEntry.action == "loket.request_changed")
        ).one()
    assert saved.situation == ["single_parent"] and not saved.proof_checked
    assert saved.origin == "online"  # a change never rewrites the channel it came in by
    assert "situation" in entry.detail["changed"] and entry.on_behalf_of


def test_a_family_that_declined_reads_its_real_state_with_its_choices(app):
    client = app.test_client()
    row, first, second = _sent_request(app, client)
    with tenant_db(app) as db:
        for preference in db.exec(select(Preference)):
            preference.status = "declined" if preference.location_id == first.id else "refused"
            db.add(preference)
    page = client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "Wacht op een plaats" not in page
    assert "Geen keuze meer in aanmerking" in page
    assert "De Speelboom" in page and "Het Kabouterhuis" in page and "Geweigerd" in page
    assert "Deze aanvraag wijzigen" in page


def test_a_family_with_another_choice_left_after_declining_reads_so(app):
    client = app.test_client()
    row, first, _second = _sent_request(app, client)
    with tenant_db(app) as db:
        declined = db.exec(select(Preference).where(Preference.location_id == first.id)).one()
        declined.status = "declined"
        db.add(declined)
    page = client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "de andere keuzes blijven in aanmerking" in page


def test_school_age_children_are_counted_as_school_age_not_as_toddlers(app):
    with tenant_db(app) as db:
        school = make_location(db, "IBO De Vlieger", kind="buitenschoolse_opvang")
        crèche = make_location(db, "De Speelboom")
        for name, birth, location in (
            ("Sien", TODAY - timedelta(days=6 * 365), school),  # six years old
            ("Jules", TODAY - timedelta(days=33 * 30), school),  # 2.5–3, out-of-school care
            ("Mats", TODAY - timedelta(days=24 * 30), crèche),  # toddler
            ("Noor", TODAY - timedelta(days=100), crèche),  # baby
        ):
            row = make_request(db, name, [location])
            row.birth_date = birth
            db.add(row)
        db.flush()
        groups = dict(
            db.exec(sa.select(ChildcareRequest.child_first_name, monitoring._age_group())).all()
        )
    assert groups == {
        "Sien": "schoolchild",
        "Jules": "schoolchild",
        "Mats": "toddler",
        "Noor": "baby",
    }


def _columns(app, table: str) -> set[str]:
    engine = app.extensions["opvangplein.db"].engine
    return {column["name"] for column in sa.inspect(engine).get_columns(table)}


def test_loket_0006_downgrades_and_upgrades_again_keeping_the_online_channel(app):
    with tenant_db(app) as db:
        row = make_request(db, "Lotte", [])
        row.origin = "online"
        db.add(row)
    runner = app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "loket", "loket_0005"])
    assert down.exit_code == 0, down.output
    assert "round_explanation" not in _columns(app, "loket_request")
    assert not {"contact_phone", "contact_email"} & _columns(app, "loket_location")
    engine = app.extensions["opvangplein.db"].engine
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT origin FROM loket_request")).scalar() == "parent"
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert "round_explanation" in _columns(app, "loket_request")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT origin FROM loket_request")).scalar() == "online"
