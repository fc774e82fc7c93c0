"""Issue 16, providers: a proposal the provider leaves unanswered expires at its deadline; the
place stops counting as proposed on the provider's page and goes to the next round again.

(tests/plugins/loket/test_dates_and_capacity.py checks the deadline's length and the mails.)"""

from __future__ import annotations

import dataclasses
from datetime import UTC, timedelta

import pytest
from sqlmodel import select

from core.jobs.runner import run_job
from plugins.loket.models import Proposal
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_provider_occupancy import occupancy_row
from tests.plugins.loket.test_views import provider, staff
from tests.support.apps import probe_app


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def test_an_unanswered_provider_proposal_expires_and_the_place_is_offered_again(app):
    client, staff_client = app.test_client(), app.test_client()
    organisation = provider(app, client)
    staff(app, staff_client)
    with tenant_db(app) as db:
        location = make_location(db, "De Linde", places=1, organisation_id=organisation)
        make_request(db, "Noor", [location])
    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        first = db.exec(select(Proposal)).one()
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert occupancy_row(page, location.id, "baby")[3:5] == [1, 0]  # proposed, offered

    deadline = first.deadline.replace(tzinfo=UTC)
    run_job(app, "loket.expire-proposals", now=deadline + timedelta(minutes=1))
    with tenant_db(app) as db:
        assert db.get(Proposal, first.id).status == "expired"
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert occupancy_row(page, location.id, "baby")[3:5] == [0, 1]
    assert "Noor Peeters" not in page  # nothing waits for the provider any more

    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        open_now = db.exec(select(Proposal).where(Proposal.status == "awaiting_provider")).all()
    assert [proposal.free_place_id for proposal in open_now] == [first.free_place_id]
    assert open_now[0].deadline is not None
