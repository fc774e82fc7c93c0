"""Mail to candidates and course participants, through the outbox (sent after commit).

Links in mails are built by the caller (a view knows the tenant's address; the reminder command
has none), so each function takes the link it should show, if any.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from sqlmodel import select

from core.db import as_utc
from core.identity.models import User
from core.mail import queue_mail
from core.web import external_url
from plugins.training import store
from plugins.training.models import (
    Candidate,
    Cohort,
    Course,
    CourseSignup,
    InfoRegistration,
    InfoSession,
)
from plugins.training.services import Stage


def _when(moment: datetime) -> str:
    return format_datetime(as_utc(moment), "d MMMM y, HH:mm")


def _link_line(link: str) -> str:
    return "\n\n" + _("Check or cancel your registration: %(link)s", link=link) if link else ""


def registration_confirmed(
    session,
    info_session: InfoSession,
    registration: InfoRegistration,
    candidate: Candidate,
    link: str,
) -> None:
    if registration.status == "registered":
        body = _(
            "You are registered for the info session of %(when)s at %(where)s.",
            when=_when(info_session.starts_at),
            where=info_session.location,
        )
    else:
        body = _(
            "The info session of %(when)s is full: you are on the waiting list. We write to you"
            " as soon as a seat frees up.",
            when=_when(info_session.starts_at),
        )
    queue_mail(
        session,
        to=candidate.email,
        subject=_("Your registration for an info session"),
        body=body + _link_line(link),
        purpose="training.info_registration",
    )


def confirm_registration(session, info_session: InfoSession, email: str, link: str) -> None:
    """To an address a candidate already has: someone registered with it; the owner confirms."""
    queue_mail(
        session,
        to=email,
        subject=_("Confirm your registration for an info session"),
        body=_(
            "Someone registered with this e-mail address for the info session of %(when)s at"
            " %(where)s. If that was you, confirm with this link (it works once, for 48 hours)."
            " If it was not you, ignore this message: nothing changes.",
            when=_when(info_session.starts_at),
            where=info_session.location,
        )
        + "\n\n"
        + _("Confirm my registration: %(link)s", link=link),
        purpose="training.confirm_registration",
    )


def seat_freed(session, info_session: InfoSession, candidate: Candidate, link: str = "") -> None:
    queue_mail(
        session,
        to=candidate.email,
        subject=_("A seat freed up for you"),
        body=_(
            "A seat freed up: you are now registered for the info session of %(when)s at"
            " %(where)s.",
            when=_when(info_session.starts_at),
            where=info_session.location,
        )
        + _link_line(link),
        purpose="training.info_promoted",
    )


def send_reminders(session, *, now: datetime, tenant) -> int:
    """Queue one reminder per seated registration of a session within two days (once)."""
    due = store.due_reminders(session, now)
    for info_session, registration, candidate in due:
        link = external_url(tenant, "training.my_registration", token=registration.token)
        # No request, so no reader: the candidate's own language (their account's), else Dutch.
        language = candidate_language(session, candidate)
        with force_locale(language):
            subject = _("Reminder: info session in %(tenant)s", tenant=tenant.name)
            body = _(
                "We expect you at the info session of %(when)s at %(where)s. Can you not come?"
                " Cancel with the link in your confirmation mail, so someone on the waiting list"
                " gets your seat.",
                when=_when(info_session.starts_at),
                where=info_session.location,
            ) + _link_line(link)
        queue_mail(
            session,
            to=candidate.email,
            subject=subject,
            body=body,
            purpose="training.info_reminder",
            language=language,
        )
        registration.reminded_at = now
        session.add(registration)
    return len(due)


def course_signup_confirmed(session, course: Course, signup: CourseSignup, link: str) -> None:
    if signup.status == "registered":
        body = _(
            "You are signed up for the course %(title)s on %(when)s at %(where)s.",
            title=course.title,
            when=_when(course.starts_at),
            where=course.location,
        )
    else:
        body = _("The course %(title)s is full: you are on the waiting list.", title=course.title)
    queue_mail(
        session,
        to=signup.email,
        subject=_("Your sign-up for a course"),
        body=body + _link_line(link),
        purpose="training.course_signup",
    )


def course_seat_freed(session, course: Course, signup: CourseSignup) -> None:
    queue_mail(
        session,
        to=signup.email,
        subject=_("A seat freed up for you"),
        body=_(
            "A seat freed up: you are now signed up for the course %(title)s on %(when)s.",
            title=course.title,
            when=_when(course.starts_at),
        ),
        purpose="training.course_promoted",
    )


def candidate_language(session, candidate: Candidate) -> str:
    """The language of the candidate's account; Dutch for a candidate without one."""
    if candidate.user_id is None:
        return "nl"
    user = session.get(User, candidate.user_id)
    return (user.language if user else "") or "nl"


