"""The CKG pages (Dutch URLs under /ckg). Thin: parse, authorise, call a service, render."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.db import utcnow
from core.identity.access import acting_organisations, require_permission
from core.identity.confirmations import verified_email
from core.identity.models import Organisation
from core.plugin_types import DataSubject
from core.ratelimit import rate_limited
from core.rendering import render
from core.web import database, db_session
from plugins.ckg import family, store
from plugins.ckg.access import (
    acting_ckg_ids,
    acting_ckgs,
    is_tenant_admin,
    log_access,
    may_read_access_log,
    may_refer,
    require_signed_in,
    viewer_role,
)
from plugins.ckg.forms import read_referral, read_step
from plugins.ckg.labels import TEMPLATE_LABELS, label
from plugins.ckg.models import MESSAGE_MAX, NOTE_MAX, Antenna, CaseNote, Referral
from plugins.ckg.privacy import referrals_about
from plugins.ckg.services import (
    CAPACITY_COLUMNS,
    DOMAINS,
    MAX_CHILDREN,
    MAX_PARENTS,
    OPEN_STATES,
    OUTCOMES,
    Offer,
    OverrideReason,
    ReferralStatus,
    RuleError,
    Urgency,
    check_referral,
    clock_label,
    free_places,
    move,
    next_states,
    queue_order,
    waiting_minutes,
)

# The family's confirmation link is a long random token; the limit makes guessing pointless.
FAMILY_LINKS_PER_MINUTE = 30

blueprint = Blueprint(
    "ckg",
    __name__,
    url_prefix="/ckg",
)


@blueprint.context_processor
def _labels() -> dict:
    return {
        "labels": TEMPLATE_LABELS,
        "label": label,
        "reference": store.reference,
        "offers": list(Offer),
        "urgencies": list(Urgency),
        "domains": DOMAINS,
        "override_reasons": list(OverrideReason),
        "outcomes": OUTCOMES,
        "note_max": NOTE_MAX,
        "message_max": MESSAGE_MAX,
    }


@blueprint.after_request
def _no_store(response):
    # Pages about families must not linger in a shared computer's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _load(referral_id: uuid.UUID) -> Referral:
    referral = db_session().get(Referral, referral_id)
    if referral is None:
        abort(404)
    return referral


# -- start page -------------------------------------------------------------------------------


@blueprint.get("/")
def index():
    session = db_session()
    mine, family = [], []
    user = g.get("user")
    if user is not None:
        mine = session.exec(
            select(Referral)
            .where(Referral.referrer_user_id == user.id)
            .order_by(Referral.created_at.desc())
        ).all()
        if "parent" in g.roles:
            subject = DataSubject(user_id=user.id, email=verified_email(user) or None)
            family = [
                referral
                for referral in referrals_about(session, subject)
                if referral.anonymised_at is None and viewer_role(referral) == "family"
            ]
    return render(
        "ckg/index.html",
        mine=mine,
        family=family,
        may_refer=may_refer(),
        works_for_ckg=bool(acting_ckgs()),
        tenant_admin=is_tenant_admin(),
    )


# -- referring --------------------------------------------------------------------------------


def _referrer_identity() -> dict:
    """Who refers: the organisation they act for, municipal staff, or the parent themselves."""
    partners = [o for o in acting_organisations("ckg")]
    if partners:
        return {"referrer_kind": partners[0].kind, "referrer_organisation_id": partners[0].id}
    if any(role.startswith("staff:") for role in g.roles) or is_tenant_admin():
        return {"referrer_kind": "loket" if "staff:loket" in g.roles else "staff"}
    return {"referrer_kind": "parent", "family_user_id": g.user.id}


def _form_page(raw: dict, errors: dict, status: int = 200, draft: Referral | None = None):
    ckgs = store.granted_ckgs(db_session())
    if len(ckgs) == 1 and not raw.get("organisation"):
        raw["organisation"] = str(ckgs[0].id)
    return (
        render(
            "ckg/referral_form.html",
            raw=raw,
            errors=errors,
            ckgs=ckgs,
            draft=draft,
            parent_slots=range(1, MAX_PARENTS + 1),
            child_slots=range(1, MAX_CHILDREN + 1),
            today=date.today().isoformat(),
            is_parent=_referrer_identity()["referrer_kind"] == "parent",
        ),
        status,
    )


@blueprint.route("/doorverwijzen", methods=["GET", "POST"])
@require_signed_in
def refer():
    if not may_refer():
        abort(403)
    if request.method == "GET":
        return _form_page({"route": "direct"}, {})
    return _submit(None)


@blueprint.route("/doorverwijzingen/<uuid:referral_id>/aanvullen", methods=["GET", "POST"])
@require_signed_in
def complete_draft(referral_id: uuid.UUID):
    """A draft (e.g. handed over by the loket) is completed and submitted by its referrer."""
    referral = _load(referral_id)
    if viewer_role(referral) != "referrer" or referral.status != ReferralStatus.DRAFT:
        abort(404)
    if request.method == "GET":
        log_access(db_session(), referral, "referrer")
        db_session().commit()
        return _form_page(_draft_values(referral), {}, draft=referral)
    return _submit(referral)


def _draft_values(referral: Referral) -> dict:
    raw: dict = {
        "organisation": str(referral.organisation_id),
        "domains": list(referral.domains),
        "concern_summary": referral.concern_summary,
        "requested_offer": referral.requested_offer,
        "urgency": referral.urgency,
        "route": referral.route,
        "family_email": referral.family_email,
    }
    members = store.family_of(db_session(), referral.id)
    parents = [m for m in members if m.role == "parent"][:MAX_PARENTS]
    children = [m for m in members if m.role == "child"][:MAX_CHILDREN]
    for number, parent in enumerate(parents, start=1):
        raw[f"parent-{number}-name"], raw[f"parent-{number}-relation"] = (
            parent.name,
            parent.relation,
        )
    for number, child in enumerate(children, start=1):
        raw[f"child-{number}-name"] = child.name
        raw[f"child-{number}-birth_date"] = child.birth_date.isoformat() if child.birth_date else ""
        raw[f"child-{number}-expected_birth"] = (
            child.expected_birth.isoformat() if child.expected_birth else ""
        )
    return raw


def _submit(draft: Referral | None):
    session = db_session()
    data, raw, errors = read_referral(request.form)
    allowed = {organisation.id for organisation in store.granted_ckgs(session)}
    if data.organisation_id is None and len(allowed) == 1:
        # Only one CKG serves this municipality: the choice is made for the referrer.
        data.organisation_id = next(iter(allowed))
    try:
        check_referral(data, today=date.today(), allowed_ckgs=allowed)
    except RuleError as error:
        errors = {**error.errors, **errors}
    if errors:
        return _form_page(raw, {key: str(message) for key, message in errors.items()}, 422, draft)
    now, actor = utcnow(), f"user:{g.user.id}"
    if draft is None:
        referral = store.create_referral(
            session,
            data,
            actor=actor,
            now=now,
            referrer_user_id=g.user.id,
            **_referrer_identity(),
        )
    else:
        referral = _submit_draft(session, draft, data, actor=actor, now=now)
    audit.record(
        session,
        action="ckg.referral_submitted",
        object_type="ckg_referral",
        object_id=referral.id,
        # The referrer records the family's consent for it, unless the parent referred themselves.
        # Only whether consent was recorded: the audit log is the tenant admin's, not the CKG's.
        detail={"consent": referral.consent},
        on_behalf_of=audit.person(
            referral.family_user_id, object_type="ckg_referral", object_id=referral.id
        ),
    )
    session.flush()
    family.ask_family_to_confirm(session, g.tenant, referral)
    if referral.urgency == Urgency.CRISIS:
        store.alert_on_call(
            session,
            referral,
            tenant_name=g.tenant.name,
            link=url_for("ckg.referral", referral_id=referral.id, _external=True),
        )
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id, submitted=1), code=303)


def _submit_draft(session, draft: Referral, data, *, actor: str, now) -> Referral:
    for key in (
        "organisation_id",
        "urgency",
        "requested_offer",
        "concern_summary",
        "route",
        "access_gate_reference",
        "groeipakket_notice_given",
        "consent",
        "consent_override_reason",
        "consent_explanation",
        "family_email",
    ):
        setattr(draft, key, getattr(data, key))
    draft.domains = list(data.domains)
    draft.consent_recorded_at = now
    store.replace_family(session, draft, data)
    session.add(move(draft, ReferralStatus.SUBMITTED, actor=actor, now=now))
    session.add(draft)
    return draft


# -- the family confirms the address the referrer typed ----------------------------------------


@blueprint.route("/gezin/bevestigen/<token>", methods=["GET", "POST"])
@rate_limited("ckg.family_link", per_minute=FAMILY_LINKS_PER_MINUTE, methods=("GET", "POST"))
def confirm_family_email(token: str):
    """Opening shows a button (mail scanners open links); the button confirms, once."""
    session = db_session()
    if request.method == "GET":
        live = family.is_live(session, token)
        return render("ckg/family_confirm.html", live=live, done=False), 200 if live else 404
    referral = family.confirm(session, token, g.get("user"))
    if referral is None:
        return render("ckg/family_confirm.html", live=False, done=False), 404
    audit.record(
        session,
        action="ckg.family_email_confirmed",
        object_type="ckg_referral",
        object_id=referral.id,
    )
    session.commit()
    return render("ckg/family_confirm.html", live=True, done=True)


# -- one referral -----------------------------------------------------------------------------


@blueprint.get("/doorverwijzingen/<uuid:referral_id>")
@require_signed_in
def referral(referral_id: uuid.UUID):
    referral = _load(referral_id)
    role = viewer_role(referral)
    if role is None:
        if may_read_access_log(referral):
            return redirect(url_for("ckg.access_log", referral_id=referral.id))
        abort(404)
    return _referral_page(referral, role)


def _referral_page(
    referral: Referral, role: str, *, errors: dict | None = None, raw=None, status=200
):
    session = db_session()
    log_access(session, referral, role)
    session.commit()
    context = {
        "referral": referral,
        "role": role,
        "errors": errors or {},
        "raw": raw or {},
        "organisation": session.get(Organisation, referral.organisation_id),
        "antenna": session.get(Antenna, referral.antenna_id) if referral.antenna_id else None,
        "just_submitted": request.args.get("submitted") == "1",
    }
    if role == "referrer":
        return render("ckg/referral_referrer.html", **context), status
    context["family"] = store.family_of(session, referral.id)
    if role == "family":
        return render("ckg/referral_family.html", **context), status
    history = store.history_of(session, referral.id)
    context.update(
        history=history,
        names=store.people_named(session, {change.actor for change in history}),
        notes=store.notes_of(session, referral.id),
        next_states=next_states(referral.status),
        antennas=store.antennas_of(session, {referral.organisation_id}),
        may_read_log=may_read_access_log(referral),
    )
    return render("ckg/referral_ckg.html", **context), status


def _ckg_referral(referral_id: uuid.UUID) -> Referral:
    referral = _load(referral_id)
    if viewer_role(referral) != "ckg":
        abort(404)
    return referral


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/status")
@require_permission("ckg.work")
def change_status(referral_id: uuid.UUID):
    referral = _ckg_referral(referral_id)
    session = db_session()
    takes_or_frees_a_place = request.form.get("target") in (
        ReferralStatus.ACCEPTED,
        ReferralStatus.CLOSED,
    )
    antennas = {
        a.id: a
        for a in store.antennas_of(
            session, {referral.organisation_id}, for_update=takes_or_frees_a_place
        )
    }
    details, raw, errors = read_step(request.form, antennas)
    if referral.antenna_id in antennas and raw["target"] == ReferralStatus.CLOSED:
        details.antenna = antennas[referral.antenna_id]
    if not errors:
        try:
            change = move(
                referral,
                raw["target"],
                actor=f"user:{g.user.id}",
                now=utcnow(),
                details=details,
                organisation_antennas=set(antennas),
            )
        except RuleError as error:
            errors = error.errors
    if errors:
        session.rollback()
        referral = _load(referral_id)
        messages = {key: str(message) for key, message in errors.items()}
        return _referral_page(referral, "ckg", errors=messages, raw=raw, status=422)
    session.add(change)
    session.add(referral)
    if details.antenna is not None:
        session.add(details.antenna)
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id), code=303)


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/notities")
@require_permission("ckg.work")
def add_note(referral_id: uuid.UUID):
    referral = _ckg_referral(referral_id)
    body = request.form.get("body", "").strip()
    error = None
    if not body:
        error = _("Write the note before saving it.")
    elif len(body) > NOTE_MAX:
        error = _("Keep the note under %(max)d characters.", max=NOTE_MAX)
    if error:
        return _referral_page(
            referral, "ckg", errors={"note-body": error}, raw={"body": body}, status=422
        )
    session = db_session()
    session.add(CaseNote(referral_id=referral.id, author=f"user:{g.user.id}", body=body))
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id) + "#notes", code=303)


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/bericht")
@require_permission("ckg.work")
def message_referrer(referral_id: uuid.UUID):
    referral = _ckg_referral(referral_id)
    message = request.form.get("message", "").strip()
    if len(message) > MESSAGE_MAX:
        error = _("Keep the message under %(max)d characters.", max=MESSAGE_MAX)
        return _referral_page(
            referral, "ckg", errors={"message": error}, raw={"message": message}, status=422
        )
    session = db_session()
    referral.message_to_referrer = message
    referral.message_updated_at = utcnow()
    session.add(referral)
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id), code=303)


# -- the CKG's queue and capacity -------------------------------------------------------------


@blueprint.get("/wachtrij")
@require_permission("ckg.work")
def queue():
    ckg_ids = acting_ckg_ids()
    if not ckg_ids:
        abort(403)
    session = db_session()
    filters = {key: request.args.get(key, "") for key in ("antenna", "offer", "urgency")}
    antennas = store.antennas_of(session, ckg_ids)
    statement = select(Referral).where(
        Referral.organisation_id.in_(ckg_ids),
        Referral.status.in_([str(state) for state in OPEN_STATES | {ReferralStatus.ACCEPTED}]),
    )
    if filters["offer"] in set(Offer):
        statement = statement.where(Referral.requested_offer == filters["offer"])
    if filters["urgency"] in set(Urgency):
        statement = statement.where(Referral.urgency == filters["urgency"])
    if filters["antenna"] in {str(a.id) for a in antennas}:
        statement = statement.where(Referral.antenna_id == uuid.UUID(filters["antenna"]))
    now = utcnow()
    alert_minutes = store.ckg_settings(session)["crisis_alert_minutes"]
    rows = [
        {
            "referral": referral,
            "minutes": waiting_minutes(referral, now),
            "clock": clock_label(waiting_minutes(referral, now)),
            "overdue": referral.urgency == Urgency.CRISIS
            and referral.status == ReferralStatus.SUBMITTED
            and waiting_minutes(referral, now) > alert_minutes,
        }
        for referral in sorted(session.exec(statement).all(), key=queue_order)
    ]
    return render(
        "ckg/queue.html",
        block="queue",
        rows=rows,
        filters=filters,
        antennas=antennas,
        antenna_names={a.id: a.name for a in antennas},
        capacity=_capacity_rows(antennas),
    )


def _capacity_rows(antennas: list[Antenna]) -> list[dict]:
    return [
        {
            "antenna": antenna,
            "offers": [
                (offer, *_places(antenna, offer), free_places(antenna, offer))
                for offer in CAPACITY_COLUMNS
            ],
        }
        for antenna in antennas
    ]


def _places(antenna: Antenna, offer: Offer) -> tuple[int, int]:
    places, occupied = CAPACITY_COLUMNS[offer]
    return getattr(antenna, places), getattr(antenna, occupied)


@blueprint.get("/capaciteit")
@require_permission("ckg.work")
def capacity():
    ckgs = acting_ckgs()
    if not ckgs:
        abort(403)
    antennas = store.antennas_of(db_session(), {o.id for o in ckgs})
    return render(
        "ckg/capacity.html", ckgs=ckgs, capacity=_capacity_rows(antennas), errors={}, raw={}
    )


CAPACITY_FIELDS = tuple(column for pair in CAPACITY_COLUMNS.values() for column in pair)


@blueprint.post("/capaciteit")
@require_permission("ckg.work")
def save_antenna():
    """Create or update one antenna of the user's CKG (platform-level data of that CKG)."""
    ckgs = acting_ckgs()
    if not ckgs:
        abort(403)
    session = db_session()
    ckg_ids = {o.id for o in ckgs}
    form = request.form
    errors: dict[str, str] = {}
    antenna = None
    if form.get("antenna_id"):
        try:
            antenna = session.get(Antenna, uuid.UUID(form["antenna_id"]))
        except ValueError:
            antenna = None
        if antenna is None or antenna.organisation_id not in ckg_ids:
            abort(404)
    else:
        try:
            organisation_id = uuid.UUID(form.get("organisation_id", ""))
        except ValueError:
            organisation_id = None
        if organisation_id not in ckg_ids:
            abort(404)
        name = form.get("name", "").strip()
        if not name or len(name) > 100:
            errors["new-name"] = _("Give the antenna a name of at most 100 characters.")
        elif session.exec(
            select(Antenna).where(Antenna.organisation_id == organisation_id, Antenna.name == name)
        ).first():
            errors["new-name"] = _("Your CKG already has an antenna with this name.")
        antenna = Antenna(organisation_id=organisation_id, name=name)
    prefix = f"antenna-{antenna.id}" if form.get("antenna_id") else "new"
    values = {}
    for column in CAPACITY_FIELDS:
        raw_value = form.get(column, "0").strip() or "0"
        if not raw_value.isdigit() or int(raw_value) > 999:
            errors[f"{prefix}-{column}"] = _("Enter a whole number from 0 to 999.")
        else:
            values[column] = int(raw_value)
    email = form.get("on_call_email", "").strip()
    if email and ("@" not in email or len(email) > 320 or "\n" in email):
        errors[f"{prefix}-on_call_email"] = _(
            "Enter the on-call e-mail address, e.g. crisis@ckg.be."
        )
    phone = form.get("on_call_phone", "").strip()
    if len(phone) > 40:
        errors[f"{prefix}-on_call_phone"] = _("Keep the phone number under 40 characters.")
    if errors:
        session.rollback()
        antennas = store.antennas_of(session, ckg_ids)
        page = render(
            "ckg/capacity.html",
            ckgs=ckgs,
            capacity=_capacity_rows(antennas),
            errors=errors,
            raw=form,
        )
        return page, 422
    shared_fields = (*CAPACITY_FIELDS, "on_call_email", "on_call_phone")
    before = {name: getattr(antenna, name, None) for name in shared_fields}
    for column, value in values.items():
        setattr(antenna, column, value)
    antenna.on_call_email, antenna.on_call_phone, antenna.updated_at = email, phone, utcnow()
    session.add(antenna)
    session.commit()
    after = {name: getattr(antenna, name) for name in shared_fields}
    # The antenna and its on-call contact serve every municipality that works with this CKG:
    # each of them sees the change in its own audit log, not only this one.
    audit.record_for_organisation(
        database(),
        antenna.organisation_id,
        action="ckg.antenna_saved",
        object_type="ckg_antenna",
        object_id=antenna.id,
        detail={
            "antenna": antenna.name,
            "changed_at": g.tenant.slug,
            "changes": {
                name: [before[name], after[name]]
                for name in shared_fields
                if before[name] != after[name]
            },
        },
    )
    return redirect(url_for("ckg.capacity"), code=303)


# -- access log -------------------------------------------------------------------------------


@blueprint.get("/doorverwijzingen/<uuid:referral_id>/toegangslog")
@require_signed_in
def access_log(referral_id: uuid.UUID):
    referral = _load(referral_id)
    if not may_read_access_log(referral):
        abort(404)
    session = db_session()
    entries = store.access_log_of(session, referral.id)
    names = store.people_named(session, {entry.actor for entry in entries})
    return render(
        "ckg/access_log.html",
        referral=referral,
        entries=[(entry, names.get(entry.actor, entry.actor)) for entry in entries],
        organisation=session.get(Organisation, referral.organisation_id),
    )


@blueprint.get("/toegangslog")
@require_signed_in
def access_overview():
    """The tenant admin's way in: referrals without any family detail, each with its log."""
    if not is_tenant_admin():
        abort(403)
    session = db_session()
    referrals = session.exec(select(Referral).order_by(Referral.created_at.desc())).all()
    organisations = {o.id: o for o in session.exec(select(Organisation)).all()}
    return render("ckg/access_overview.html", referrals=referrals, organisations=organisations)
