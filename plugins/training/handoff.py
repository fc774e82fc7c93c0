"""Hand-off to the loket: a candidate lacks childcare for their own child.

When a candidate drops out, or cannot start, because their own child has no childcare, the
school or the municipality offers to start a loket request. Only with the candidate's consent,
recorded here first, is ``training.childcare_needed`` announced with the fields the candidate
agreed to share (see ``on_event`` in core/hookspecs.py):

``candidate_id`` (str), ``parent_name``, ``parent_email``, ``child_name``, ``child_birth_date``
(ISO), ``desired_start`` (ISO), ``language``, ``note``.

The loket plugin drafts a request and answers ``loket.request_drafted`` with its request id and
our ``candidate_id``; :func:`record_loket_answer` writes that on the candidate's timeline.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import select

from core.db import utcnow
from core.events import announce
from plugins.training import store
from plugins.training.models import NAME_MAX, REASON_MAX, Candidate, LoketHandOff
from plugins.training.services import DropoutReason, RuleError, Stage

NEEDED = "training.childcare_needed"
DRAFTED = "loket.request_drafted"
LANGUAGES = ("nl", "en", "fr", "de", "ar", "tr", "pl", "ro", "uk")
SHARED_FIELDS = (
    "candidate_id",
    "parent_name",
    "parent_email",
    "child_name",
    "child_birth_date",
    "desired_start",
    "language",
    "note",
)
# A child may still be on the way; the loket takes requests from the pregnancy on.
EXPECTED_BIRTH_WINDOW = timedelta(days=280)


@dataclass
class HandOffInput:
    consent: bool
    child_name: str
    child_birth_date: date | None
    desired_start: date | None
    language: str
    note: str = ""


def may_offer_hand_off(candidate: Candidate) -> bool:
    """Offered when the candidate stopped, or cannot start, for lack of own childcare."""
    if candidate.stage == Stage.DROPPED_OUT:
        return candidate.dropout_reason == DropoutReason.OWN_CHILDCARE_MISSING
    return candidate.needs_childcare and candidate.stage not in (Stage.GRADUATED, Stage.EMPLOYED)


def check_hand_off(data: HandOffInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.consent:
        errors["consent"] = _l("Without the candidate's consent nothing is passed on to the loket.")
    if not data.child_name.strip():
        errors["child_name"] = _l("Give the child's first name.")
    elif len(data.child_name) > NAME_MAX:
        errors["child_name"] = _l("Keep the name under %(max)s characters.", max=NAME_MAX)
    if data.child_birth_date is None:
        errors["child_birth_date"] = _l("Give the date of birth (or the expected date).")
    elif data.child_birth_date > today + EXPECTED_BIRTH_WINDOW:
        errors["child_birth_date"] = _l("That date is too far in the future.")
    elif data.child_birth_date < today - timedelta(days=13 * 365):
        errors["child_birth_date"] = _l("The loket arranges childcare for children up to 12.")
    if data.desired_start is None:
        errors["desired_start"] = _l("Give the date childcare is needed from.")
    elif data.desired_start < today:
        errors["desired_start"] = _l("The start date cannot be in the past.")
    if data.language not in LANGUAGES:
        errors["language"] = _l("Choose a language from the list.")
    if len(data.note) > REASON_MAX:
        errors["note"] = _l("Keep the note under %(max)s characters.", max=REASON_MAX)
    return errors


def hand_off(
    session, candidate: Candidate, data: HandOffInput, *, actor: str, today: date
) -> LoketHandOff:
    """Record the consent and announce the consented fields; refused without consent."""
    if not may_offer_hand_off(candidate):
        raise RuleError({"consent": _l("This candidate has no childcare need recorded.")})
    errors = check_hand_off(data, today)
    if errors:
        raise RuleError(errors)
    record = LoketHandOff(
        candidate_id=candidate.id, recorded_by=actor[:200], shared_fields=",".join(SHARED_FIELDS)
    )
    session.add(record)
    store.add_timeline(
        session,
        candidate,
        actor=actor,
        kind="handoff",
        detail="consent",
    )
    session.flush()
    announce(
        session,
        NEEDED,
        candidate_id=str(candidate.id),
        parent_name=f"{candidate.given_name} {candidate.family_name}",
        parent_email=candidate.email,
        child_name=data.child_name.strip(),
        child_birth_date=data.child_birth_date.isoformat(),
        desired_start=data.desired_start.isoformat(),
        language=data.language,
        note=data.note.strip(),
    )
    return record


def record_loket_answer(session, payload: dict) -> LoketHandOff | None:
    """``loket.request_drafted``: note the loket's request on the candidate's timeline."""
    try:
        candidate_id = uuid.UUID(str(payload.get("candidate_id") or ""))
    except ValueError:
        return None  # a loket request that did not come from us
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return None
    request_id = str(payload.get("loket_request_id") or payload.get("request_id") or "").strip()[
        :64
    ]
    record = session.exec(
        select(LoketHandOff)
        .where(LoketHandOff.candidate_id == candidate.id, LoketHandOff.answered_at.is_(None))
        .order_by(LoketHandOff.consent_recorded_at.desc())
    ).first()
    if record is not None:
        record.loket_request_id = request_id
        record.answered_at = utcnow()
        session.add(record)
    store.add_timeline(
        session,
        candidate,
        actor="loket",
        kind="loket",
        detail=request_id,
    )
    session.flush()
    return record
