"""The training blueprint and what its page modules share: limits, template helpers, lookups."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, g, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.db import as_utc
from core.identity.models import Organisation, OrganisationGrant
from core.web import db_session, tenant_hooks, tenant_required
from plugins.training import notifications, store
from plugins.training.access import is_staff, may_manage, partner_organisations, require_visible
from plugins.training.labels import TEMPLATE_LABELS, actor_text, label, timeline_text
from plugins.training.models import Candidate, Course, CourseSignup, InfoRegistration, InfoSession
from plugins.training.services import PIPELINE

blueprint = Blueprint(
    "training",
    __name__,
    url_prefix="/opleiding",
)
blueprint.before_request(tenant_required)

# Anyone may register without an account: limit what one connection can send (bots, loops).
PUBLIC_FORMS_PER_MINUTE = 10
# Secret links are long random tokens; the limit makes guessing them pointless on top.
SECRET_LINKS_PER_MINUTE = 30


@blueprint.context_processor
def _helpers() -> dict:
    from flask_babel import format_date, format_datetime

    return {
        "labels": TEMPLATE_LABELS,
        "label": label,
        "timeline_text": timeline_text,
        "actor_text": actor_text,
        "stages": list(PIPELINE),
        "when": lambda moment: format_datetime(as_utc(moment), "d MMM y, HH:mm"),
        "day": lambda value: format_date(value, "d MMM y") if value else "—",
        "may_manage": may_manage(),
        "is_staff": is_staff(),
    }


@blueprint.after_request
def _no_store(response):
    # Pages name candidates and participants: they must not linger in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def today() -> date:
    return date.today()


def organisation_names() -> dict[uuid.UUID, str]:
    return {o.id: o.name for o in db_session().exec(select(Organisation))}


def training_partners() -> list[Organisation]:
    """Organisations this tenant granted the training module (the staff's choice list)."""
    session = db_session()
    granted = [
        grant.organisation_id
        for grant in session.exec(select(OrganisationGrant))
        if "training" in (grant.modules or [])
    ]
    if not granted:
        return []
    return list(
        session.exec(
            select(Organisation).where(Organisation.id.in_(granted)).order_by(Organisation.name)
        )
    )


def organisation_choices() -> dict:
    """Whom a manager may publish for: their own organisations, or (staff) any partner or the
    municipality itself (the ``None`` key)."""
    if is_staff():
        return {None: _("The municipality"), **{o.id: o.name for o in training_partners()}}
    return {o.id: o.name for o in partner_organisations()}


def offer_organisations(form) -> dict:
    """Set the organisation choices of a manager's form; returns them for the template."""
    choices = organisation_choices()
    form.organisation.offer(choices)
    return choices


def load(model, row_id: uuid.UUID):
    return require_visible(db_session().get(model, row_id))


def setting(session, key: str):
    from core.tenancy import plugin_settings
    from plugins.training.plugin import MANIFEST

    return plugin_settings(session, MANIFEST)[key]


def seats(info_session: InfoSession) -> dict:
    return _seats(InfoRegistration, InfoRegistration.info_session_id, info_session)


def course_seats(course: Course) -> dict:
    return _seats(CourseSignup, CourseSignup.course_id, course)


def with_seats(info_sessions: list[InfoSession]) -> list[tuple[InfoSession, dict]]:
    """Each info session with its :func:`seats`, counted for the whole list in one query."""
    return _with_seats(InfoRegistration, InfoRegistration.info_session_id, info_sessions)


def with_course_seats(courses: list[Course]) -> list[tuple[Course, dict]]:
    """Each course with its :func:`course_seats`, counted for the whole list in one query."""
    return _with_seats(CourseSignup, CourseSignup.course_id, courses)


def _seats(model, column, row) -> dict:
    return _with_seats(model, column, [row])[0][1]


def _with_seats(model, column, rows) -> list[tuple]:
    counts = store.registration_counts_in(db_session(), model, column, [row.id for row in rows])
    return [(row, _seat_figures(row.capacity, *counts[row.id])) for row in rows]


def _seat_figures(capacity: int, registered: int, waiting: int) -> dict:
    return {"registered": registered, "waiting": waiting, "free": max(capacity - registered, 0)}


def tell_promoted(info_session: InfoSession, promoted: InfoRegistration) -> None:
    """Mail the person on the waiting list who got the seat just freed."""
    candidate = db_session().get(Candidate, promoted.candidate_id)
    link = url_for("training.my_registration", token=promoted.token, _external=True)
    notifications.seat_freed(db_session(), info_session, candidate, link)


def childcare_locations() -> list:
    """The loket's locations when the loket is on for this tenant; otherwise none (free text)."""
    return [
        location
        for answer in tenant_hooks().childcare_locations(tenant=g.tenant, session=db_session())
        for location in answer or ()
    ]


def record_for_candidate(session, candidate: Candidate, action: str, detail: dict) -> None:
    """Audit what a manager did on a candidate's behalf (the candidate is the data subject)."""
    audit.record(
        session,
        action=action,
        object_type="training_candidate",
        object_id=candidate.id,
        detail=detail,
        on_behalf_of=audit.person(
            candidate.user_id, object_type="training_candidate", object_id=candidate.id
        ),
    )


def prefill_from_user(user) -> dict:
    """A signed-in person's name and address, to fill in a public form for them."""
    if user is None:
        return {}
    given, _space, family = (user.name or "").partition(" ")
    return {"given_name": given, "family_name": family, "email": user.email or ""}
