"""Drafts from the training plugin: a candidate who lacks childcare for their own child.

The training plugin announces ``training.childcare_needed`` with the fields the candidate
consented to share. The loket turns them into a draft request (origin "training") that staff
complete, and answers with ``loket.request_drafted``. A handler runs in the announcer's
transaction: a payload the loket cannot use raises :class:`HandOffRefused` (a ``ValueError``)
with a message the announcer can show, instead of saving half a request.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

from sqlmodel import select

from core import audit
from core.events import announce
from plugins.loket.models import (
    INTERFACE_LANGUAGES,
    LANGUAGES,
    ChildcareRequest,
    RequestStatus,
)

NEEDED = "training.childcare_needed"
DRAFTED = "loket.request_drafted"
ORIGIN = "training"


class HandOffRefused(ValueError):
    """The payload cannot become a request; the message says which field and why."""


def _text(payload: Mapping, key: str, limit: int, *, required: bool = False) -> str:
    value = payload.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise HandOffRefused(f"{NEEDED}: {key} must be text")
    value = " ".join(value.split())
    if required and not value:
        raise HandOffRefused(f"{NEEDED}: {key} is required")
    if len(value) > limit:
        raise HandOffRefused(f"{NEEDED}: {key} is longer than {limit} characters")
    return value


def _date(payload: Mapping, key: str) -> date | None:
    raw = payload.get(key)
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise HandOffRefused(f"{NEEDED}: {key} must be an ISO date (YYYY-MM-DD)") from None


def draft_from_training(session, payload: Mapping, *, today: date) -> ChildcareRequest:
    """Create (or, for the same candidate, update) the draft request and answer the event."""
    if not isinstance(payload, Mapping):
        raise HandOffRefused(f"{NEEDED}: the payload must be a mapping")
    raw_candidate = payload.get("candidate_id")
    if isinstance(raw_candidate, int | uuid.UUID) and not isinstance(raw_candidate, bool):
        candidate = str(raw_candidate)
    else:
        candidate = _text(payload, "candidate_id", 80, required=True)
    child_name = _text(payload, "child_name", 200, required=True)
    parent_name = _text(payload, "parent_name", 200, required=True)
    parent_email = _text(payload, "parent_email", 320)
    if parent_email and ("@" not in parent_email or " " in parent_email):
        raise HandOffRefused(f"{NEEDED}: parent_email is not an e-mail address")
    birth = _date(payload, "child_birth_date")
    start = _date(payload, "desired_start")
    language = _text(payload, "language", 10).lower() or "nl"
    note = _text(payload, "note", 2000)
    first, _space, last = child_name.partition(" ")
    reference = f"{ORIGIN}:{candidate}"
    request = session.exec(
        select(ChildcareRequest).where(ChildcareRequest.external_reference == reference)
    ).first()
    if request is not None and request.status != RequestStatus.DRAFT:
        raise HandOffRefused(f"{NEEDED}: candidate {candidate} already has a submitted request")
    request = request or ChildcareRequest(
        origin=ORIGIN, external_reference=reference, created_by=ORIGIN
    )
    request.child_first_name = first[:100]
    request.child_last_name = last[:100]
    # A birth date still to come is an expected birth: registration before birth is allowed.
    request.birth_date = birth if birth and birth <= today else None
    request.expected_birth_date = birth if birth and birth > today else None
    request.desired_start = start
    request.parent_name = parent_name
    request.parent_email = parent_email
    # What the family speaks is for a conversation; our e-mails keep to what the platform speaks.
    request.contact_language = language if language in LANGUAGES else "other"
    request.language = language if language in INTERFACE_LANGUAGES else "nl"
    request.note = note
    request.status = RequestStatus.DRAFT
    session.add(request)
    session.flush()
    audit.record(
        session,
        action="loket.request_drafted",
        object_type="loket_request",
        object_id=request.id,
        detail={"origin": ORIGIN, "candidate_id": candidate},
    )
    announce(session, DRAFTED, request_id=str(request.id), candidate_id=raw_candidate)
    return request
