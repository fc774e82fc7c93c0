"""The training pages (Dutch URLs under /opleiding). Thin: parse, authorise, call, render.

Public: the info sessions and the registration form, the course catalogue and its sign-up, and
the secret-link pages where someone checks or cancels a registration without signing in.
Citizens: their own registrations and path. Training partners and municipal staff: programmes,
cohorts, the pipeline board, candidates, info-session and course lists, figures.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, Response, abort, g, make_response, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.db import as_utc, utcnow
from core.identity import confirmations
from core.identity.access import can, require_permission
from core.identity.confirmations import verified_email
from core.identity.models import Organisation, OrganisationGrant
from core.ratelimit import rate_limited
from core.rendering import is_htmx_fragment_request, render
from core.web import db_session, tenant_hooks, tenant_required
from plugins.training import notifications, report, store
from plugins.training.access import (
    actor,
    is_staff,
    may_manage,
    partner_organisations,
    require_manager,
    require_visible,
    visible_organisations,
)
from plugins.training.forms import FormReader
from plugins.training.handoff import (
    LANGUAGES,
    HandOffInput,
    hand_off,
    may_offer_hand_off,
)
from plugins.training.labels import (
    DROPOUT_LABELS,
    STAGE_LABELS,
    TEMPLATE_LABELS,
    actor_text,
    label,
    timeline_text,
)
from plugins.training.models import (
    NAME_MAX,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Candidate,
    Cohort,
    Course,
    CourseSignup,
    InfoRegistration,
    InfoSession,
    Programme,
)
from plugins.training.services import (
    PIPELINE,
    DropoutReason,
    IntakeOutcome,
    Qualification,
    RuleError,
    Schedule,
    Stage,
    Step,
    next_stages,
)

blueprint = Blueprint(
    "training",
    __name__,
    url_prefix="/opleiding",
)
blueprint.before_request(tenant_required)

# Moves the board offers as a single button: they need nothing but the click.
ONE_CLICK = {Stage.INFO_SESSION_ATTENDED, Stage.ENROLLED, Stage.IN_TRAINING, Stage.GRADUATED}

# Anyone may register without an account: limit what one connection can send (bots, loops).
PUBLIC_FORMS_PER_MINUTE = 10
# Secret links are long random tokens; the limit makes guessing them pointless on top.
SECRET_LINKS_PER_MINUTE = 30
# The single-use link (core.identity.confirmations) that lets an address's owner confirm a
# registration sent with an address a candidate already has.
REGISTRATION_CONFIRMATION = "training.registration"


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


def _today() -> date:
    return date.today()


def _organisation_names() -> dict[uuid.UUID, str]:
    return {o.id: o.name for o in db_session().exec(select(Organisation))}


def _training_partners() -> list[Organisation]:
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


def _organisation_choices() -> dict:
    """Whom a manager may publish for: their own organisations, or (staff) any partner or the
    municipality itself (the empty key)."""
    if is_staff():
        return {None: _("The municipality"), **{o.id: o.name for o in _training_partners()}}
    return {o.id: o.name for o in partner_organisations()}


def _chosen_organisation(reader: FormReader):
    choices = _organisation_choices()
    raw = str(reader.form.get("organisation", "")).strip()
    if not raw and None in choices:
        return None
    if not raw and len(choices) == 1:
        return next(iter(choices))
    try:
        chosen = uuid.UUID(raw)
    except ValueError:
        chosen = "invalid"
    if chosen not in choices:
        reader.errors["organisation"] = _("Choose who runs it.")
        return None
    return chosen


def _load(model, row_id: uuid.UUID):
    return require_visible(db_session().get(model, row_id))


# -- start page ----------------------------------------------------------------------------------


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
        sessions=[(s, _seats(s)) for s in sessions],
        courses=store.courses(session, upcoming_after=now)[:5],
        mine=mine,
        may_see_figures=can("training.figures"),
    )


def _seats(info_session: InfoSession) -> dict:
    registered, waiting = store.registration_counts(
        db_session(), InfoRegistration, InfoRegistration.info_session_id, info_session.id
    )
    return {
        "registered": registered,
        "waiting": waiting,
        "free": max(info_session.capacity - registered, 0),
    }


# -- registering for an info session (no sign-in needed) ---------------------------------------


@blueprint.route("/inschrijven", methods=["GET", "POST"])
@rate_limited("training.register", per_minute=PUBLIC_FORMS_PER_MINUTE)
def register():
    session = db_session()
    sessions = store.info_sessions(session, upcoming_after=utcnow())
    user = g.get("user")
    if request.method == "GET":
        raw = {"info_session": request.args.get("sessie", "")}
        chosen = next((s for s in sessions if str(s.id) == raw["info_session"]), None)
        if chosen is not None:
            raw["interest"] = chosen.kind
        if user is not None:
            given, _space, family = (user.name or "").partition(" ")
            raw.update(given_name=given, family_name=family, email=user.email or "")
        return _registration_page(sessions, raw, {})
    reader = FormReader(request.form)
    person = reader.person()
    phone = reader.phone("phone")
    interest = reader.choice("interest", list(Qualification), _("Choose the kind of info session."))
    by_id = {s.id: s for s in sessions}
    chosen_id = reader.identifier("info_session", by_id, _("Choose an info session."))
    consent = reader.flag("contact_consent")
    if chosen_id and interest and by_id[chosen_id].kind != interest:
        reader.errors["info_session"] = _("This session is for the other kind; choose another.")
    if reader.errors:
        return _registration_page(sessions, reader.raw(), reader.errors, 422)
    info_session = by_id[chosen_id]
    typed = person["email"].strip().lower()
    if user is not None and verified_email(user) == typed:
        # The signed-in person's own, proven address: register (and link) at once.
        try:
            registration = _register_and_mail(
                session,
                info_session,
                store.Registrant(
                    **person,
                    phone=phone,
                    interest=interest,
                    contact_consent=consent,
                    user_id=user.id,
                ),
            )
        except store.AlreadyRegistered:
            return _registration_page(
                sessions,
                reader.raw(),
                {"email": _("This e-mail address is already registered for this session.")},
                422,
            )
        session.commit()
        return redirect(url_for("training.my_registration", token=registration.token), 303)
    # A typed address proves nothing. A candidate with it may exist: then nothing of theirs is
    # changed from here, the address's owner confirms by mail. The answer is the same either way.
    if store.find_candidate(session, typed, info_session.organisation_id) is None:
        _register_and_mail(
            session,
            info_session,
            store.Registrant(**person, phone=phone, interest=interest, contact_consent=consent),
        )
    else:
        _mail_registration_confirmation(
            session,
            info_session,
            typed,
            {
                "info_session_id": str(info_session.id),
                "given_name": person["given_name"],
                "family_name": person["family_name"],
                "phone": phone,
                "interest": interest,
                "contact_consent": consent,
            },
        )
    session.commit()
    return redirect(url_for("training.registration_mailed"), 303)


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
    if request.method == "GET":
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


def _registration_page(sessions, raw: dict, errors: dict, status: int = 200):
    return (
        render(
            "training/register.html",
            sessions=[(s, _seats(s)) for s in sessions],
            raw=raw,
            errors=errors,
            qualifications=list(Qualification),
        ),
        status,
    )


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
            _tell_promoted(info_session, promoted)
        session.commit()
        return redirect(url_for("training.my_registration", token=token), 303)
    return render(
        "training/my_registration.html", registration=registration, info_session=info_session
    )


def _tell_promoted(info_session: InfoSession, promoted: InfoRegistration) -> None:
    candidate = db_session().get(Candidate, promoted.candidate_id)
    link = url_for("training.my_registration", token=promoted.token, _external=True)
    notifications.seat_freed(db_session(), info_session, candidate, link)


# -- the citizen's own path ----------------------------------------------------------------------


@blueprint.get("/mijn-traject")
@require_permission("training.follow")
def my_path():
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
        paths.append((candidate, registrations, entries))
    return render("training/my_path.html", paths=paths)


# -- programmes and cohorts ----------------------------------------------------------------------


@blueprint.route("/programmas", methods=["GET", "POST"])
@require_manager
def programmes():
    session = db_session()
    raw, errors, status = {}, {}, 200
    if request.method == "POST":
        reader = FormReader(request.form)
        organisation_id = _chosen_organisation(reader)
        name = reader.text("name", TITLE_MAX, required=_("Give the programme a name."))
        qualification = reader.choice(
            "qualification", list(Qualification), _("Choose the qualification.")
        )
        description = reader.long_text("description", TEXT_MAX)
        if not reader.errors:
            programme = Programme(
                organisation_id=organisation_id,
                name=name,
                qualification=qualification,
                description=description,
            )
            session.add(programme)
            session.commit()
            return redirect(url_for("training.programme", programme_id=programme.id), 303)
        raw, errors, status = reader.raw(), reader.errors, 422
    visible = visible_organisations()
    return (
        render(
            "training/programmes.html",
            programmes=store.programmes(session, visible),
            cohorts=store.cohorts(session, visible),
            organisation_names=_organisation_names(),
            organisation_choices=_organisation_choices(),
            qualifications=list(Qualification),
            raw=raw,
            errors=errors,
        ),
        status,
    )


@blueprint.route("/programmas/<uuid:programme_id>", methods=["GET", "POST"])
@require_manager
def programme(programme_id: uuid.UUID):
    session = db_session()
    found = _load(Programme, programme_id)
    raw, errors, status = {}, {}, 200
    if request.method == "POST":
        reader = FormReader(request.form)
        name = reader.text("name", TITLE_MAX, required=_("Give the cohort a name."))
        starts_on = reader.day("starts_on")
        ends_on = reader.day("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            reader.errors["ends_on"] = _("The end date comes after the start date.")
        schedule = reader.choice("schedule", list(Schedule), _("Choose the schedule."))
        location = reader.text("location", TITLE_MAX, required=_("Give the location."))
        capacity = reader.number("capacity", minimum=1, maximum=500)
        hours = reader.number("required_internship_hours", minimum=0, maximum=2000)
        modules = reader.number("modules_total", minimum=0, maximum=50, default=0)
        if not reader.errors:
            cohort = Cohort(
                programme_id=found.id,
                organisation_id=found.organisation_id,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                schedule=schedule,
                location=location,
                capacity=capacity,
                required_internship_hours=hours,
                modules_total=modules,
            )
            session.add(cohort)
            session.commit()
            return redirect(url_for("training.board", cohort_id=cohort.id), 303)
        raw, errors, status = reader.raw(), reader.errors, 422
    return (
        render(
            "training/programme.html",
            programme=found,
            cohorts=store.cohorts(session, visible_organisations(), programme_id=found.id),
            organisation_names=_organisation_names(),
            schedules=list(Schedule),
            raw=raw,
            errors=errors,
        ),
        status,
    )


@blueprint.get("/groepen/<uuid:cohort_id>")
@require_manager
def board(cohort_id: uuid.UUID):
    return _board_page(_load(Cohort, cohort_id))


def _board_page(cohort: Cohort, errors: dict | None = None, status: int = 200):
    session = db_session()
    members = store.candidates(session, visible_organisations(), cohort_id=cohort.id)
    columns = [
        (stage, [c for c in members if c.stage == stage])
        for stage in (*PIPELINE, Stage.DROPPED_OUT)
    ]
    cards = {c.id: _card_actions(c, cohort) for c in members}
    return (
        render(
            "training/board.html",
            block="board",
            cohort=cohort,
            programme=session.get(Programme, cohort.programme_id),
            columns=columns,
            cards=cards,
            seats_taken=store.seats_taken(session, cohort.id),
            errors=errors or {},
        ),
        status,
    )


def _card_actions(candidate: Candidate, cohort: Cohort) -> list[Stage]:
    progress = store.progress_of(db_session(), candidate)
    actions = []
    for stage in next_stages(progress):
        if stage not in ONE_CLICK:
            continue
        if stage == Stage.GRADUATED and progress.internship_hours < progress.required_hours:
            continue
        if stage == Stage.ENROLLED and progress.intake_outcome != IntakeOutcome.SUITABLE:
            continue
        actions.append(stage)
    return actions


# -- candidates ----------------------------------------------------------------------------------


@blueprint.route("/kandidaten", methods=["GET", "POST"])
@require_manager
def candidates():
    """The list, and adding a candidate a partner met elsewhere (e.g. a VDAB counsellor)."""
    session = db_session()
    raw, errors, status = {}, {}, 200
    if request.method == "POST":
        reader = FormReader(request.form)
        organisation_id = _chosen_organisation(reader)
        person = reader.person()
        phone = reader.phone("phone")
        interest = reader.choice("interest", list(Qualification), _("Choose the qualification."))
        if not reader.errors and store.find_candidate(session, person["email"], organisation_id):
            reader.errors["email"] = _("A candidate with this e-mail address exists already.")
        if not reader.errors:
            found = store.add_candidate(
                session,
                store.Registrant(
                    **person,
                    phone=phone,
                    interest=interest,
                    contact_consent=reader.flag("contact_consent"),
                ),
                organisation_id=organisation_id,
                actor=actor(),
            )
            audit.record(
                session,
                action="training.candidate_added",
                object_type="training_candidate",
                object_id=found.id,
                detail={"contact_consent": found.contact_consent},
                on_behalf_of=_candidate_as_person(found),
            )
            session.commit()
            return redirect(url_for("training.candidate", candidate_id=found.id), 303)
        raw, errors, status = reader.raw(), reader.errors, 422
    stage = request.args.get("fase", "")
    if stage and stage not in set(Stage):
        stage = ""
    visible = visible_organisations()
    return (
        render(
            "training/candidates.html",
            candidates=store.candidates(session, visible, stage=stage or None),
            stage=stage,
            all_stages=[*PIPELINE, Stage.DROPPED_OUT],
            cohort_names={c.id: c.name for c in store.cohorts(session, visible)},
            organisation_choices=_organisation_choices(),
            qualifications=list(Qualification),
            raw=raw,
            errors=errors,
        ),
        status,
    )


@blueprint.get("/kandidaten/<uuid:candidate_id>")
@require_manager
def candidate(candidate_id: uuid.UUID):
    return _candidate_page(_load(Candidate, candidate_id))


def _candidate_page(candidate: Candidate, raw: dict | None = None, errors=None, status=200):
    session = db_session()
    visible = visible_organisations()
    progress = store.progress_of(session, candidate)
    cohort = session.get(Cohort, candidate.cohort_id) if candidate.cohort_id else None
    cohorts = [
        (c, max(c.capacity - store.seats_taken(session, c.id), 0))
        for c in store.cohorts(session, visible)
        if c.ends_on >= _today()
    ]
    raw = raw or {"target": request.args.get("stap", "")}
    return (
        render(
            "training/candidate.html",
            candidate=candidate,
            cohort=cohort,
            progress=progress,
            timeline=store.timeline(session, candidate.id),
            targets=_targets(candidate),
            cohorts=cohorts,
            locations=_childcare_locations(),
            intake_outcomes=list(IntakeOutcome),
            dropout_reasons=list(DropoutReason),
            offer_hand_off=may_offer_hand_off(candidate),
            partners=_training_partners() if is_staff() else [],
            organisation_names=_organisation_names(),
            raw=raw,
            errors=errors or {},
            reason_max=REASON_MAX,
        ),
        status,
    )


def _targets(candidate: Candidate) -> list[Stage]:
    """Stages the step form offers: forward ones (skipping needs a reason), the same intake
    again, a drop-out, or — after a drop-out — the stages reached before."""
    if candidate.stage == Stage.DROPPED_OUT:
        reached = PIPELINE.index(Stage(candidate.furthest_stage))
        return list(PIPELINE[: reached + 1])
    current = PIPELINE.index(Stage(candidate.stage))
    if candidate.stage == Stage.EMPLOYED:
        return []
    targets = list(PIPELINE[current + 1 :])
    if candidate.stage == Stage.INTAKE:
        targets.insert(0, Stage.INTAKE)
    if candidate.stage in PIPELINE[: PIPELINE.index(Stage.GRADUATED)]:
        targets.append(Stage.DROPPED_OUT)
    return targets


def _childcare_locations() -> list:
    """The loket's locations when the loket is on for this tenant; otherwise none (free text)."""
    return [
        location
        for answer in tenant_hooks().childcare_locations(tenant=g.tenant, session=db_session())
        for location in answer or ()
    ]


