"""A candidate without childcare for their own child: the consent-bound hand-off to the loket."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.events import announce
from core.hookspecs import hookimpl
from core.models import AuditEntry
from core.web import db_session
from plugins.training.handoff import HandOffInput, hand_off
from plugins.training.models import LoketHandOff
from plugins.training.services import RuleError, Stage
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import make_candidate, request_at, step, stored, timeline
from tests.support.apps import probe_app, tenant_id

TODAY = date(2026, 11, 25)


class LoketReceiver:
    """A throw-away loket: records what it receives and answers like the loket plugin does."""

    def __init__(self, answer: bool = True) -> None:
        self.received: list = []
        self.answer = answer

    @hookimpl
    def on_event(self, event):
        if event.name != "training.childcare_needed":
            return
        self.received.append(event.payload)
        if self.answer:
            announce(
                db_session(),
                "loket.request_drafted",
                request_id="4f1c2d3e-0000-4000-8000-00000000abcd",
                candidate_id=event.payload["candidate_id"],
            )


@pytest.fixture
def receiver(world):
    registry = world.app.extensions["opvangplein.plugins"]
    found = LoketReceiver()
    registry.manager.register(found, name="test-loket")
    yield found
    registry.manager.unregister(name="test-loket")


def _dropped_out(world, reason="own_childcare_missing"):
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INTAKE)
    sara = world.client_for(people(world)["sara"])
    assert step(sara, candidate, "dropped_out", dropout_reason=reason).status_code == 303
    return candidate


def _hand_off_input(**changes) -> HandOffInput:
    values = dict(
        consent=True,
        child_name="Yasmine",
        child_birth_date=date(2025, 3, 4),
        desired_start=date(2027, 1, 4),
        language="nl",
        note="Avondopleiding: opvang tot 22 uur nodig",
    )
    values.update(changes)
    return HandOffInput(**values)


def test_with_consent_the_consented_fields_are_announced_and_the_answer_is_on_the_timeline(
    world, receiver
):
    candidate_id = _dropped_out(world)
    with request_at(world, "aalst") as session:
        candidate = session.get(type(stored(world.app, candidate_id)), candidate_id)
        hand_off(session, candidate, _hand_off_input(), actor="Sara", today=TODAY)
        session.commit()
    assert receiver.received == [
        {
            "candidate_id": str(candidate_id),
            "parent_name": "Lotte Peeters",
            "parent_email": "lotte.peeters@example.be",
            "child_name": "Yasmine",
            "child_birth_date": "2025-03-04",
            "desired_start": "2027-01-04",
            "language": "nl",
            "note": "Avondopleiding: opvang tot 22 uur nodig",
        }
    ]
    kinds = [(e.kind, e.detail) for e in timeline(world.app, candidate_id)][-2:]
    assert kinds == [("handoff", "consent"), ("loket", "4f1c2d3e-0000-4000-8000-00000000abcd")]
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        record = db.exec(select(LoketHandOff)).one()
    assert record.loket_request_id == "4f1c2d3e-0000-4000-8000-00000000abcd"
    assert record.answered_at is not None and record.recorded_by == "Sara"


def test_without_consent_nothing_is_announced_or_recorded(world, receiver):
    candidate_id = _dropped_out(world)
    with request_at(world, "aalst") as session:
        candidate = session.get(type(stored(world.app, candidate_id)), candidate_id)
        with pytest.raises(RuleError) as refused:
            hand_off(session, candidate, _hand_off_input(consent=False), actor="Sara", today=TODAY)
        session.rollback()
    assert set(refused.value.errors) == {"consent"}
    assert receiver.received == []
    assert {e.kind for e in timeline(world.app, candidate_id)} == {"stage"}


def test_no_hand_off_is_offered_without_a_childcare_need(world, receiver):
    candidate_id = _dropped_out(world, reason="health")
    with request_at(world, "aalst") as session:
        candidate = session.get(type(stored(world.app, candidate_id)), candidate_id)
        with pytest.raises(RuleError):
            hand_off(session, candidate, _hand_off_input(), actor="Sara", today=TODAY)
    assert receiver.received == []
    sara = world.client_for(people(world)["sara"])
    assert sara.get(f"/t/aalst/opleiding/kandidaten/{candidate_id}/loket").status_code == 404


def test_an_intake_that_finds_no_childcare_offers_the_hand_off_too(world):
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INFO_SESSION_ATTENDED)
    sara = world.client_for(people(world)["sara"])
    step(
        sara,
        candidate,
        "intake",
        intake_outcome="not_yet",
        intake_reasons="Geen opvang voor haar zoontje",
        needs_childcare="1",
    )
    page = sara.get(f"/t/aalst/opleiding/kandidaten/{candidate}").get_data(as_text=True)
    assert "Een loketaanvraag starten" in page


def test_a_loket_answer_about_an_unknown_candidate_is_ignored(world):
    with request_at(world, "aalst") as session:
        announce(session, "loket.request_drafted", request_id="x", candidate_id="not-ours")
        announce(session, "loket.request_drafted", request_id="x", candidate_id=None)
        session.commit()
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        assert db.exec(select(LoketHandOff)).all() == []


LOKET_TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "loket", "training"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "training"]\n',
}


@pytest.fixture
def loket_world(sqlite_settings):
    from tests.plugins.training.conftest import build_world

    return build_world(probe_app(sqlite_settings, tenants=LOKET_TENANTS))


def test_in_pages_the_consent_box_decides_and_the_loket_drafts_a_request(loket_world):
    world = loket_world
    registry = world.app.extensions["opvangplein.plugins"]
    listener = LoketReceiver(answer=False)  # the real loket plugin answers here
    registry.manager.register(listener, name="test-listener")
    try:
        candidate = _dropped_out(world)
        sara = world.client_for(people(world)["sara"])
        form = {
            "child_name": "Yasmine",
            "child_birth_date": "2025-03-04",
            "desired_start": "2027-01-04",
            "language": "nl",
            "note": "",
        }
        url = f"/t/aalst/opleiding/kandidaten/{candidate}/loket"
        assert "Een loketaanvraag starten" in sara.get(url).get_data(as_text=True)
        refused = sara.post(url, data=form)
        assert refused.status_code == 422
        assert "Zonder toestemming" in refused.get_data(as_text=True)
        assert listener.received == []
        bad = sara.post(url, data={**form, "consent": "1", "desired_start": "2020-01-01"})
        assert bad.status_code == 422 and listener.received == []
        sent = sara.post(url, data={**form, "consent": "1"})
        assert sent.status_code == 303, sent.get_data(as_text=True)
        assert [p["candidate_id"] for p in listener.received] == [str(candidate)]
        kinds = [e.kind for e in timeline(world.app, candidate)]
        assert kinds[-2:] == ["handoff", "loket"]
        page = sara.get(f"/t/aalst/opleiding/kandidaten/{candidate}").get_data(as_text=True)
        assert "ontwerpaanvraag" in page
        # The school acted for the candidate: the audit log says so, naming no one.
        with world.db.session(tenant_id(world.app, "aalst")) as db:
            entry = db.exec(
                select(AuditEntry).where(AuditEntry.action == "training.handed_to_loket")
            ).one()
        assert entry.on_behalf_of == f"training_candidate:{candidate}"
        assert entry.actor == f"user:{people(world)['sara'].id}"
    finally:
        registry.manager.unregister(name="test-listener")


def test_without_the_loket_the_page_says_where_to_go_and_sends_nothing(world, receiver):
    candidate = _dropped_out(world)
    sara = world.client_for(people(world)["sara"])
    url = f"/t/aalst/opleiding/kandidaten/{candidate}/loket"
    page = sara.get(url).get_data(as_text=True)
    assert "gebruikt het Lokaal Loket Kinderopvang niet" in page
    sara.post(url, data={"consent": "1", "child_name": "Yasmine"})
    assert receiver.received == []
