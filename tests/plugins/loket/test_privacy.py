"""A parent's rights: export of everything the loket holds about the family, and erasure."""

from __future__ import annotations

import json

from sqlmodel import select

from core import subjects
from core.models import Tenant
from core.plugin_types import DataSubject
from plugins.loket import services
from plugins.loket.models import (
    ChildcareRequest,
    InfoRegistration,
    InfoSession,
    Placement,
    Proposal,
    ProposalStatus,
)
from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.plugins.loket.test_continuous import families, offered_to, set_mode
from tests.support.apps import tenant_id
from tests.support.auth import make_user

SUBJECT_EMAIL = "Ouder@Example.be"


def _tenant(db, app) -> Tenant:
    return db.get(Tenant, tenant_id(app, "aalst"))


def test_the_export_holds_the_requests_proposals_place_and_registrations(app):
    parent = make_user(app, "ouder-noor")
    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        noor = make_request(db, "Noor", [location], parent_user_id=parent.id)
        [proposal] = services.run_round(db, reserved=(), seed=1, actor="t", today=TODAY)[1]
        services.confirm_proposal(db, proposal)
        services.accept_proposal(db, proposal)
        info = InfoSession(title="Infosessie", starts_at=noor.submitted_at, capacity=5)
        db.add(info)
        db.flush()
        db.add(InfoRegistration(session_id=info.id, name="Ouder", email="ouder@example.be"))
        db.flush()
        subject = DataSubject(user_id=parent.id, email=SUBJECT_EMAIL)
        parts = subjects.export_subject(db, _tenant(db, app), subject)
    [part] = [p for p in parts if p.get("plugin") == "loket"]
    [request] = part["childcare_requests"]
    assert request["child"] == "Noor Peeters" and request["status"] == "placed"
    assert request["place"]["location"] == "De Speelboom"
    assert request["proposals"][0]["status"] == "accepted"
    assert part["info_session_registrations"][0]["email"] == "ouder@example.be"
    json.dumps(part)  # the export is JSON as it stands


def test_nothing_is_exported_for_a_stranger(app):
    with app.app_context(), tenant_db(app) as db:
        make_request(db, "Noor", [])
        stranger = DataSubject(email="iemand@example.be")
        parts = subjects.export_subject(db, _tenant(db, app), stranger)
    assert not [p for p in parts if p.get("plugin") == "loket"]


def test_erasure_strips_the_family_keeps_the_placement_and_moves_an_offered_place_on(app):
    set_mode(app, "continuous")
    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=2)
        placed = make_request(db, "Vic", [location], email="ander@example.be")
        [first] = services.run_round(db, reserved=(), seed=1, actor="t", today=TODAY)[1]
        services.confirm_proposal(db, first)
        services.accept_proposal(db, first)
        ayla, bram, cas = families(db, location)
        ayla.parent_email = SUBJECT_EMAIL
        bram.parent_email, cas.parent_email = "bram@example.be", "cas@example.be"
        db.add_all([ayla, bram, cas])
        services.run_round(db, reserved=(), seed=2, actor="t", today=TODAY)
        assert offered_to(db) == ["Ayla"]
        placed.parent_email = SUBJECT_EMAIL
        db.add(placed)
        rows = subjects.erase_subject(db, _tenant(db, app), DataSubject(email=SUBJECT_EMAIL))
    assert rows >= 2
    with tenant_db(app) as db:
        erased = db.get(ChildcareRequest, ayla.id)
        assert (erased.child_first_name, erased.parent_email, erased.status) == (
            "",
            "",
            "withdrawn",
        )
        assert db.get(ChildcareRequest, placed.id).parent_name == ""
        assert db.exec(select(Placement)).one().request_id == placed.id  # the decision stays
        statuses = {p.request_id: p.status for p in db.exec(select(Proposal))}
        assert statuses[ayla.id] == ProposalStatus.WITHDRAWN
        assert offered_to(db) == ["Bram"]
        assert bram.id in statuses


def test_the_privacy_page_lists_what_the_loket_keeps(app):
    client = app.test_client()
    page = client.get("/t/aalst/privacy").get_data(as_text=True)
    assert "Lokaal Loket Kinderopvang" in page
    assert "De gezinssituatie die de voorrang bepaalt" in page