@blueprint.post("/kandidaten/<uuid:candidate_id>/stap")
@require_manager
def move(candidate_id: uuid.UUID):
    session = db_session()
    found = _load(Candidate, candidate_id)
    reader = FormReader(request.form)
    step = _read_step(reader)
    from_board = request.form.get("from_board") == "1"
    if not reader.errors:
        try:
            store.move(
                session,
                found,
                step,
                actor=actor(),
                today=_today(),
                visible=visible_organisations(),
            )
        except RuleError as refused:
            reader.errors.update(refused.errors)
    if reader.errors:
        session.rollback()
        found = _load(Candidate, candidate_id)
        if from_board and found.cohort_id:
            cohort = session.get(Cohort, found.cohort_id)
            if is_htmx_fragment_request():
                return _board_page(cohort, {str(found.id): _first(reader.errors)}, 422)
        return _candidate_page(found, reader.raw(), reader.errors, 422)
    session.commit()
    if from_board and found.cohort_id:
        cohort = session.get(Cohort, found.cohort_id)
        if is_htmx_fragment_request():
            return _board_page(cohort)
        return redirect(url_for("training.board", cohort_id=cohort.id), 303)
    return redirect(url_for("training.candidate", candidate_id=found.id), 303)


def _first(errors: dict) -> str:
    return str(next(iter(errors.values())))


