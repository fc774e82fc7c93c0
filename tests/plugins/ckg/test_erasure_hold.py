"""Erasing a parent while their case is in guidance does not empty the CKG's file mid-guidance:
the erasure is held, the CKG gets it as a task on the case, and the audit log says why."""

from __future__ import annotations

from sqlmodel import select

from core import subjects
from core.models import AuditEntry, Tenant
from core.plugin_types import DataSubject
from plugins.ckg.models import CaseNote, FamilyMember
from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import antenna_named, step, stored, submit
from tests.support.apps import tenant_id


def _erase(world, email="sofie@example.be") -> int:
    database = world.app.extensions["opvangplein.db"]
    with database.session() as db:
        tenant = db.exec(select(Tenant).where(Tenant.slug == "aalst")).one()
    with world.app.app_context(), database.tenant_session(tenant.id) as db:
        return subjects.erase_subject(db, tenant, DataSubject(email=email))


def _in_guidance(world, people):
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    step(karim, referral_id, "received")
    step(karim, referral_id, "intake_planned", intake_on="2026-12-01")
    step(karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-15")
    assert step(karim, referral_id, "in_progress").status_code == 303
    return referral_id, karim


def _rows(world, model):
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        return list(db.exec(select(model)).all())


def test_erasing_a_parent_with_a_case_in_guidance_keeps_the_case_and_tells_the_ckg(world):
    people = users(world)
    referral_id, karim = _in_guidance(world, people)
    waiting = submit(world.client_for(people["sara"]))  # not yet in guidance
    _erase(world)
    held = stored(world.app, referral_id)
    assert held.anonymised_at is None and held.erasure_requested_at is not None
    assert held.concern_summary and held.family_phone == "0470 12 34 56"
    assert {m.name for m in _rows(world, FamilyMember) if m.referral_id == referral_id} == {
        "Sofie Janssens",
        "Lotte",
    }
    # The referral that is only waiting is anonymised as before.
    assert stored(world.app, waiting).anonymised_at is not None
    entries = [row for row in _rows(world, AuditEntry) if row.action == "ckg.erasure_held"]
    assert len(entries) == 1 and "guidance" in entries[0].detail["reason"]
    assert any(
        "verwijdering" in note.body.lower() and note.referral_id == referral_id
        for note in _rows(world, CaseNote)
    )
    page = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "Verwijdering van de gegevens van het gezin gevraagd op" in page


def test_erasing_after_the_case_is_closed_anonymises_it(world):
    people = users(world)
    referral_id, karim = _in_guidance(world, people)
    step(karim, referral_id, "closed", outcome="goals_reached")
    assert _erase(world) >= 1
    assert stored(world.app, referral_id).anonymised_at is not None
