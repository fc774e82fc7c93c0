"""Twenty parents registering for the last seat of an info session at once: one seat, one person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from plugins.loket import info_sessions
from plugins.loket.models import InfoRegistration, InfoSession
from tests.plugins.loket.conftest import LOKET_TENANTS, tenant_db
from tests.support.apps import probe_app, tenant_id
from tests.support.concurrency import PEOPLE, at_once

pytestmark = pytest.mark.postgres


def test_twenty_registrations_at_once_for_one_seat_give_one_seat(postgres_settings):
    app = probe_app(postgres_settings, tenants=LOKET_TENANTS)
    with tenant_db(app) as db:
        seat = InfoSession(
            title="Zo werkt het e-loket",
            starts_at=datetime.now(UTC) + timedelta(days=5),
            capacity=1,
        )
        db.add(seat)
    seat_id = seat.id

    def register(session, number):
        info_sessions.register(
            session,
            session.get(InfoSession, seat_id),
            name=f"Ouder {number}",
            email=f"ouder{number}@example.be",
        )

    assert at_once(app, tenant_id(app, "aalst"), register) == []
    with tenant_db(app) as db:
        statuses = sorted(
            row.status
            for row in db.exec(
                select(InfoRegistration).where(InfoRegistration.session_id == seat_id)
            )
        )
    assert statuses == ["registered"] + ["waiting"] * (PEOPLE - 1)


def test_a_parent_clicking_accept_twenty_times_at_once_is_placed_once(postgres_settings):
    from plugins.loket import services
    from plugins.loket.models import Placement, Proposal
    from tests.plugins.loket.conftest import TODAY, make_location, make_request

    app = probe_app(postgres_settings, tenants=LOKET_TENANTS)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=3)
        make_request(db, "Noor", [location])
    with tenant_db(app) as db:
        [proposal] = services.run_round(db, reserved=(), seed=1, actor="t", today=TODAY)[1]
        services.confirm_proposal(db, proposal)
        proposal_id = proposal.id

    def accept(session, number):
        services.accept_proposal(session, session.get(Proposal, proposal_id))

    assert at_once(app, tenant_id(app, "aalst"), accept) == []
    with tenant_db(app) as db:
        assert db.get(Proposal, proposal_id).status == "accepted"
        assert len(db.exec(select(Placement)).all()) == 1