# The steps the candidate must act on: the intake's outcome (what next), the enrolment (where
# and when the school starts), the internship (whom to contact), graduation and the job.
STAGES_TO_TELL = (Stage.INTAKE, Stage.ENROLLED, Stage.INTERNSHIP, Stage.GRADUATED, Stage.EMPLOYED)


def stage_reached(session, tenant, candidate: Candidate, from_stage: str, to_stage: str) -> bool:
    """Mail the candidate a step they must act on (queued in the step's transaction); False when
    the step is not one to tell."""
    if to_stage not in STAGES_TO_TELL or not candidate.email:
        return False
    # A new intake outcome is news; any other stage is told on the step into it only.
    if from_stage == to_stage and to_stage != Stage.INTAKE:
        return False
    language = candidate_language(session, candidate)
    link = external_url(tenant, "training.my_path")
    cohort = session.get(Cohort, candidate.cohort_id) if candidate.cohort_id else None
    with force_locale(language):
        subject, body = _stage_texts(to_stage, tenant, candidate, cohort)
        body += "\n\n" + _("Follow your pathway: %(link)s", link=link)
    queue_mail(
        session,
        to=candidate.email,
        subject=subject,
        body=body,
        purpose=f"training.stage_{to_stage}",
        language=language,
    )
    return True


def _stage_texts(stage: str, tenant, candidate: Candidate, cohort: Cohort | None):
    greeting = _("Dear %(name)s,", name=candidate.given_name) + "\n\n"
    if stage == Stage.INTAKE and candidate.intake_outcome == "suitable":
        return _("The outcome of your intake"), greeting + _(
            "At your intake conversation you were found suitable for the training as childcare"
            " worker in %(tenant)s. The next step is your enrolment in a cohort: the school"
            " contacts you about it.",
            tenant=tenant.name,
        )
    if stage == Stage.INTAKE:
        return _("The outcome of your intake"), greeting + _(
            "At your intake conversation we found the training is not the right step for you"
            " yet. Why: %(reasons)s Your pathway shows the advice we agreed on.",
            reasons=candidate.intake_reasons,
        )
    if stage == Stage.ENROLLED:
        where = (
            cohort.location if cohort and cohort.location else _("the place the school tells you")
        )
        return _("You are enrolled in a training"), greeting + _(
            "You are enrolled in %(cohort)s. It starts on %(date)s at %(place)s. The school sends"
            " you the timetable and what to bring.",
            cohort=cohort.name if cohort else _("a cohort"),
            date=format_date(cohort.starts_on, "d MMMM y") if cohort else "",
            place=where,
        )
    if stage == Stage.INTERNSHIP:
        place = candidate.placement_name or _("a childcare location")
        return _("Your internship is arranged"), greeting + _(
            "Your internship takes place at %(place)s. Contact them before your first day to agree"
            " on your hours.",
            place=place,
        )
    if stage == Stage.GRADUATED:
        return _("Congratulations: you graduated"), greeting + _(
            "You completed your training. Your pathway shows the next steps towards a job in"
            " childcare in %(tenant)s.",
            tenant=tenant.name,
        )
    return _("Your job in childcare is recorded"), greeting + _(
        "Your job at %(employer)s is recorded. Good luck! Let us know if anything changes.",
        employer=candidate.employer or _("a childcare provider"),
    )


def cohort_message(session, cohort: Cohort, *, subject: str, body: str, sent_by: str) -> int:
    """Mail staff's message to every candidate still in the cohort; logged on the cohort page."""
    from plugins.training.models import CohortMessage
    from plugins.training.services import IN_COHORT

    recipients = [
        candidate
        for candidate in session.exec(
            select(Candidate).where(
                Candidate.cohort_id == cohort.id, Candidate.stage.in_(list(IN_COHORT))
            )
        )
        if candidate.email
    ]
    for candidate in recipients:
        queue_mail(
            session,
            to=candidate.email,
            subject=subject,
            body=body,
            purpose="training.cohort_message",
            language=candidate_language(session, candidate),
        )
    session.add(
        CohortMessage(
            cohort_id=cohort.id,
            subject=subject,
            body=body,
            sent_by=sent_by,
            recipients=len(recipients),
        )
    )
    session.flush()
    return len(recipients)