def _read_step(reader: FormReader) -> Step:
    target = reader.choice(
        "target", [*PIPELINE, Stage.DROPPED_OUT], _("Choose the stage to move to.")
    )
    cohort_id = None
    raw_cohort = str(reader.form.get("cohort", "")).strip()
    if raw_cohort and target in (Stage.INTAKE, Stage.ENROLLED, Stage.IN_TRAINING):
        try:
            cohort_id = uuid.UUID(raw_cohort)
        except ValueError:
            reader.errors["cohort"] = _("Choose a cohort from the list.")
    location_id = None
    placement_name = reader.text("placement_name", TITLE_MAX)
    raw_location = str(reader.form.get("placement_location", "")).strip()
    if raw_location and target == Stage.INTERNSHIP:
        locations = {location.id: location for location in _childcare_locations()}
        try:
            location_id = uuid.UUID(raw_location)
        except ValueError:
            location_id = None
        if location_id not in locations:
            reader.errors["placement"] = _("Choose the childcare location of the internship.")
            location_id = None
        else:
            placement_name = locations[location_id].name
    return Step(
        target=target,
        reason=reader.long_text("reason", REASON_MAX),
        intake_outcome=str(reader.form.get("intake_outcome", "")),
        intake_reasons=reader.long_text("intake_reasons", REASON_MAX),
        needs_childcare=reader.flag("needs_childcare"),
        cohort_id=cohort_id,
        placement_location_id=location_id,
        placement_name=placement_name,
        employer=reader.text("employer", TITLE_MAX),
        employed_in_region=reader.flag("employed_in_region"),
        dropout_reason=str(reader.form.get("dropout_reason", "")),
        dropout_note=reader.long_text("dropout_note", REASON_MAX),
    )


