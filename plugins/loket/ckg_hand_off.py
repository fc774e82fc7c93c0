"""Handing a family on to a CKG (Centrum voor Kinderzorg en Gezinsondersteuning).

Loket staff see that a family needs more than a childcare place. With the parent's consent they
announce ``loket.referral_to_ckg_requested`` carrying only the consented fields; the ckg plugin
(when the municipality enabled it) creates a draft referral in this same transaction and
answers with ``ckg.referral_received``, which the loket records in its audit log. A refusal by
the CKG side arrives as a ``ValueError`` whose message staff see.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import select

from core import audit
from core.events import announce
from core.identity.models import Organisation
from plugins.loket import services
from plugins.loket.models import ChildcareRequest

REQUESTED = "loket.referral_to_ckg_requested"
RECEIVED = "ckg.referral_received"
URGENCIES = ("regular", "soon", "crisis")
SUMMARY_MAX = 2000


@dataclass
class HandOffInput:
    consent: bool = False
    concern_summary: str = ""
    urgency: str = "regular"
    ckg_organisation_id: uuid.UUID | None = None


def ckg_organisations(session) -> list[Organisation]:
    """Organisations registered as a CKG; the ckg plugin checks that this tenant granted one."""
    return list(
        session.exec(
            select(Organisation).where(Organisation.kind == "ckg").order_by(Organisation.name)
        )
    )


def validate(data: HandOffInput) -> dict[str, str]:
    errors = {}
    if not data.consent:
        errors["ckg_consent"] = "consent_required"
    if not data.concern_summary.strip():
        errors["concern_summary"] = "required"
    elif len(data.concern_summary) > SUMMARY_MAX:
        errors["concern_summary"] = "summary_too_long"
    if data.urgency not in URGENCIES:
        errors["urgency"] = "urgency_invalid"
    return errors


def payload_for(request: ChildcareRequest, data: HandOffInput, *, referrer: uuid.UUID) -> dict:
    """Only what the parent consented to share: names, (expected) birth, e-mail, the concern."""
    child: dict = {"name": request.child_name}
    if request.birth_date:
        child["birth_date"] = request.birth_date.isoformat()
    elif request.expected_birth_date:
        child["expected_birth"] = request.expected_birth_date.isoformat()
    payload: dict = {
        "loket_request_id": str(request.id),
        "parents": [{"name": request.parent_name, "relation": "ouder"}]
        if request.parent_name
        else [],
        "children": [child],
        "family_email": request.parent_email,
        "concern_summary": data.concern_summary.strip(),
        "urgency": data.urgency,
        "referrer_user_id": str(referrer),
    }
    if data.ckg_organisation_id is not None:
        payload["ckg_organisation_id"] = str(data.ckg_organisation_id)
    return payload


def hand_to_ckg(
    session, request: ChildcareRequest, data: HandOffInput, *, referrer: uuid.UUID
) -> None:
    """Announce the hand-off (the ckg plugin may raise ``ValueError`` to refuse it)."""
    announce(session, REQUESTED, **payload_for(request, data, referrer=referrer))
    audit.record(
        session,
        action="loket.handed_to_ckg",
        object_type="loket_request",
        object_id=request.id,
        detail={"urgency": data.urgency},
        # Staff record the parent's consent and hand the family on for them.
        on_behalf_of=services.parent_of(request),
    )


def record_receipt(session, payload: Mapping) -> None:
    """The CKG received the hand-off: note its referral id with the loket's request."""
    try:
        request_id = uuid.UUID(str(payload.get("loket_request_id", "")))
    except ValueError:
        return  # not one of ours
    if session.get(ChildcareRequest, request_id) is None:
        return
    audit.record(
        session,
        action="loket.ckg_referral_received",
        object_type="loket_request",
        object_id=request_id,
        detail={"referral_id": str(payload.get("referral_id", ""))[:64]},
    )
