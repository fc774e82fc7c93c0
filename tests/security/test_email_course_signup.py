"""Attack 3 (the rest): the public course sign-up must not tell whether an address is known.

It used to answer 422 "already signed up" for a known address and send an unknown one straight
to the new sign-up's secret page. Now both get the same "check your mailbox" answer; what the
address holds goes only to its mailbox.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.mail import OutboxMessage
from plugins.training.models import CourseSignup
from tests.plugins.training.conftest import TRAINING_TENANTS, World, build_world
from tests.plugins.training.test_courses import _course, _sign_up
from tests.support.apps import probe_app, tenant_id


@pytest.fixture
def world(sqlite_settings) -> World:
    return build_world(probe_app(sqlite_settings, tenants=TRAINING_TENANTS))


def mails_to(world, address: str) -> list[str]:
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        return [
            m.body
            for m in db.exec(select(OutboxMessage).where(OutboxMessage.to_address == address))
        ]


def test_known_and_unknown_addresses_get_the_same_answer(world):
    course = _course(world, capacity=5)
    client = world.app.test_client()
    first = _sign_up(client, course)  # the victim signs up
    known = _sign_up(client, course, given_name="Mallory")  # the attacker tries her address
    unknown = _sign_up(client, course, email="nieuw@example.be")
    for answer in (first, known, unknown):
        assert answer.status_code == 303
    assert first.headers["Location"] == known.headers["Location"] == unknown.headers["Location"]
    page = client.get(known.headers["Location"]).get_data(as_text=True)
    assert "ilse@speelboom.be" not in page and "Ilse" not in page
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        signups = db.exec(
            select(CourseSignup).where(CourseSignup.email == "ilse@speelboom.be")
        ).all()
    assert [s.given_name for s in signups] == ["Ilse"], "the known sign-up is untouched"
    # The owner of the address gets her link again; the attacker's page shows nothing of it.
    assert len(mails_to(world, "ilse@speelboom.be")) == 2
    assert signups[0].token in mails_to(world, "ilse@speelboom.be")[-1]
    assert signups[0].token not in page
