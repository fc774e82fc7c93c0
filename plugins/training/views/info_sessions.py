"""Info sessions (managers): planning one, its registrations and attendance, cancelling."""

from __future__ import annotations

import uuid

from flask import abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from core.rendering import render
from core.web import db_session
from plugins.training import store
from plugins.training.access import actor, require_manager, visible_organisations
from plugins.training.forms import AttendanceForm, InfoSessionForm
from plugins.training.models import InfoRegistration, InfoSession
from plugins.training.views.common import (
    blueprint,
    load,
    offer_organisations,
    organisation_names,
    seats,
    setting,
    tell_promoted,
    today,
    with_seats,
)

NOT_STARTED_MESSAGE = _l("Who came is recorded after the info session has begun.")


@blueprint.route("/infosessies", methods=["GET", "POST"])
@require_manager
def info_sessions():
    session = db_session()
    form = InfoSessionForm(data={"capacity": setting(session, "info_session_capacity")})
    choices = offer_organisations(form)
    if form.validate_on_submit():
        session.add(
            InfoSession(
                organisation_id=form.organisation.organisation_id,
                kind=form.kind.data,
                starts_at=form.starts_at.data,
                location=form.location.data,
                capacity=form.capacity.data,
            )
        )
        session.commit()
        return redirect(url_for("training.info_sessions"), 303)
    sessions = store.info_sessions(session, visible_organisations())
    return (
        render(
            "training/info_sessions.html",
            sessions=with_seats(sessions),
            organisation_choices=choices,
            organisation_names=organisation_names(),
            form=form,
        ),
        422 if form.errors else 200,
    )


@blueprint.route("/infosessies/<uuid:session_id>", methods=["GET", "POST"])
@require_manager
def info_session(session_id: uuid.UUID):
    session = db_session()
    found = load(InfoSession, session_id)
    registrations = store.registrations(session, found.id)
    form = AttendanceForm()
    form.offer(registration for registration, _candidate in registrations)
    started = store.has_started(found.starts_at)
    if form.validate_on_submit():
        try:
            came = store.record_attendance(
                session, found, form.attended_ids(), actor=actor(), today=today()
            )
        except store.NotStartedYet:
            form.attended.errors.append(NOT_STARTED_MESSAGE)
        else:
            session.commit()
            return redirect(
                url_for("training.info_session", session_id=found.id, aanwezig=came), 303
            )
    return (
        render(
            "training/info_session.html",
            info_session=found,
            registrations=registrations,
            seats=seats(found),
            came=request.args.get("aanwezig", type=int),
            started=started,
            form=form,
        ),
        422 if form.errors else 200,
    )


@blueprint.post("/infosessies/<uuid:session_id>/annuleren/<uuid:registration_id>")
@require_manager
def cancel_registration(session_id: uuid.UUID, registration_id: uuid.UUID):
    session = db_session()
    found = load(InfoSession, session_id)
    registration = session.get(InfoRegistration, registration_id)
    if registration is None or registration.info_session_id != found.id:
        abort(404)
    if registration.status != "cancelled":
        promoted = store.cancel_registration(session, registration)
        if promoted is not None:
            tell_promoted(found, promoted)
        session.commit()
    return redirect(url_for("training.info_session", session_id=found.id), 303)
