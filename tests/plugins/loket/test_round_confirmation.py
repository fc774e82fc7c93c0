"""Issue 19: an allocation round is not one click. Posting the start without the confirmation
shows what the round will do and asks first, and starts nothing; only the confirmed step runs
it. Both buttons wear the warning style, not the primary one."""

from __future__ import annotations

from sqlmodel import func, select

from core.models import AuditEntry
from plugins.loket.models import AllocationRound, Proposal
from tests.plugins.loket.conftest import make_location, make_request, tenant_db
from tests.support.auth import signed_in_as


def _rounds_and_proposals(app) -> tuple[int, int]:
    with tenant_db(app) as db:
        rounds = db.exec(select(func.count()).select_from(AllocationRound)).one()
        proposals = db.exec(select(func.count()).select_from(Proposal)).one()
    return rounds, proposals


def _office(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        make_request(db, "Noor", [location])
        make_request(db, "Wout", [location])
    return client


def test_one_post_without_the_confirmation_shows_the_confirmation_and_starts_nothing(app):
    office = _office(app)
    asked = office.post("/t/aalst/loket/rondes")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Een toewijzingsronde starten?" in page
    assert "2 open aanvragen" in page and "e-mail" in page
    assert 'name="confirm" value="yes"' in page
    confirm = page.split('id="confirm-round"')[0].rsplit("<button", 1)[1]
    assert "utrecht-button--warning" in confirm and "primary-action" not in confirm
    assert _rounds_and_proposals(app) == (0, 0)
    # A crafted "no" is no confirmation either.
    assert office.post("/t/aalst/loket/rondes", data={"confirm": "no"}).status_code == 200
    assert _rounds_and_proposals(app) == (0, 0)
    with tenant_db(app) as db:
        assert db.exec(select(AuditEntry).where(AuditEntry.action == "loket.round_run")).all() == []


def test_the_confirmed_step_runs_the_round(app):
    office = _office(app)
    ran = office.post("/t/aalst/loket/rondes", data={"confirm": "yes"}, follow_redirects=True)
    assert ran.status_code == 200
    assert "De ronde deed 1 voorstellen." in ran.get_data(as_text=True)
    assert _rounds_and_proposals(app) == (1, 1)


def test_the_start_button_on_the_rounds_page_is_a_warning_not_the_main_action(app):
    office = _office(app)
    page = office.get("/t/aalst/loket/rondes").get_data(as_text=True)
    start = page.split('id="run-round"')[0].rsplit("<button", 1)[1]
    assert "utrecht-button--warning" in start and "primary-action" not in start
