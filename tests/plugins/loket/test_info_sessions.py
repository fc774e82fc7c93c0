"""Info sessions: seats, a waiting list that moves up, reminders once, attendance."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.jobs.runner import run_job
from plugins.loket import info_sessions
from plugins.loket.models import InfoRegistration, InfoSession
from tests.plugins.loket.conftest import LOKET_TENANTS, tenant_db
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def plan(db, capacity=2, starts_in=timedelta(days=10)) -> InfoSession:
    session = InfoSession(
        title="Hoe werkt het e-loket?",
        starts_at=datetime.now(UTC) + starts_in,
        place="Huis van het Kind, Aalst",
        capacity=capacity,
    )
    db.add(session)
    db.flush()
    return session


def test_a_full_session_puts_people_on_a_waiting_list_that_moves_up(app):
    with tenant_db(app) as db:
        session = plan(db, capacity=1)
        first = info_sessions.register(db, session, name="An", email="an@example.be")
        second = info_sessions.register(db, session, name="Bert", email="bert@example.be")
        assert (first.status, second.status) == ("registered", "waiting")
        with pytest.raises(info_sessions.AlreadyRegistered):
            info_sessions.register(db, session, name="An", email="AN@example.be")
        assert info_sessions.cancel(db, first) is second
        assert second.status == "registered"


def test_reminders_go_out_once_for_sessions_within_two_days(app, mail_sink):
    with tenant_db(app) as db:
        soon = plan(db, starts_in=timedelta(days=1))
        later = plan(db, starts_in=timedelta(days=9))
        info_sessions.register(db, soon, name="An", email="an@example.be")
        info_sessions.register(db, later, name="Bert", email="bert@example.be")
    first = run_job(app, "loket.remind")
    assert first.reports == [("aalst", "1 reminders"), ("brugge", "0 reminders")]
    assert run_job(app, "loket.remind").reports[0] == ("aalst", "0 reminders")
    [mail] = mail_sink.messages
    assert mail["To"] == "an@example.be" and "Herinnering" in mail["Subject"]
    assert "http://" in mail.get_content() and "/t/aalst/loket/infosessies" in mail.get_content()


def test_anyone_registers_through_the_page_and_staff_record_attendance(app, mail_sink):
    with tenant_db(app) as db:
        session = plan(db, capacity=1)
    visitor = app.test_client()
    url = f"/t/aalst/loket/infosessies/{session.id}/inschrijven"
    bad = visitor.post(url, data={"name": "An", "email": "geen-adres"})
    assert bad.status_code == 422 and 'value="An"' in bad.get_data(as_text=True)
    assert visitor.post(url, data={"name": "An", "email": "an@example.be"}).status_code == 302
    visitor.post(url, data={"name": "Bert", "email": "bert@example.be"})
    assert "wachtlijst" in mail_sink.messages[-1]["Subject"]
    staff = app.test_client()
    signed_in_as(staff, app, "aalst", "loket-medewerker", ["staff:loket"])
    with tenant_db(app) as db:
        an = db.exec(select(InfoRegistration).where(InfoRegistration.name == "An")).one()
    staff.post(
        f"/t/aalst/loket/infosessies/{session.id}/aanwezigheid", data={"attended": [str(an.id)]}
    )
    with tenant_db(app) as db:
        assert db.get(InfoRegistration, an.id).attended is True
    page = staff.get("/t/aalst/loket/infosessies").get_data(as_text=True)
    assert "bert@example.be" in page and "op de wachtlijst" in page


def test_staff_plan_a_session_and_bad_input_is_explained(app):
    staff = app.test_client()
    signed_in_as(staff, app, "aalst", "loket-medewerker", ["staff:loket"])
    bad = staff.post("/t/aalst/loket/infosessies", data={"title": "Infoavond", "capacity": "0"})
    assert bad.status_code == 422 and "Vul een datum en uur in." in bad.get_data(as_text=True)
    form = {"title": "Infoavond", "starts_at": "2030-03-01T19:30", "capacity": "25"}
    assert staff.post("/t/aalst/loket/infosessies", data=form).status_code == 302
    parent = app.test_client()
    signed_in_as(parent, app, "aalst", "ouder-an", ["parent"])
    assert parent.post("/t/aalst/loket/infosessies", data=form).status_code == 403


def test_a_session_planned_for_half_past_seven_reads_half_past_seven_in_both_seasons(app):
    staff = app.test_client()
    signed_in_as(staff, app, "aalst", "loket-medewerker", ["staff:loket"])
    for day in ("2030-03-01", "2030-07-01"):  # winter time (UTC+1), summer time (UTC+2)
        form = {"title": f"Infoavond {day}", "starts_at": f"{day}T19:30", "capacity": "25"}
        assert staff.post("/t/aalst/loket/infosessies", data=form).status_code == 302
    with tenant_db(app) as db:
        stored = sorted(s.starts_at.replace(tzinfo=None) for s in db.exec(select(InfoSession)))
    assert stored == [datetime(2030, 3, 1, 18, 30), datetime(2030, 7, 1, 17, 30)]
    page = staff.get("/t/aalst/loket/infosessies").get_data(as_text=True)
    assert "01/03/2030 19:30" in page and "01/07/2030 19:30" in page


def test_seats_taken_are_counted_per_session_for_a_whole_list_at_once(app):
    with tenant_db(app) as db:
        full, half, empty = plan(db, capacity=2), plan(db, capacity=3), plan(db)
        for name in ("An", "Bert", "Chris"):  # the third waits
            info_sessions.register(db, full, name=name, email=f"{name.lower()}@example.be")
        cancelled = info_sessions.register(db, half, name="Dirk", email="dirk@example.be")
        info_sessions.register(db, half, name="Els", email="els@example.be")
        info_sessions.cancel(db, cancelled)
        counts = info_sessions.registered_counts(db, [full.id, half.id, empty.id])
        assert counts == {full.id: 2, half.id: 1, empty.id: 0}
        assert counts == {
            s.id: info_sessions.registered_count(db, s.id) for s in (full, half, empty)
        }
        assert info_sessions.registered_counts(db, []) == {}
