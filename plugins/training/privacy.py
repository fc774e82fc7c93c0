"""The data subject's rights for candidates and course participants (GDPR art. 15 and 17)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from core.models import Tenant
from core.plugin_types import DataSubject
from core.web import external_url
from plugins.training import internship, notifications, store
from plugins.training.models import Candidate, Course, CourseSignup, InfoRegistration, InfoSession

ERASED = "(gewist)"


def _conditions(model, subject: DataSubject) -> list:
    conditions = []
    if subject.user_id is not None:
        conditions.append(model.user_id == subject.user_id)
    if subject.email:
        conditions.append(model.email == subject.email.strip().lower())
    return conditions


def _rows(session, model, subject: DataSubject) -> list:
    conditions = _conditions(model, subject)
    if not conditions:
        return []
    return list(session.exec(select(model).where(sa.or_(*conditions))))


def export_subject(session, subject: DataSubject) -> dict | None:
    candidates = _rows(session, Candidate, subject)
    course_signups = _rows(session, CourseSignup, subject)
    if not candidates and not course_signups:
        return None
    return {
        "plugin": "training",
        "candidates": [
            {
                "name": f"{c.given_name} {c.family_name}",
                "email": c.email,
                "phone": c.phone,
                "interest": c.interest,
                "contact_consent": c.contact_consent,
                "stage": c.stage,
                "intake_outcome": c.intake_outcome,
                "intake_reasons": c.intake_reasons,
                "internship_hours": c.internship_hours,
                "modules_passed": c.modules_passed,
                "placement": c.placement_name,
                "employer": c.employer,
                "dropout_reason": c.dropout_reason,
                "internship_days": [
                    {
                        "worked_on": h.worked_on.isoformat(),
                        "hours": h.hours,
                        "description": h.description,
                        "status": h.status,
                        "reject_reason": h.reject_reason,
                    }
                    for h in internship.entries(session, c.id)
                ],
                "timeline": [
                    {"at": e.at.isoformat(), "kind": e.kind, "to": e.to_stage, "detail": e.detail}
                    for e in store.timeline(session, c.id)
                ],
            }
            for c in candidates
        ],
        "course_signups": [
            {"course_id": str(s.course_id), "status": s.status, "employer": s.employer}
            for s in course_signups
        ],
    }


def erase_subject(session, subject: DataSubject) -> int:
    """Strip the person; stages and dates stay, so the funnel figures still add up."""
    rows = 0
    for candidate in _rows(session, Candidate, subject):
        candidate.given_name, candidate.family_name = ERASED, ""
        candidate.email, candidate.phone = "", ""
        candidate.user_id = None
        candidate.intake_reasons = candidate.dropout_note = ""
        candidate.contact_consent = False
        session.add(candidate)
        for day in internship.entries(session, candidate.id):
            # Hours and status stay (they count); what the person wrote goes.
            day.description, day.reject_reason, day.logged_by = ERASED, "", None
            session.add(day)
        for registration in session.exec(
            select(InfoRegistration).where(InfoRegistration.candidate_id == candidate.id)
        ):
            if registration.status != "cancelled":
                promoted = store.cancel_registration(session, registration)
                if promoted is not None:
                    _tell_promoted(session, registration, promoted)
        rows += 1
    for signup in _rows(session, CourseSignup, subject):
        if signup.status != "cancelled":
            promoted = store.cancel_signup(session, signup)
            if promoted is not None:
                notifications.course_seat_freed(
                    session, session.get(Course, signup.course_id), promoted
                )
        signup.given_name, signup.family_name, signup.email = ERASED, "", ""
        signup.user_id = None
        session.add(signup)
        rows += 1
    session.flush()
    return rows


def _tell_promoted(session, cancelled: InfoRegistration, promoted: InfoRegistration) -> None:
    """The person who moves up hears it, with the secret link to their registration."""
    tenant = session.get(Tenant, cancelled.tenant_id)
    notifications.seat_freed(
        session,
        session.get(InfoSession, cancelled.info_session_id),
        session.get(Candidate, promoted.candidate_id),
        external_url(tenant, "training.my_registration", token=promoted.token),
    )
