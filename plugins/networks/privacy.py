"""The data subject's rights for what this plugin holds about a person: contact persons.

Case consultations hold no names (a pseudonymous reference); family details, when consented,
are not linked to an account or an e-mail, so they cannot be found by subject — the network
removes them with the case.
"""

from __future__ import annotations

from core.plugin_types import DataSubject
from plugins.networks import store


def export_contacts(session, subject: DataSubject) -> dict | None:
    if not subject.email:
        return None
    contacts = store.contacts_with_email(session, subject.email)
    if not contacts:
        return None
    return {
        "plugin": "networks",
        "contact_person_entries": [
            {"name": c.name, "function": c.function, "email": c.email, "phone": c.phone}
            for c in contacts
        ],
    }


def erase_contacts(session, subject: DataSubject) -> int:
    if not subject.email:
        return 0
    contacts = store.contacts_with_email(session, subject.email)
    for contact in contacts:
        session.delete(contact)
    return len(contacts)
