"""Public pages: the start page, registering for an info session (no sign-in needed), the
secret links of a registration, and the citizen's own path."""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core.db import utcnow
from core.identity import confirmations
from core.identity.access import can, require_permission
from core.identity.confirmations import verified_email
from core.ratelimit import rate_limited
from core.rendering import render
from core.web import db_session
from plugins.training import internship, notifications, store, vacancies
from plugins.training.forms import RegistrationForm
from plugins.training.models import Candidate, InfoRegistration, InfoSession
from plugins.training.views.common import (
    PUBLIC_FORMS_PER_MINUTE,
    SECRET_LINKS_PER_MINUTE,
    blueprint,
    prefill_from_user,
    tell_promoted,
    with_seats,
)

# The single-use link (core.identity.confirmations) that lets an address's owner confirm a
# registration sent with an address a candidate already has.
REGISTRATION_CONFIRMATION = "training.registration"


@blueprint.get("/")
def index():
    session = db_session()
    now = utcnow()
    sessions = store.info_sessions(session, upcoming_after=now)
    mine = []
    user = g.get("user")
    if user is not None and can("training.follow"):
        mine = store.candidates_of_citizen(session, user.id, verified_email(user))
    return render(
        "training/index.html",
        sessions=with_seats(sessions),
        courses=store.courses(session, upcoming_after=now)[:5],
        mine=mine,
        may_see_figures=can("training.figures"),
        is_mentor=user is not None
        and bool(internship.interns_of(session, internship.mentor_organisations(session, user.id))),
        is_provider=user is not None and bool(vacancies.provider_organisations()),
    )


@blueprint.route("/inschrijven", methods=["GET", "POST"])
@rate_limited("training.register", per_minute=PUBLIC_FORMS_PER_MINUTE)
def register():
    session = db_session()
    sessions = store.info_sessions(session, upcoming_after=utcnow())
    by_id = {str(s.id): s for s in sessions}
    user = g.get("user")
    prefill = prefill_from_user(user)
    chosen = by_id.get(request.args.get("sessie", ""))
    if chosen is not None:
        prefill.update(info_session=str(chosen.id), interest=chosen.kind)
    # Only a GET is filled in for the person; a submission shows exactly what was sent.
    form = RegistrationForm(data=None if request.method == "POST" else prefill)
    form.offer_sessions(sessions)
    if not form.validate_on_submit():
        return _registration_page(sessions, form)
    info_session = by_id[form.info_session.data]
    person = form.person()
    details = {
        "phone": form.phone.data,
        "interest": form.interest.data,
        "contact_consent": form.contact_consent.data,
    }
    typed = person["email"]
    if user is not None and verified_email(user) == typed:
        # The signed-in person's own, proven address: register (and link) at once.
        try:
            registration = _register_and_mail(
                session, info_session, store.Registrant(**person, **details, user_id=user.id)
            )
        except store.AlreadyRegistered:
            form.fail("email", _("This e-mail address is already registered for this session."))
            return _registration_page(sessions, form)
        session.commit()
        return redirect(url_for("training.my_registration", token=registration.token), 303)
    # A typed address proves nothing. A candidate with it may exist: then nothing of theirs is
    # changed from here, the address's owner confirms by mail. The answer is the same either way.
    if store.find_candidate(session, typed, info_session.organisation_id) is None:
        _register_and_mail(session, info_session, store.Registrant(**person, **details))
    else:
        _mail_registration_confirmation(
            session,
            info_session,
            typed,
            {
                "info_session_id": str(info_session.id),
                "given_name": person["given_name"],
                "family_name": person["family_name"],
                **details,
            },
        )
    session.commit()
    return redirect(url_for("training.registration_mailed"), 303)


def _registration_page(sessions, form: RegistrationForm):
    return (
        render(
            "training/register.html",
            sessions=with_seats(sessions),
            form=form,
        ),
        422 if form.errors else 200,
    )


def _register_and_mail(session, info_session: InfoSession, person: store.Registrant):
    registration = store.register_for_session(session, info_session, person)
    candidate = session.get(Candidate, registration.candidate_id)
    link = url_for("training.my_registration", token=registration.token, _external=True)
    notifications.registration_confirmed(session, info_session, registration, candidate, link)
    return registration


