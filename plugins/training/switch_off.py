"""What a municipality loses when it switches training off: said before the admin confirms."""

from __future__ import annotations

from datetime import datetime

from flask_babel import ngettext
from sqlmodel import func, select

from plugins.training.models import (
    Candidate,
    Course,
    CourseSignup,
    InfoRegistration,
    InfoSession,
    InternshipHours,
)
from plugins.training.services import HOURS_PENDING, PIPELINE, Stage

ON_THEIR_WAY = [str(stage) for stage in PIPELINE[: PIPELINE.index(Stage.GRADUATED)]]
SEATED = ["registered", "waiting"]


def switch_off_warnings(session, now: datetime) -> list[str]:
    """Candidates on their way, mailed links to coming sessions and courses, unconfirmed hours;
    zero counts are left out."""
    candidates = session.exec(
        select(func.count()).select_from(Candidate).where(Candidate.stage.in_(ON_THEIR_WAY))
    ).one()
    info_registrations = session.exec(
        select(func.count())
        .select_from(InfoRegistration)
        .join(InfoSession, InfoSession.id == InfoRegistration.info_session_id)
        .where(InfoSession.starts_at > now, InfoRegistration.status.in_(SEATED))
    ).one()
    course_signups = session.exec(
        select(func.count())
        .select_from(CourseSignup)
        .join(Course, Course.id == CourseSignup.course_id)
        .where(Course.starts_at > now, CourseSignup.status.in_(SEATED))
    ).one()
    pending_hours = session.exec(
        select(func.coalesce(func.sum(InternshipHours.hours), 0)).where(
            InternshipHours.status == HOURS_PENDING
        )
    ).one()
    warnings = []
    if candidates:
        warnings.append(
            ngettext(
                "%(num)d candidate on the way to a qualification can no longer be guided; "
                "their path page will answer 404.",
                "%(num)d candidates on the way to a qualification can no longer be guided; "
                "their path pages will answer 404.",
                candidates,
            )
        )
    if info_registrations:
        warnings.append(
            ngettext(
                "%(num)d registration for a coming info session: the link in its confirmation "
                "mail will answer 404 and no reminder is sent.",
                "%(num)d registrations for coming info sessions: the links in their "
                "confirmation mails will answer 404 and no reminders are sent.",
                info_registrations,
            )
        )
    if course_signups:
        warnings.append(
            ngettext(
                "%(num)d sign-up for a coming course: the link in its confirmation mail will "
                "answer 404.",
                "%(num)d sign-ups for coming courses: the links in their confirmation mails "
                "will answer 404.",
                course_signups,
            )
        )
    if pending_hours:
        warnings.append(
            ngettext(
                "%(num)d internship hour waits for the mentor and can no longer be confirmed.",
                "%(num)d internship hours wait for the mentor and can no longer be confirmed.",
                pending_hours,
            )
        )
    return warnings
