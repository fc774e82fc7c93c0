"""Twenty people pressing "register" at the same moment never get more seats than there are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from plugins.training import store
from plugins.training.models import Course, CourseSignup, InfoRegistration, InfoSession
from tests.plugins.training.conftest import TRAINING_TENANTS, build_world
from tests.support.apps import probe_app, tenant_id
from tests.support.concurrency import PEOPLE, at_once

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_world(postgres_settings):
    return build_world(probe_app(postgres_settings, tenants=TRAINING_TENANTS))


def _person(number: int) -> store.Registrant:
    return store.Registrant(
        given_name=f"Kandidaat {number}",
        family_name="Gelijktijdig",
        email=f"kandidaat{number}@example.be",
        contact_consent=True,
    )


def test_twenty_sign_ups_at_once_for_one_seat_give_one_seat_and_nineteen_waiting(pg_world):
    seat_id = pg_world.info_session("cvo-limburg", capacity=1).id

    def register(session, number):
        store.register_for_session(session, session.get(InfoSession, seat_id), _person(number))

    assert at_once(pg_world.app, tenant_id(pg_world.app, "aalst"), register) == []
    with pg_world.session() as db:
        statuses = sorted(
            row.status
            for row in db.exec(
                select(InfoRegistration).where(InfoRegistration.info_session_id == seat_id)
            )
        )
    assert statuses == ["registered"] + ["waiting"] * (PEOPLE - 1)


def test_twenty_course_sign_ups_at_once_for_two_seats_give_two_seats(pg_world):
    with pg_world.session() as db:
        course = Course(
            organisation_id=pg_world.organisation_id("cvo-limburg"),
            title="EHBO voor baby's",
            starts_at=datetime.now(UTC) + timedelta(days=10),
            location="Sociaal Huis",
            capacity=2,
        )
        db.add(course)
    course_id = course.id

    def sign_up(session, number):
        store.sign_up_for_course(session, session.get(Course, course_id), _person(number), "")

    assert at_once(pg_world.app, tenant_id(pg_world.app, "aalst"), sign_up) == []
    with pg_world.session() as db:
        statuses = [
            row.status
            for row in db.exec(select(CourseSignup).where(CourseSignup.course_id == course_id))
        ]
    assert sorted(statuses).count("registered") == 2 and len(statuses) == PEOPLE
