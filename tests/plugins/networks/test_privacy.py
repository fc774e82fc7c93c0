"""The data subject's rights: a contact person's entries are exported and erased."""

from __future__ import annotations

from sqlmodel import select

from core import subjects
from core.models import Tenant
from core.plugin_types import DataSubject
from plugins.networks.models import ContactPerson
from tests.support.apps import tenant_id


def test_contact_person_entries_are_exported_and_erased(world):
    els = world.client("els")
    response = els.post(
        f"/t/aalst/netwerken/{world.network_id}/leden/{world.ckg_member_id}/contactpersonen",
        data={
            "contact-name": "Els Peeters",
            "contact-function": "teamleider",
            "contact-email": "Els@CKG.example",
        },
    )
    assert response.status_code == 303
    subject = DataSubject(email="els@ckg.example")
    with world.app.app_context(), world.db() as db:
        tenant = db.get(Tenant, tenant_id(world.app, "aalst"))
        parts = [
            part
            for part in subjects.export_subject(db, tenant, subject)
            if part.get("plugin") == "networks"
        ]
        assert parts[0]["contact_person_entries"][0]["name"] == "Els Peeters"
        assert subjects.erase_subject(db, tenant, subject) >= 1
    with world.db() as db:
        assert db.exec(select(ContactPerson)).all() == []


def test_a_bad_contact_is_explained(world):
    response = world.client("els").post(
        f"/t/aalst/netwerken/{world.network_id}/leden/{world.ckg_member_id}/contactpersonen",
        data={"contact-name": "", "contact-email": "geen adres"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="contact-{world.ckg_member_id}-email-error"' in text
    # Another member's contacts are not the CKG's to write.
    assert (
        world.client("els")
        .post(
            f"/t/aalst/netwerken/{world.network_id}/leden/{world.school_member_id}/contactpersonen",
            data={"contact-name": "Iemand"},
        )
        .status_code
        == 403
    )