@blueprint.post("/kandidaten/<uuid:candidate_id>/voortgang")
@require_manager
def log_progress(candidate_id: uuid.UUID):
    session = db_session()
    found = _load(Candidate, candidate_id)
    reader = FormReader(request.form)
    hours = reader.number("hours", minimum=0, maximum=400, default=0)
    modules = reader.number("modules", minimum=0, maximum=50, default=0)
    if not reader.errors:
        try:
            store.log_progress(session, found, hours=hours, modules=modules, actor=actor())
        except RuleError as refused:
            reader.errors.update(refused.errors)
    if reader.errors:
        session.rollback()
        return _candidate_page(_load(Candidate, candidate_id), reader.raw(), reader.errors, 422)
    session.commit()
    return redirect(url_for("training.candidate", candidate_id=found.id), 303)


@blueprint.post("/kandidaten/<uuid:candidate_id>/partner")
@require_manager
def assign_partner(candidate_id: uuid.UUID):
    """Staff hand a candidate of a municipal info session to a training partner."""
    session = db_session()
    found = _load(Candidate, candidate_id)
    if not is_staff():
        abort(403)
    partners = {o.id: o for o in _training_partners()}
    reader = FormReader(request.form)
    chosen = reader.identifier("partner", partners, _("Choose a training partner."))
    if reader.errors:
        return _candidate_page(found, reader.raw(), reader.errors, 422)
    found.organisation_id = chosen
    session.add(found)
    store.add_timeline(
        session, found, actor=actor(), kind="stage", detail=f"→ {partners[chosen].name}"
    )
    session.commit()
    return redirect(url_for("training.candidate", candidate_id=found.id), 303)


