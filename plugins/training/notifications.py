"""Mail to candidates and course participants, through the outbox (sent after commit).

Links in mails are built by the caller (a view knows the tenant's address; the reminder command
has none), so each function takes the link it should show, if any.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from core.db import as_utc
from core.mail import queue_mail
from core.web import external_url
from plugins.training import store
from plugins.training.models import Candidate, Course, CourseSignup, InfoRegistration, InfoSession


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
        queue_mail(
            session,
            to=candidate.email,
            subject=_("Reminder: info session in %(tenant)s", tenant=tenant.name),
            body=_(
                "We expect you at the info session of %(when)s at %(where)s. Can you not come?"
                " Cancel with the link in your confirmation mail, so someone on the waiting list"
                " gets your seat.",
                when=_when(info_session.starts_at),
                where=info_session.location,
            )
            + _link_line(link),
            purpose="training.info_reminder",
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
