"""`flask --app core loket expire-proposals`: the cron job that lets overdue places move on."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import select

from core.db import utcnow
from plugins.loket import services
from plugins.loket.models import Proposal, ProposalStatus
from tests.plugins.loket.conftest import LOKET_TENANTS, TODAY, make_location, tenant_db
from tests.plugins.loket.test_continuous import families, offered_to, set_mode
from tests.support.apps import probe_app


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def overdue_proposal(app) -> None:
    """Ayla got the only place and was asked to answer; her deadline passed yesterday."""
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        families(db, location)
        [proposal] = services.run_round(db, reserved=(), seed=3, actor="t", today=TODAY)[1]
        services.confirm_proposal(db, proposal, now=utcnow() - timedelta(days=8))


def expire(app) -> str:
    result = app.test_cli_runner().invoke(args=["loket", "expire-proposals"])
    assert result.exit_code == 0, result.output
    return result.output


def test_overdue_proposals_expire_once_and_the_parent_is_told(app, mail_sink):
    overdue_proposal(app)
    assert expire(app).splitlines() == [
        "aalst: 1 proposals expired, 0 places offered again",
        "brugge: 0 proposals expired, 0 places offered again",
    ]
    with tenant_db(app) as db:
        [proposal] = db.exec(select(Proposal)).all()
        assert proposal.status == ProposalStatus.EXPIRED
        assert offered_to(db) == []  # rounds only: the place waits for the next round
    [mail] = [m for m in mail_sink.messages if "vervallen" in m["Subject"]]
    assert mail["To"] == "ouder@example.be" and "Ayla" in mail["Subject"]
    assert expire(app).splitlines()[0] == "aalst: 0 proposals expired, 0 places offered again"
    assert len([m for m in mail_sink.messages if "vervallen" in m["Subject"]]) == 1


def test_in_continuous_mode_the_expired_place_goes_to_the_next_family(app):
    set_mode(app, "continuous")
    overdue_proposal(app)
    assert expire(app).splitlines()[0] == "aalst: 1 proposals expired, 1 places offered again"
    with tenant_db(app) as db:
        assert offered_to(db) == ["Bram"]
        moved = db.exec(select(Proposal).where(Proposal.round_id.is_(None))).one()
        assert moved.explanation["continuous"] == "expired"
    assert expire(app).splitlines()[0] == "aalst: 0 proposals expired, 0 places offered again"


def test_a_proposal_still_in_time_is_left_alone(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        families(db, location, count=1)
        [proposal] = services.run_round(db, reserved=(), seed=3, actor="t", today=TODAY)[1]
        services.confirm_proposal(db, proposal)
    assert expire(app).splitlines()[0] == "aalst: 0 proposals expired, 0 places offered again"
    with tenant_db(app) as db:
        assert db.exec(select(Proposal.status)).one() == ProposalStatus.AWAITING_PARENT


def test_closed_requests_lose_names_after_the_retention_period_and_open_ones_never(app):
    from datetime import UTC, datetime

    from plugins.loket.models import ChildcareRequest
    from tests.plugins.loket.conftest import make_request

    long_ago = datetime.now(UTC) - timedelta(days=4 * 365)
    recently = datetime.now(UTC) - timedelta(days=2 * 365)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        old_placed = make_request(db, "Oud", [location], submitted=long_ago)
        old_placed.status, old_placed.placed_at = "placed", long_ago
        old_withdrawn = make_request(db, "Weg", [location], submitted=long_ago)
        old_withdrawn.status = "withdrawn"
        recent = make_request(db, "Recent", [location], submitted=long_ago)
        recent.status, recent.placed_at = "placed", recently
        still_open = make_request(db, "Wacht", [location], submitted=long_ago)
        ids = [row.id for row in (old_placed, old_withdrawn, recent, still_open)]
    result = app.test_cli_runner().invoke(args=["loket", "anonymise-closed"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "aalst: 2 closed requests anonymised (3 years)"
    with tenant_db(app) as db:
        rows = [db.get(ChildcareRequest, request_id) for request_id in ids]
        assert [row.child_first_name for row in rows] == ["", "", "Recent", "Wacht"]
        assert [row.parent_email for row in rows] == [
            "",
            "",
            "ouder@example.be",
            "ouder@example.be",
        ]
        assert rows[0].status == "placed" and rows[0].placed_at is not None  # figures keep it
    again = app.test_cli_runner().invoke(args=["loket", "anonymise-closed"])
    assert again.output.splitlines()[0] == "aalst: 0 closed requests anonymised (3 years)"


def test_the_privacy_page_states_the_loket_retention(app):
    page = app.test_client().get("/t/aalst/privacy").get_data(as_text=True)
    assert "3 jaar na een plaatsing of een intrekking" in page