def _candidate_as_person(candidate: Candidate) -> str:
    return audit.person(candidate.user_id, object_type="training_candidate", object_id=candidate.id)


@blueprint.route("/kandidaten/<uuid:candidate_id>/loket", methods=["GET", "POST"])
@require_manager
def loket_hand_off(candidate_id: uuid.UUID):
    session = db_session()
    found = _load(Candidate, candidate_id)
    if not may_offer_hand_off(found):
        abort(404)
    loket_on = "loket" in g.enabled_plugins
    raw, errors, status = {"language": "nl"}, {}, 200
    if request.method == "POST" and loket_on:
        reader = FormReader(request.form)
        data = HandOffInput(
            consent=reader.flag("consent"),
            child_name=reader.text("child_name", NAME_MAX),
            child_birth_date=reader.day("child_birth_date", required=False),
            desired_start=reader.day("desired_start", required=False),
            language=str(request.form.get("language", "")),
            note=reader.long_text("note", REASON_MAX),
        )
        if not reader.errors:
            try:
                hand_off(session, found, data, actor=actor(), today=_today())
                # Staff record the candidate's consent and ask the loket for them.
                audit.record(
                    session,
                    action="training.handed_to_loket",
                    object_type="training_candidate",
                    object_id=found.id,
                    detail={"consent": data.consent},
                    on_behalf_of=_candidate_as_person(found),
                )
                session.commit()
                return redirect(url_for("training.candidate", candidate_id=found.id), 303)
            except RuleError as refused:
                reader.errors.update(refused.errors)
            except ValueError as refused:
                # The loket vetoed the hand-off (its message says which field): nothing is kept.
                reader.errors["consent"] = str(refused)
        session.rollback()
        found = _load(Candidate, candidate_id)
        raw, errors, status = reader.raw(), reader.errors, 422
    return (
        render(
            "training/hand_off.html",
            candidate=found,
            loket_on=loket_on,
            languages=LANGUAGES,
            raw=raw,
            errors=errors,
            today=_today().isoformat(),
        ),
        status,
    )


