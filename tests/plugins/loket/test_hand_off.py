"""The training plugin's ``training.childcare_needed`` becomes a draft that loket staff complete."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlmodel import select

from core.events import announce
from core.models import AuditEntry
from core.web import db_session
from plugins.loket import hand_off
from plugins.loket.models import ChildcareRequest
from tests.core import probe_plugin
from tests.plugins.loket.conftest import TODAY, make_location, tenant_db
from tests.plugins.loket.test_views import request_form, staff
from tests.support.apps import tenant_id
from tests.support.auth import make_user

PAYLOAD = {
    "candidate_id": "cand-17",
    "parent_name": "Sara Janssens",
    "parent_email": "sara.janssens@example.be",
    "child_name": "Lina Janssens",
    "child_birth_date": (TODAY - timedelta(days=200)).isoformat(),
    "desired_start": (TODAY + timedelta(days=60)).isoformat(),
    "language": "nl",
    "note": "Start opleiding kinderbegeleider in februari.",
}


@contextmanager
def request_at(app, tenant: str = "aalst"):
    """A request at ``tenant`` (the training plugin announces from one of its pages)."""
    with app.test_request_context(
        f"/t/{tenant}/", environ_overrides={"opvangplein.tenant_slug": tenant}
    ):
        app.preprocess_request()
        from flask import g

        g.user = make_user(app, "opleiding-coach")
        yield db_session()


@pytest.fixture
def answers(monkeypatch):
    """The events the loket announces in answer, with their payloads."""
    seen = []

    def recording(session, name, **payload):
        seen.append((name, payload))
        return announce(session, name, **payload)

    monkeypatch.setattr(hand_off, "announce", recording)
    return seen


def test_the_announcement_creates_a_training_draft_and_is_answered(app, answers):
    probe_plugin.calls.clear()
    with request_at(app) as session:
        announce(session, "training.childcare_needed", **PAYLOAD)
        session.commit()
    with tenant_db(app) as db:
        draft = db.exec(select(ChildcareRequest)).one()
        actions = db.exec(select(AuditEntry.action)).all()
    assert (draft.status, draft.origin, draft.external_reference) == (
        "draft",
        "training",
        "training:cand-17",
    )
    assert (draft.child_first_name, draft.child_last_name) == ("Lina", "Janssens")
    assert draft.birth_date.isoformat() == PAYLOAD["child_birth_date"]
    assert draft.note == PAYLOAD["note"] and draft.parent_user_id is None
    assert answers == [
        ("loket.request_drafted", {"request_id": str(draft.id), "candidate_id": "cand-17"})
    ]
    assert ("on_event", "loket.request_drafted") in probe_plugin.calls
    assert "loket.request_drafted" in actions


def test_outside_a_request_the_draft_commits_with_the_announcers_session(app, answers):
    with app.app_context(), tenant_db(app) as session:
        announce(session, "training.childcare_needed", **{**PAYLOAD, "candidate_id": 42})
    with tenant_db(app) as db:
        assert db.exec(select(ChildcareRequest.external_reference)).one() == "training:42"
    assert answers[0][1]["candidate_id"] == 42


def test_when_the_announcer_rolls_back_no_draft_is_left(app, answers):
    with app.app_context(), tenant_db(app) as session:
        announce(session, "training.childcare_needed", **PAYLOAD)
        session.rollback()
    with tenant_db(app) as db:
        assert db.exec(select(ChildcareRequest)).all() == []


def test_the_same_candidate_again_updates_the_draft_instead_of_adding_one(app, answers):
    for start in ("2027-02-01", "2027-03-01"):
        with request_at(app) as session:
            announce(session, "training.childcare_needed", **{**PAYLOAD, "desired_start": start})
            session.commit()
    with tenant_db(app) as db:
        [draft] = db.exec(select(ChildcareRequest)).all()
        assert draft.desired_start.isoformat() == "2027-03-01"
    assert answers[0][1]["request_id"] == answers[1][1]["request_id"]


def test_an_unborn_child_gets_an_expected_birth_date(app, answers):
    expected = (TODAY + timedelta(days=40)).isoformat()
    with request_at(app) as session:
        announce(session, "training.childcare_needed", **{**PAYLOAD, "child_birth_date": expected})
        session.commit()
    with tenant_db(app) as db:
        draft = db.exec(select(ChildcareRequest)).one()
    assert draft.birth_date is None and draft.expected_birth_date.isoformat() == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"candidate_id": ""}, "candidate_id is required"),
        ({"child_name": None}, "child_name is required"),
        ({"child_birth_date": "12/05/2025"}, "child_birth_date must be an ISO date"),
        ({"parent_email": "niet-een-adres"}, "parent_email is not an e-mail address"),
        ({"parent_name": ["Sara"]}, "parent_name must be text"),
    ],
)
def test_a_bad_payload_raises_a_clear_value_error_and_saves_nothing(app, change, message):
    with request_at(app) as session:
        with pytest.raises(ValueError, match=message):
            announce(session, "training.childcare_needed", **{**PAYLOAD, **change})
        session.rollback()
    with tenant_db(app) as db:
        assert db.exec(select(ChildcareRequest)).all() == []


def test_staff_find_the_draft_by_origin_and_complete_it(app):
    with request_at(app) as session:
        announce(session, "training.childcare_needed", **PAYLOAD)
        session.commit()
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
        draft_id = db.exec(select(ChildcareRequest.id)).one()
    client = app.test_client()
    staff(app, client)
    listed = client.get("/t/aalst/loket/werklijst?origin=training").get_data(as_text=True)
    assert "Lina Janssens" in listed and "Opleidingstraject" in listed
    assert "Lina Janssens" not in client.get("/t/aalst/loket/werklijst?origin=phone").get_data(
        as_text=True
    )
    detail = client.get(f"/t/aalst/loket/aanvragen/{draft_id}").get_data(as_text=True)
    assert PAYLOAD["note"] in detail and f"/aanvraag/{draft_id}/bewerken" in detail
    form = client.get(f"/t/aalst/loket/aanvraag/{draft_id}/bewerken").get_data(as_text=True)
    assert 'value="Lina"' in form and 'value="sara.janssens@example.be"' in form
    done = client.post(
        f"/t/aalst/loket/aanvraag/{draft_id}/bewerken",
        data=request_form(
            location,
            child_first_name="Lina",
            child_last_name="Janssens",
            parent_name="Sara Janssens",
            parent_email="sara.janssens@example.be",
            origin="phone",
        ),
    )
    assert done.status_code == 302
    with tenant_db(app) as db:
        completed = db.get(ChildcareRequest, draft_id)
        assert (completed.status, completed.origin) == ("open", "training")


def test_another_tenant_never_sees_the_draft(app):
    with request_at(app) as session:
        announce(session, "training.childcare_needed", **PAYLOAD)
        session.commit()
    with app.extensions["opvangplein.db"].session(tenant_id(app, "brugge")) as db:
        assert db.exec(select(ChildcareRequest)).all() == []