def _mail_registration_confirmation(session, info_session, email: str, payload: dict) -> None:
    user = g.get("user")
    _row, token = confirmations.issue(
        session,
        email=email,
        purpose=REGISTRATION_CONFIRMATION,
        payload=payload,
        requested_by=user.id if user is not None else None,
    )
    link = url_for("training.confirm_registration", token=token, _external=True)
    notifications.confirm_registration(session, info_session, email, link)


@blueprint.get("/inschrijving/verstuurd")
def registration_mailed():
    return render("training/registration_mailed.html")


@blueprint.route("/inschrijving/bevestigen/<token>", methods=["GET", "POST"])
@rate_limited("training.secret_link", per_minute=SECRET_LINKS_PER_MINUTE, methods=("GET", "POST"))
def confirm_registration(token: str):
    """The owner of an address already known here confirms a registration sent with it.

    Opening the link shows what will be registered; only the button does it (mail scanners
    open links). A registration sent while signed in is confirmed by that same account only.
    """
    session = db_session()
    row = confirmations.find_live(session, token, REGISTRATION_CONFIRMATION)
    info_session = (
        session.get(InfoSession, uuid.UUID(row.payload["info_session_id"])) if row else None
    )
    user = g.get("user")
    if row is None or info_session is None:
        return render("training/registration_link_unusable.html"), 404
    if row.requested_by is not None and (user is None or user.id != row.requested_by):
        return render("training/registration_link_unusable.html", needs_sign_in=True), 403
    if request.method != "POST":
        return render(
            "training/confirm_registration.html",
            payload=row.payload,
            email=row.email,
            info_session=info_session,
        )
    if confirmations.redeem(session, token, REGISTRATION_CONFIRMATION) is None:
        return render("training/registration_link_unusable.html"), 404
    linked_user = row.requested_by
    if user is not None and linked_user == user.id:
        confirmations.mark_proven_by_link(user, row.email)
        session.add(user)
    person = store.Registrant(
        given_name=row.payload["given_name"],
        family_name=row.payload["family_name"],
        email=row.email,
        phone=row.payload.get("phone", ""),
        interest=row.payload.get("interest", ""),
        contact_consent=bool(row.payload.get("contact_consent")),
        user_id=linked_user,
    )
    try:
        registration = _register_and_mail(session, info_session, person)
    except store.AlreadyRegistered:
        session.commit()
        return render("training/registration_link_unusable.html", already=True), 409
    session.commit()
    return redirect(url_for("training.my_registration", token=registration.token), 303)


@blueprint.route("/inschrijving/<token>", methods=["GET", "POST"])
@rate_limited("training.secret_link", per_minute=SECRET_LINKS_PER_MINUTE, methods=("GET", "POST"))
def my_registration(token: str):
    """The secret link of the confirmation mail: check, or cancel, without signing in."""
    session = db_session()
    registration = session.exec(
        select(InfoRegistration).where(InfoRegistration.token == token[:64])
    ).first()
    if registration is None:
        abort(404)
    info_session = session.get(InfoSession, registration.info_session_id)
    if request.method == "POST" and registration.status != "cancelled":
        promoted = store.cancel_registration(session, registration)
        if promoted is not None:
            tell_promoted(info_session, promoted)
        session.commit()
        return redirect(url_for("training.my_registration", token=token), 303)
    return render(
        "training/my_registration.html", registration=registration, info_session=info_session
    )


@blueprint.get("/mijn-traject")
@require_permission("training.follow")
def my_path():
    return my_path_page()


def my_path_page(hours_form=None, form_candidate_id=None):
    """The citizen's paths; on internship, their dated hours and the form to log a day."""
    from plugins.training.forms import HoursForm

    session = db_session()
    user = g.user
    mine = store.candidates_of_citizen(session, user.id, verified_email(user))
    paths = []
    for candidate in mine:
        registrations = list(
            session.exec(
                select(InfoRegistration, InfoSession)
                .join(InfoSession, InfoSession.id == InfoRegistration.info_session_id)
                .where(InfoRegistration.candidate_id == candidate.id)
                .order_by(InfoSession.starts_at)
            )
        )
        entries = [e for e in store.timeline(session, candidate.id) if e.kind != "progress"]
        form = hours_form if candidate.id == form_candidate_id else HoursForm(formdata=None)
        paths.append(
            (candidate, registrations, entries, internship.entries(session, candidate.id), form)
        )
    return (
        render(
            "training/my_path.html",
            paths=paths,
            vacancies=vacancies.open_vacancies(session) if paths else [],
        ),
        422 if hours_form is not None and hours_form.errors else 200,
    )