def _setting(session, key: str):
    from core.tenancy import plugin_settings
    from plugins.training.plugin import MANIFEST

    return plugin_settings(session, MANIFEST)[key]


# -- info sessions (managers) --------------------------------------------------------------------


@blueprint.route("/infosessies", methods=["GET", "POST"])
@require_manager
def info_sessions():
    session = db_session()
    raw, errors, status = {}, {}, 200
    if request.method == "POST":
        reader = FormReader(request.form)
        organisation_id = _chosen_organisation(reader)
        kind = reader.choice("kind", list(Qualification), _("Choose the kind of info session."))
        starts_at = reader.moment("starts_at")
        if starts_at and starts_at <= utcnow():
            reader.errors["starts_at"] = _("An info session is planned in the future.")
        location = reader.text("location", TITLE_MAX, required=_("Give the location."))
        capacity = reader.number("capacity", minimum=1, maximum=500)
        if not reader.errors:
            session.add(
                InfoSession(
                    organisation_id=organisation_id,
                    kind=kind,
                    starts_at=starts_at,
                    location=location,
                    capacity=capacity,
                )
            )
            session.commit()
            return redirect(url_for("training.info_sessions"), 303)
        raw, errors, status = reader.raw(), reader.errors, 422
    default_capacity = _setting(session, "info_session_capacity")
    sessions = store.info_sessions(session, visible_organisations())
    return (
        render(
            "training/info_sessions.html",
            sessions=[(s, _seats(s)) for s in sessions],
            organisation_choices=_organisation_choices(),
            organisation_names=_organisation_names(),
            qualifications=list(Qualification),
            raw=raw or {"capacity": default_capacity},
            errors=errors,
        ),
        status,
    )


@blueprint.route("/infosessies/<uuid:session_id>", methods=["GET", "POST"])
@require_manager
def info_session(session_id: uuid.UUID):
    session = db_session()
    found = _load(InfoSession, session_id)
    if request.method == "POST":
        attended = set()
        for raw in request.form.getlist("attended"):
            try:
                attended.add(uuid.UUID(raw))
            except ValueError:
                continue
        came = store.record_attendance(session, found, attended, actor=actor(), today=_today())
        session.commit()
        return redirect(url_for("training.info_session", session_id=found.id, aanwezig=came), 303)
    return render(
        "training/info_session.html",
        info_session=found,
        registrations=store.registrations(session, found.id),
        seats=_seats(found),
        came=request.args.get("aanwezig", type=int),
    )


