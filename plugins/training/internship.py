"""Dated internship hours: the intern (or the school, on the intern's behalf) logs a day, the
mentor at the placement confirms or rejects it. A day the school logs waits for the mentor like
the intern's own: the school cannot make hours count that the placement never saw.

A *mentor* is a member of the childcare provider organisation at the internship location (the
candidate's ``placement_provider_id``, copied from the loket's location when the internship
step is taken). Only confirmed hours are added to the candidate's ``internship_hours``, the
total the graduation rule in services.py weighs against the cohort's required hours.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import select

from core import audit
from core.db import utcnow
from core.identity.models import OrganisationMember
from plugins.training import store
from plugins.training.models import Candidate, InternshipHours
from plugins.training.services import (
    HOURS_CONFIRMED,
    RuleError,
    Stage,
    check_hours_entry,
    check_review,
)


def mentor_organisations(session, user_id: uuid.UUID) -> set[uuid.UUID]:
    """The organisations the user is a member of (a provider's staff mentor its interns)."""
    return set(
        session.exec(
            select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == user_id)
        )
    )


def interns_of(session, organisation_ids: set[uuid.UUID]) -> list[Candidate]:
    if not organisation_ids:
        return []
    return list(
        session.exec(
            select(Candidate)
            .where(
                Candidate.placement_provider_id.in_(organisation_ids),
                Candidate.stage == Stage.INTERNSHIP,
            )
            .order_by(Candidate.family_name, Candidate.given_name, Candidate.id)
        )
    )


def is_mentor_of(session, user_id: uuid.UUID, candidate: Candidate) -> bool:
    provider = candidate.placement_provider_id
    return provider is not None and provider in mentor_organisations(session, user_id)


def entries(session, candidate_id: uuid.UUID) -> list[InternshipHours]:
    return list(
        session.exec(
            select(InternshipHours)
            .where(InternshipHours.candidate_id == candidate_id)
            .order_by(InternshipHours.worked_on.desc(), InternshipHours.logged_at.desc())
        )
    )


def log_hours(
    session,
    candidate: Candidate,
    *,
    worked_on: date | None,
    hours: int | None,
    description: str,
    user_id: uuid.UUID,
    today: date,
) -> InternshipHours:
    errors = check_hours_entry(
        candidate.stage, worked_on=worked_on, hours=hours, description=description, today=today
    )
    if errors:
        raise RuleError(errors)
    entry = InternshipHours(
        candidate_id=candidate.id,
        worked_on=worked_on,
        hours=hours,
        description=description.strip(),
        logged_by=user_id,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        action="training.hours_logged",
        object_type="training_internship_hours",
        object_id=entry.id,
        detail={"candidate": str(candidate.id), "worked_on": worked_on.isoformat(), "hours": hours},
    )
    return entry


def review(
    session,
    entry: InternshipHours,
    candidate: Candidate,
    *,
    decision: str,
    reason: str,
    user_id: uuid.UUID,
    actor: str,
) -> None:
    """Confirm (the hours count from now on) or reject (with the reason the intern sees)."""
    errors = check_review(entry.status, decision, reason)
    if errors:
        raise RuleError(errors)
    entry.status = decision
    entry.reviewed_by = user_id
    entry.reviewed_at = utcnow()
    entry.reject_reason = "" if decision == HOURS_CONFIRMED else reason.strip()
    session.add(entry)
    if decision == HOURS_CONFIRMED:
        candidate.internship_hours += entry.hours
        session.add(candidate)
    store.add_timeline(
        session,
        candidate,
        actor=actor,
        kind="progress",
        detail=f"{entry.worked_on.isoformat()}: {entry.hours} h {decision}"
        f" → {candidate.internship_hours} h",
        reason=entry.reject_reason,
    )
    audit.record(
        session,
        action=f"training.hours_{decision}",
        object_type="training_internship_hours",
        object_id=entry.id,
        detail={
            "candidate": str(candidate.id),
            "hours": entry.hours,
            "reason": entry.reject_reason,
        },
        on_behalf_of=audit.person(
            candidate.user_id, object_type="training_candidate", object_id=candidate.id
        ),
    )
    session.flush()
