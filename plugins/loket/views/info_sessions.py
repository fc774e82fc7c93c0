"""Info sessions: anyone registers; loket staff plan sessions, record attendance, cancel."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import can, require_permission
from core.rendering import render
from core.web import db_session
from plugins.loket import forms, info_sessions, notifications
from plugins.loket.models import InfoRegistration, InfoSession
from plugins.loket.views.common import _context, blueprint


def _info_page(status: int = 200, *, submitted=None, failed=None, plan_form=None):
    """The sessions with a registration form each, and for staff the planning form; the form
    that was sent and failed comes back with what was typed and its messages."""
    session = db_session()
    sessions = list(session.exec(select(InfoSession).order_by(InfoSession.starts_at)))
    registrations: dict = {}
    if can("loket.manage"):
        for row in session.exec(select(InfoRegistration).order_by(InfoRegistration.registered_at)):
            registrations.setdefault(row.session_id, []).append(row)
    counts = info_sessions.registered_counts(session, [s.id for s in sessions])
    # A signed-in visitor sees their own registrations (by their account's proven address).
    own: dict = {}
    user = g.get("user")
    if _proven_email(user):
        for row in session.exec(
            select(InfoRegistration).where(
                InfoRegistration.email == _proven_email(user),
                InfoRegistration.status != "cancelled",
            )
        ):
            own[row.session_id] = row
    registration_forms = {
        s.id: submitted
        if submitted is not None and s.id == failed
        else forms.InfoRegistrationForm(formdata=None).number(s.id)
        for s in sessions
    }
    plan_form = plan_form or forms.InfoSessionForm(formdata=None)
    shown = submitted if submitted is not None else plan_form
    return render(
        "loket/info_sessions.html",
        **_context(
            sessions=sessions,
            registrations=registrations,
            own_registrations=own,
            counts=counts,
            registration_forms=registration_forms,
            plan_form=plan_form,
            errors=shown.errors_by_id(),
        ),
    ), status


@blueprint.get("/infosessies")
def info_sessions_page():
    return _info_page()


@blueprint.post("/infosessies")
@require_permission("loket.manage")
def create_info_session():
    form = forms.InfoSessionForm()
    if not form.validate_on_submit():
        return _info_page(422, plan_form=form)
    db_session().add(
        InfoSession(
            title=form.title.data,
            starts_at=form.starts_at.data,
            place=form.place.data or "",
            online=bool(form.online.data),
            language=form.language.data or "nl",
            capacity=form.capacity.data,
        )
    )
    db_session().commit()
    flash(_("The info session was planned."))
    return redirect(url_for("loket.info_sessions_page"))


@blueprint.post("/infosessies/<uuid:session_id>/inschrijven")
def register_for_info_session(session_id: uuid.UUID):
    session = db_session()
    info_session = session.get(InfoSession, session_id)
    if info_session is None:
        abort(404)
    form = forms.InfoRegistrationForm().number(session_id)
    if not form.validate_on_submit():
        return _info_page(422, submitted=form, failed=session_id)
    name, email = form.name.data, form.email.data
    # The answer is the same whether or not the address is registered already: a typed address
    # proves nothing, so what it holds goes only to its mailbox (issue 12, verified e-mail).
    try:
        registration = info_sessions.register(session, info_session, name=name, email=email)
    except info_sessions.AlreadyRegistered:
        notifications.info_session_already_registered(session, g.tenant, info_session, email)
    else:
        notifications.info_session_registered(session, g.tenant, info_session, registration)
    session.commit()
    flash(
        _(
            "Thank you. We sent you an e-mail saying whether you have a seat or a waiting-list place."
        )
    )
    return redirect(url_for("loket.info_sessions_page"))


@blueprint.post("/infosessies/<uuid:session_id>/aanwezigheid")
@require_permission("loket.manage")
def record_attendance(session_id: uuid.UUID):
    session = db_session()
    info_session = session.get(InfoSession, session_id)
    if info_session is None:
        abort(404)
    form = forms.AttendanceForm()
    form.attended.choices = [
        (str(row.id), row.name)
        for row in session.exec(
            select(InfoRegistration).where(InfoRegistration.session_id == session_id)
        )
    ]
    if not form.validate_on_submit():
        abort(400)  # only the page's checkboxes are a person's answer
    info_sessions.record_attendance(session, info_session, set(form.attended.data))
    session.commit()
    flash(_("Attendance was saved."))
    return redirect(url_for("loket.info_sessions_page"))


@blueprint.post("/infosessies/inschrijving/<uuid:registration_id>/annuleren")
@require_permission("loket.manage")
def cancel_registration(registration_id: uuid.UUID):
    session = db_session()
    registration = session.get(InfoRegistration, registration_id)
    if registration is None:
        abort(404)
    _cancel(session, registration, by="staff")
    session.commit()
    flash(_("The registration was cancelled."))
    return redirect(url_for("loket.info_sessions_page"))


def _proven_email(user) -> str:
    """The signed-in user's address, only when it was proven theirs (else anyone could claim
    another person's registration by typing their address into a new account)."""
    if user is None or not getattr(user, "email_verified_via", ""):
        return ""
    return (user.email or "").strip().lower()


def _cancel(session, registration: InfoRegistration, *, by: str) -> None:
    """Cancel, tell whoever moves up from the waiting list, and audit who cancelled."""
    moved_up = info_sessions.cancel(session, registration)
    if moved_up is not None:
        info_session = session.get(InfoSession, moved_up.session_id)
        notifications.info_session_registered(session, g.tenant, info_session, moved_up)
    audit.record(
        session,
        action="loket.info_registration_cancelled",
        object_type="loket_info_registration",
        object_id=registration.id,
        detail={"by": by, "moved_up": str(moved_up.id) if moved_up else ""},
    )


def _registration_of_token(token: str) -> InfoRegistration:
    registration_id = info_sessions.registration_id_from_token(token)
    registration = db_session().get(InfoRegistration, registration_id) if registration_id else None
    if registration is None:
        abort(404)  # a token we did not sign, or one of another municipality
    return registration


@blueprint.get("/infosessies/mijn-inschrijving/<token>")
def own_registration(token: str):
    """The page the registration mail links to: the person's registration and a cancel button."""
    registration = _registration_of_token(token)
    info_session = db_session().get(InfoSession, registration.session_id)
    return render(
        "loket/info_registration.html",
        **_context(registration=registration, info_session=info_session, token=token),
    )


@blueprint.post("/infosessies/mijn-inschrijving/<token>")
def cancel_own_registration(token: str):
    """Whoever holds the registration mail cancels that one registration."""
    session = db_session()
    registration = _registration_of_token(token)
    if registration.status != "cancelled":
        _cancel(session, registration, by="person")
        session.commit()
    flash(_("Your registration was cancelled."))
    return redirect(url_for("loket.own_registration", token=token))


@blueprint.post("/infosessies/inschrijving/<uuid:registration_id>/mijn-annulering")
def cancel_signed_in_registration(registration_id: uuid.UUID):
    """A signed-in person cancels a registration made with their account's address."""
    user = g.get("user")
    if user is None:
        abort(401)
    session = db_session()
    registration = session.get(InfoRegistration, registration_id)
    email = _proven_email(user)
    if registration is None or not email or registration.email.strip().lower() != email:
        abort(404)
    if registration.status != "cancelled":
        _cancel(session, registration, by="person")
        session.commit()
    flash(_("Your registration was cancelled."))
    return redirect(url_for("loket.info_sessions_page"))
