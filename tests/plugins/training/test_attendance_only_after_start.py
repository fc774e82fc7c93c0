"""Attendance is what happened: a school cannot tick who came to a session or a course that has
not started yet, and is told why; once it has started, attendance is recorded as before."""

from __future__ import annotations

from sqlmodel import select

from plugins.training.models import Course, CourseSignup, InfoRegistration, InfoSession
from plugins.training.services import Stage
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import candidate_by_email, register, started, token_of
from tests.plugins.training.test_courses import _course, _sign_up
from tests.support.apps import tenant_id


def test_attendance_for_an_info_session_still_to_come_is_refused_with_the_reason(world):
    info_session = world.info_session("cvo-limburg", capacity=5)
    client = world.app.test_client()
    token_of(register(client, info_session.id, email="kwam@example.be"))
    with world.session() as db:
        registration_id = db.exec(select(InfoRegistration.id)).one()
    sara = world.client_for(people(world)["sara"])
    url = f"/t/aalst/opleiding/infosessies/{info_session.id}"
    page = sara.get(url).get_data(as_text=True)
    assert "Aanwezigheid bewaren" not in page
    assert "Wie er was, noteer je na het begin van de infosessie." in page

    refused = sara.post(url, data={"attended": [str(registration_id)]})
    assert refused.status_code == 422
    assert "Wie er was, noteer je na het begin van de infosessie." in refused.get_data(as_text=True)
    with world.session() as db:
        assert db.get(InfoRegistration, registration_id).attended is None
    assert candidate_by_email(world.app, "kwam@example.be").stage == Stage.INTERESTED

    started(world, InfoSession, info_session.id)
    assert sara.post(url, data={"attended": [str(registration_id)]}).status_code == 303
    assert candidate_by_email(world.app, "kwam@example.be").stage == Stage.INFO_SESSION_ATTENDED


def test_attendance_for_a_course_still_to_come_is_refused_with_the_reason(world):
    course = _course(world, capacity=3)
    _sign_up(world.app.test_client(), course)
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        signup_id = db.exec(select(CourseSignup.id)).one()
    sara = world.client_for(people(world)["sara"])
    url = f"/t/aalst/opleiding/vormingen/{course.id}/deelnemers"
    refused = sara.post(url, data={"attended": [str(signup_id)]})
    assert refused.status_code == 422
    assert "Wie er was, noteer je na het begin van de vorming." in refused.get_data(as_text=True)
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        assert not db.get(CourseSignup, signup_id).attended

    started(world, Course, course.id)
    assert "1 aanwezig" in sara.post(url, data={"attended": [str(signup_id)]}).get_data(
        as_text=True
    )
