"""The loket hands a family over through an event; the ckg plugin reports aggregated figures."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlmodel import select

from core import subjects
from core.events import announce
from core.models import AuditEntry
from core.web import db_session
from plugins.ckg.handoff import HandOffRefused
from plugins.ckg.models import FamilyMember, Referral
from tests.core import probe_plugin
from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import submit
from tests.support.apps import tenant_id

PAYLOAD = {
    "loket_request_id": "LOKET-42",
    "parents": [{"name": "Nadia El Amrani", "relation": "moeder", "phone": "0470 00 00 00"}],
    "children": [{"name": "Yasmine", "birth_date": "2023-05-04"}],
    "family_email": "Nadia@Example.be",
    "concern_summary": "Mama zoekt steun bij de opvoeding.",
    "domains": ["parenting", "not-a-domain"],
    "urgency": "soon",
    "income": "unconsented and unknown",
}


@contextmanager
def request_at(world, tenant: str, user):
    """A request at ``tenant`` signed in as ``user`` (the loket's hand-off runs inside one)."""
    with world.app.test_request_context(
        f"/t/{tenant}/", environ_overrides={"opvangplein.tenant_slug": tenant}
    ):
        world.app.preprocess_request()
        from flask import g

        g.user = user
        yield db_session()


def test_a_loket_hand_off_creates_a_draft_with_only_the_consented_fields(world):
    loket = world.user("loket-lies", "aalst", ["staff:loket"])
    probe_plugin.calls.clear()
    with request_at(world, "aalst", loket) as session:
        announce(session, "loket.referral_to_ckg_requested", **PAYLOAD)
        session.commit()
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        referral = db.exec(select(Referral)).one()
        members = db.exec(select(FamilyMember)).all()
        audit_actions = db.exec(select(AuditEntry.action)).all()
    assert (referral.status, referral.source, referral.loket_request_id) == (
        "draft",
        "loket",
        "LOKET-42",
    )
    assert referral.referrer_user_id == loket.id and referral.domains == ["parenting"]
    assert referral.family_email == "nadia@example.be"
    assert {(m.role, m.name) for m in members} == {
        ("parent", "Nadia El Amrani"),
        ("child", "Yasmine"),
    }
    assert "0470" not in str(referral.model_dump()) and "unconsented" not in str(
        referral.model_dump()
    )
    assert "ckg.loket_hand_off_received" in audit_actions
    assert ("on_event", "ckg.referral_received") in probe_plugin.calls


def test_the_ckg_does_not_see_a_draft_until_the_loket_worker_submits_it(world):
    loket = world.user("loket-lies", "aalst", ["staff:loket"])
    with request_at(world, "aalst", loket) as session:
        announce(session, "loket.referral_to_ckg_requested", **PAYLOAD)
        session.commit()
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        referral_id = db.exec(select(Referral.id)).one()
    karim = world.client_for(users(world)["karim"])
    reference = f"CKG-{referral_id.hex[:8].upper()}"
    assert reference not in karim.get("/t/aalst/ckg/wachtrij").get_data(as_text=True)

    lies = world.client_for(loket)
    form = lies.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}/aanvullen")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and 'value="Nadia El Amrani"' in html
    submitted = lies.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/aanvullen",
        data={
            "parent-1-name": "Nadia El Amrani",
            "child-1-name": "Yasmine",
            "child-1-birth_date": "2023-05-04",
            "domains": ["parenting"],
            "requested_offer": "home",
            "urgency": "soon",
            "route": "direct",
            "consent": "given",
        },
    )
    assert submitted.status_code == 303
    assert reference in karim.get("/t/aalst/ckg/wachtrij").get_data(as_text=True)


def test_a_hand_off_without_a_granted_ckg_is_vetoed(world):
    loket = world.user("loket-lies", "aalst", ["staff:loket"])
    with (
        request_at(world, "aalst", loket) as session,
        pytest.raises(HandOffRefused),
    ):
        announce(
            session,
            "loket.referral_to_ckg_requested",
            **{**PAYLOAD, "ckg_organisation_id": "00000000-0000-0000-0000-000000000000"},
        )


def test_monitoring_figures_are_aggregated_and_name_no_one(world):
    sara = world.client_for(users(world)["sara"])
    submit(sara)
    submit(sara, urgency="crisis")
    with world.app.app_context():
        from core.models import Tenant

        with world.app.extensions["opvangplein.db"].tenant_session(
            tenant_id(world.app, "aalst")
        ) as db:
            tenant = db.get(Tenant, tenant_id(world.app, "aalst"))
            figures = {f.key: f for f in subjects.monitoring_figures(db, tenant)}
    assert figures["ckg.waiting"].value == 2
    assert figures["ckg.crisis_referrals_last_year"].value == 1
    assert figures["ckg.median_waiting_days"].value == 0
    assert all(isinstance(f.value, int | float) for f in figures.values())