@blueprint.post("/infosessies/<uuid:session_id>/annuleren/<uuid:registration_id>")
@require_manager
def cancel_registration(session_id: uuid.UUID, registration_id: uuid.UUID):
    session = db_session()
    found = _load(InfoSession, session_id)
    registration = session.get(InfoRegistration, registration_id)
    if registration is None or registration.info_session_id != found.id:
        abort(404)
    if registration.status != "cancelled":
        promoted = store.cancel_registration(session, registration)
        if promoted is not None:
            _tell_promoted(found, promoted)
        session.commit()
    return redirect(url_for("training.info_session", session_id=found.id), 303)


# -- courses (vormingen) -------------------------------------------------------------------------


@blueprint.get("/vormingen")
def course_catalogue():
    session = db_session()
    courses = store.courses(session, upcoming_after=utcnow())
    return render(
        "training/courses.html",
        courses=[(c, _course_seats(c)) for c in courses],
        managed=[(c, _course_seats(c)) for c in store.courses(session, visible_organisations())]
        if may_manage()
        else [],
        organisation_choices=_organisation_choices() if may_manage() else {},
        raw={},
        errors={},
    )


def _course_seats(course: Course) -> dict:
    registered, waiting = store.registration_counts(
        db_session(), CourseSignup, CourseSignup.course_id, course.id
    )
    return {
        "registered": registered,
        "waiting": waiting,
        "free": max(course.capacity - registered, 0),
    }


@blueprint.post("/vormingen")
@require_manager
def create_course():
    session = db_session()
    reader = FormReader(request.form)
    organisation_id = _chosen_organisation(reader)
    title = reader.text("title", TITLE_MAX, required=_("Give the course a title."))
    description = reader.long_text("description", TEXT_MAX)
    starts_at = reader.moment("starts_at")
    if starts_at and starts_at <= utcnow():
        reader.errors["starts_at"] = _("A course is planned in the future.")
    location = reader.text("location", TITLE_MAX, required=_("Give the location."))
    capacity = reader.number("capacity", minimum=1, maximum=500)
    if reader.errors:
        courses = store.courses(session, upcoming_after=utcnow())
        return (
            render(
                "training/courses.html",
                courses=[(c, _course_seats(c)) for c in courses],
                managed=[
                    (c, _course_seats(c)) for c in store.courses(session, visible_organisations())
                ],
                organisation_choices=_organisation_choices(),
                raw=reader.raw(),
                errors=reader.errors,
            ),
            422,
        )
    session.add(
        Course(
            organisation_id=organisation_id,
            title=title,
            description=description,
            starts_at=starts_at,
            location=location,
            capacity=capacity,
        )
    )
    session.commit()
    return redirect(url_for("training.course_catalogue"), 303)


@blueprint.route("/vormingen/<uuid:course_id>/inschrijven", methods=["GET", "POST"])
@rate_limited("training.course_signup", per_minute=PUBLIC_FORMS_PER_MINUTE)
def course_signup(course_id: uuid.UUID):
    session = db_session()
    course = session.get(Course, course_id)
    if course is None or as_utc(course.starts_at) <= utcnow():
        abort(404)
    user = g.get("user")
    if request.method == "GET":
        raw = {}
        if user is not None:
            given, _space, family = (user.name or "").partition(" ")
            organisations = g.get("organisations", ())
            raw = {
                "given_name": given,
                "family_name": family,
                "email": user.email or "",
                "employer": organisations[0].name if organisations else "",
            }
        return _course_signup_page(course, raw, {})
    reader = FormReader(request.form)
    person = reader.person()
    employer = reader.text(
        "employer", TITLE_MAX, required=_("Name the childcare provider you work for.")
    )
    if reader.errors:
        return _course_signup_page(course, reader.raw(), reader.errors, 422)
    registrant = store.Registrant(**person, user_id=user.id if user is not None else None)
    own_address = user is not None and confirmations.normalise(
        confirmations.verified_email(user)
    ) == confirmations.normalise(person["email"])
    try:
        signup = store.sign_up_for_course(session, course, registrant, employer)
    except store.AlreadyRegistered as already:
        if own_address:
            return _course_signup_page(
                course,
                reader.raw(),
                {"email": _("This e-mail address is already signed up for this course.")},
                422,
            )
        # A typed address proves nothing: whoever typed it learns nothing of the sign-up it
        # already has; its owner gets the link to it again.
        existing = already.existing
        link = url_for("training.my_course_signup", token=existing.token, _external=True)
        notifications.course_signup_confirmed(session, course, existing, link)
        session.commit()
        return redirect(url_for("training.course_signup_mailed"), 303)
    link = url_for("training.my_course_signup", token=signup.token, _external=True)
    notifications.course_signup_confirmed(session, course, signup, link)
    session.commit()
    if own_address:
        return redirect(url_for("training.my_course_signup", token=signup.token), 303)
    return redirect(url_for("training.course_signup_mailed"), 303)


@blueprint.get("/vormingen/inschrijving/verstuurd")
def course_signup_mailed():
    return render("training/registration_mailed.html")


def _course_signup_page(course: Course, raw: dict, errors: dict, status: int = 200):
    return (
        render(
            "training/course_signup.html",
            course=course,
            seats=_course_seats(course),
            raw=raw,
            errors=errors,
        ),
        status,
    )


@blueprint.route("/vorming-inschrijving/<token>", methods=["GET", "POST"])
@rate_limited("training.secret_link", per_minute=SECRET_LINKS_PER_MINUTE, methods=("GET", "POST"))
def my_course_signup(token: str):
    session = db_session()
    signup = session.exec(select(CourseSignup).where(CourseSignup.token == token[:64])).first()
    if signup is None:
        abort(404)
    course = session.get(Course, signup.course_id)
    if request.method == "POST" and signup.status != "cancelled":
        promoted = store.cancel_signup(session, signup)
        if promoted is not None:
            notifications.course_seat_freed(session, course, promoted)
        session.commit()
        return redirect(url_for("training.my_course_signup", token=token), 303)
    return render("training/my_course_signup.html", signup=signup, course=course)


@blueprint.route("/vormingen/<uuid:course_id>/deelnemers", methods=["GET", "POST"])
@require_manager
def course_participants(course_id: uuid.UUID):
    session = db_session()
    course = _load(Course, course_id)
    came = None
    if request.method == "POST":
        attended = set()
        for raw in request.form.getlist("attended"):
            try:
                attended.add(uuid.UUID(raw))
            except ValueError:
                continue
        came = store.record_course_attendance(session, course, attended)
        session.commit()
    return render(
        "training/course_participants.html",
        course=course,
        signups=store.signups(session, course.id),
        seats=_course_seats(course),
        came=came,
    )


# -- figures -------------------------------------------------------------------------------------


def _figure_scope():
    session = db_session()
    visible = visible_organisations()
    cohorts = store.cohorts(session, visible)
    cohort = None
    raw_cohort = request.args.get("groep", "")
    if raw_cohort:
        cohort = next((c for c in cohorts if str(c.id) == raw_cohort), None)
        if cohort is None:
            abort(404)
    year = request.args.get("jaar", type=int)
    return visible, cohorts, cohort, year


@blueprint.get("/cijfers")
@require_permission("training.figures")
def figures():
    from plugins.training.charts import forecast_bars, funnel_bars

    session = db_session()
    visible, cohorts, cohort, year = _figure_scope()
    result = report.funnel_for(session, visible, cohort_id=cohort.id if cohort else None, year=year)
    planned = report.planned_places(g.tenant, session, tenant_hooks())
    outlook = report.forecast_for(session, visible, planned, _today())
    return render(
        "training/figures.html",
        funnel=result,
        funnel_chart=funnel_bars(result, lambda stage: label("stage", stage)),
        forecast=outlook,
        forecast_chart=forecast_bars(outlook),
        starters_on="starters" in g.enabled_plugins,
        cohorts=cohorts,
        cohort=cohort,
        years=store.candidate_years(session, visible),
        year=year,
        dropout_labels=DROPOUT_LABELS,
    )


@blueprint.get("/cijfers.csv")
@require_permission("training.figures")
def figures_csv():
    session = db_session()
    visible, cohorts, cohort, year = _figure_scope()
    scopes = [(_("All candidates"), report.funnel_for(session, visible))]
    for one in cohorts if cohort is None else [cohort]:
        scopes.append((one.name, report.funnel_for(session, visible, cohort_id=one.id)))
    for one_year in store.candidate_years(session, visible) if year is None else [year]:
        scopes.append((str(one_year), report.funnel_for(session, visible, year=one_year)))
    body = report.funnel_csv(
        scopes,
        lambda stage: str(STAGE_LABELS[stage]),
        lambda reason: str(DROPOUT_LABELS[reason]),
    )
    response: Response = make_response("\ufeff" + body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="opleiding-cijfers.csv"'
    return response
