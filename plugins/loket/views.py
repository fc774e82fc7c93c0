"""The loket's pages: thin — parse, authorise, call a service, render.

Who sees what: parents (``loket.request``) their own requests; loket staff (``loket.manage``)
everything of the municipality; provider members (``loket.places``) only the locations of the
organisations they act for.
"""

from __future__ import annotations

import csv
import io
import secrets
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import acting_organisations, can, require_permission
from core.rendering import render
from core.request_context import current_actor
from core.web import db_session, tenant_hooks
from plugins.loket import (
    areas,
    ckg_hand_off,
    continuous,
    forms,
    info_sessions,
    monitoring,
    notifications,
    services,
)
from plugins.loket.models import (
    AGE_GROUPS,
    CARE_NEEDS,
    LOCATION_KINDS,
    ORIGINS,
    REJECTION_REASONS,
    SITUATION_FLAGS,
    STAFF_ORIGINS,
    AllocationRound,
    ChildcareRequest,
    FreePlace,
    InfoRegistration,
    InfoSession,
    Location,
    Preference,
    Proposal,
    ProposalStatus,
    RequestStatus,
)

blueprint = Blueprint("loket", __name__, url_prefix="/loket")
PAGE_SIZE = 25


def settings() -> dict:
    from plugins.loket.tenant_settings import loket_settings

    return loket_settings(db_session())


def _context(**context) -> dict:
    context.setdefault("labels", forms.labels())
    context.setdefault("errors", {})
    return context


def _locations() -> list[Location]:
    return list(db_session().exec(select(Location).order_by(Location.name)))


def _own_request(request_id: uuid.UUID) -> ChildcareRequest:
    """The request, if the signed-in parent owns it (staff may open any)."""
    found = db_session().get(ChildcareRequest, request_id)
    if found is None:
        abort(404)
    if not can("loket.manage") and found.parent_user_id != g.user.id:
        abort(404)
    return found


def _parents_own_request(request_id: uuid.UUID) -> ChildcareRequest:
    """The request, only if it is the signed-in parent's own: for what only the family decides
    (answering a proposal, giving up other preferences). Staff and admins may open any request,
    but they do not answer for the family."""
    found = db_session().get(ChildcareRequest, request_id)
    if found is None or found.parent_user_id != g.user.id:
        abort(404)
    return found


def _provider_location_ids() -> set[uuid.UUID]:
    organisations = {organisation.id for organisation in acting_organisations("loket")}
    if not organisations:
        return set()
    rows = db_session().exec(
        select(Location.id).where(Location.provider_organisation_id.in_(organisations))
    )
    return set(rows)


@blueprint.get("/")
def index():
    return render("loket/index.html", **_context())


# -- parents' requests -------------------------------------------------------------------------


def _request_form(request_row: ChildcareRequest | None, *, status: int = 200, **context):
    values = context.pop("values", None)
    if values is None:
        values = _values_of(request_row) if request_row else {"language": "nl", "days": []}
    return render(
        "loket/request_form.html",
        **_context(
            values=values,
            request_row=request_row,
            locations=_locations(),
            areas=areas.known_areas(_locations()),
            location_kinds=LOCATION_KINDS,
            max_preferences=settings()["max_preferences"],
            day_choices=forms.DAY_CHOICES,
            care_needs=CARE_NEEDS,
            situations=[flag for flag in SITUATION_FLAGS if flag != "sibling"],
            origins=STAFF_ORIGINS,
            staff=can("loket.manage"),
            **context,
        ),
    ), status


def _values_of(row: ChildcareRequest) -> dict:
    preferences = services.preferences_of(db_session(), row.id)
    siblings = services.sibling_locations(row)
    return {
        "child_first_name": row.child_first_name,
        "child_last_name": row.child_last_name,
        "birth_date": row.birth_date.isoformat() if row.birth_date else "",
        "expected_birth_date": (
            row.expected_birth_date.isoformat() if row.expected_birth_date else ""
        ),
        "desired_start": row.desired_start.isoformat() if row.desired_start else "",
        "days": row.days,
        "preferences": [str(p.location_id) for p in preferences],
        "language": row.language,
        "care_needs": row.care_needs,
        "situation": [flag for flag in row.situation if ":" not in flag],
        "sibling_location_id": str(next(iter(siblings))) if siblings else "",
        "parent_name": row.parent_name,
        "parent_email": row.parent_email,
        "parent_phone": row.parent_phone,
        "area": row.area,
        "area_kind": row.area_kind,
        "origin": row.origin,
    }


def _can_register() -> bool:
    return can("loket.request") or can("loket.manage")


@blueprint.get("/aanvraag/nieuw")
def new_request():
    if g.get("user") is None:
        abort(401)
    if not _can_register():
        abort(403)
    return _request_form(None)


@blueprint.post("/aanvraag/nieuw")
def create_request():
    if g.get("user") is None:
        abort(401)
    if not _can_register():
        abort(403)
    return _save_request(None)


@blueprint.route("/aanvraag/<uuid:request_id>/bewerken", methods=["GET", "POST"])
def edit_request(request_id: uuid.UUID):
    """A parent completes their draft; staff complete drafts made by phone or handed over."""
    if g.get("user") is None:
        abort(401)
    if not _can_register():
        abort(403)
    row = _own_request(request_id)
    if row.status != RequestStatus.DRAFT:
        abort(404)
    if request.method == "GET":
        return _request_form(row)
    return _save_request(row)


def _save_request(row: ChildcareRequest | None):
    session = db_session()
    limit = settings()["max_preferences"]
    data, errors = forms.request_input(request.form, limit)
    staff = can("loket.manage")
    origin = request.form.get("origin", "phone") if staff else "parent"
    origin = origin if origin in STAFF_ORIGINS else "phone"
    if row is not None:
        origin = row.origin  # completing a draft never changes where it came from
    if not staff:
        data.parent_name = data.parent_name or g.user.name
        data.parent_email = data.parent_email or g.user.email
    submit = request.form.get("action") != "draft"
    if submit:
        kinds = {location.id: location.kind for location in _locations()}
        others = session.exec(select(ChildcareRequest).where(ChildcareRequest.id != _id(row)))
        errors.update(
            {
                key: code
                for key, code in services.validate_request(
                    data,
                    today=date.today(),
                    max_preferences=limit,
                    location_kinds=kinds,
                    other_requests=others,
                    area_kinds=areas.known_areas(_locations()),
                ).items()
                if key not in errors
            }
        )
    else:
        known = {location.id for location in _locations()}
        data.preferences = [p for p in data.preferences if p in known][:limit]
        if data.area not in areas.known_areas(_locations()):
            data.area = data.area_kind = ""
    if errors:
        values = forms.form_values(data) | {"origin": origin}
        return _request_form(
            row, status=422, values=values, errors=forms.error_messages(errors, limit)
        )
    saved = services.save_request(
        session,
        data,
        request=row,
        submit=submit,
        origin=origin,
        parent_user_id=None if staff else g.user.id,
        actor=current_actor(),
    )
    audit.record(
        session,
        action="loket.request_submitted" if submit else "loket.request_draft_saved",
        object_type="loket_request",
        object_id=saved.id,
        detail={"origin": saved.origin},
        # Staff register and complete requests for parents who phone, write or call in.
        on_behalf_of=services.parent_of(saved),
    )
    if submit:
        notifications.request_received(session, saved)
    session.commit()
    if staff:
        flash(_("The request was saved."))
        return redirect(url_for("loket.request_detail", request_id=saved.id))
    flash(_("Your request was sent.") if submit else _("Your draft was saved."))
    return redirect(url_for("loket.my_requests"))


def _id(row):
    return row.id if row else uuid.UUID(int=0)


@blueprint.get("/mijn-aanvragen")
@require_permission("loket.request")
def my_requests():
    session = db_session()
    rows = list(
        session.exec(
            select(ChildcareRequest)
            .where(ChildcareRequest.parent_user_id == g.user.id)
            .order_by(ChildcareRequest.created_at.desc())
        )
    )
    return render(
        "loket/my_requests.html",
        **_context(requests=[_request_view(row) for row in rows]),
    )


def _request_view(row: ChildcareRequest) -> dict:
    session = db_session()
    locations = {location.id: location for location in _locations()}
    proposals = list(
        session.exec(
            select(Proposal).where(Proposal.request_id == row.id).order_by(Proposal.created_at)
        )
    )
    return {
        "row": row,
        "preferences": [
            (p, locations.get(p.location_id)) for p in services.preferences_of(session, row.id)
        ],
        "proposals": [(p, locations.get(p.location_id)) for p in proposals],
        "locations": locations,
    }


@blueprint.post("/aanvraag/<uuid:request_id>/andere-intrekken")
@require_permission("loket.request")
def withdraw_others(request_id: uuid.UUID):
    row = _parents_own_request(request_id)
    try:
        services.withdraw_other_preferences(db_session(), row)
    except services.InvalidTransition:
        abort(409)
    db_session().commit()
    flash(_("Your other preferences were withdrawn."))
    return redirect(url_for("loket.my_requests"))


@blueprint.post("/aanvraag/<uuid:request_id>/intrekken")
def withdraw_request(request_id: uuid.UUID):
    """The family no longer needs a place; a place proposed to it moves on."""
    if g.get("user") is None:
        abort(401)
    if not _can_register():
        abort(403)
    session = db_session()
    row = _own_request(request_id)
    try:
        freed = services.withdraw_request(session, row)
    except services.InvalidTransition:
        flash(_("This request can no longer be withdrawn."))
        return redirect(_after_request_change(row))
    audit.record(
        session,
        action="loket.request_withdrawn",
        object_type="loket_request",
        object_id=row.id,
        on_behalf_of=services.parent_of(row),
    )
    continuous.place_freed(session, g.tenant, freed, trigger="withdrawn")
    session.commit()
    flash(_("The request was withdrawn."))
    return redirect(_after_request_change(row))


def _after_request_change(row: ChildcareRequest) -> str:
    if can("loket.manage"):
        return url_for("loket.request_detail", request_id=row.id)
    return url_for("loket.my_requests")


@blueprint.post("/voorstel/<uuid:proposal_id>/antwoord")
@require_permission("loket.request")
def answer_proposal(proposal_id: uuid.UUID):
    session = db_session()
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    row = _parents_own_request(proposal.request_id)
    location = session.get(Location, proposal.location_id)
    accepted = request.form.get("answer") == "accept"
    try:
        if accepted:
            services.accept_proposal(session, proposal)
        else:
            services.decline_proposal(session, proposal)
    except services.PlaceUnavailable:
        session.rollback()
        proposal = session.get(Proposal, proposal_id)
        proposal.status = ProposalStatus.LAPSED
        session.add(proposal)
        services._reopen(session, proposal, "declined")
        session.commit()
        flash(_("Sorry: another family accepted this place first. Your request stays open."))
        return redirect(url_for("loket.my_requests"))
    except services.InvalidTransition:
        flash(_("This proposal can no longer be answered."))
        return redirect(url_for("loket.my_requests"))
    notifications.proposal_answered(session, row, location, accepted=accepted)
    if not accepted:
        continuous.place_freed(session, g.tenant, [proposal.location_id], trigger="declined")
    session.commit()
    flash(_("You accepted the place.") if accepted else _("You declined the place."))
    return redirect(url_for("loket.my_requests"))


# -- staff -------------------------------------------------------------------------------------


@blueprint.get("/werklijst")
@require_permission("loket.manage")
def work_list():
    session = db_session()
    args = request.args
    statement = select(ChildcareRequest)
    if args.get("status") in RequestStatus.ALL:
        statement = statement.where(ChildcareRequest.status == args["status"])
    if args.get("origin") in ORIGINS:
        statement = statement.where(ChildcareRequest.origin == args["origin"])
    if args.get("area"):
        statement = statement.where(ChildcareRequest.area == args["area"])
    if args.get("proof") in ("yes", "no"):
        statement = statement.where(ChildcareRequest.proof_checked == (args["proof"] == "yes"))
    location = forms.parse_uuid(args.get("location", ""))
    if location is not None:
        statement = statement.where(
            ChildcareRequest.id.in_(
                select(Preference.request_id).where(Preference.location_id == location)
            )
        )
    month = args.get("month", "")
    if len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit():
        first = forms.parse_date(month + "-01")
        if isinstance(first, date):
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            statement = statement.where(
                ChildcareRequest.desired_start >= first, ChildcareRequest.desired_start < following
            )
    term = args.get("q", "").strip()
    if term:
        pattern = f"%{term.lower()}%"
        statement = statement.where(
            sa.or_(
                sa.func.lower(ChildcareRequest.child_first_name).like(pattern),
                sa.func.lower(ChildcareRequest.child_last_name).like(pattern),
                sa.func.lower(ChildcareRequest.parent_name).like(pattern),
            )
        )
    rows = list(session.exec(statement.order_by(ChildcareRequest.created_at)))
    # Priority basis and care needs live in JSON lists: filter them here, portably.
    if args.get("basis") in SITUATION_FLAGS:
        rows = [r for r in rows if args["basis"] in r.situation]
    if args.get("care_need") in CARE_NEEDS:
        rows = [r for r in rows if args["care_need"] in r.care_needs]
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    query = {key: value for key, value in args.items() if key != "page" and value}
    return render(
        "loket/work_list.html",
        block="results",
        **_context(
            rows=shown,
            total=len(rows),
            page=page,
            pages=pages,
            query=query,
            filters=args,
            locations=_locations(),
            statuses=RequestStatus.ALL,
            origins=ORIGINS,
            areas=list(areas.known_areas(_locations())),
            situations=[f for f in SITUATION_FLAGS if f != "sibling"],
            care_needs=CARE_NEEDS,
        ),
    )


@blueprint.get("/aanvragen/<uuid:request_id>")
@require_permission("loket.manage")
def request_detail(request_id: uuid.UUID):
    return _request_detail_page(_own_request(request_id))


def _request_detail_page(row: ChildcareRequest, status: int = 200, **context):
    ckg_enabled = "ckg" in g.get("enabled_plugins", frozenset())
    emergency_places = [
        (place, location)
        for place, location in db_session().exec(
            select(FreePlace, Location).join(Location, Location.id == FreePlace.location_id)
        )
        if place.emergency_taken < place.held_back
    ]
    return render(
        "loket/request_detail.html",
        **_context(
            view=_request_view(row),
            emergency_places=emergency_places,
            ckg_enabled=ckg_enabled,
            ckgs=ckg_hand_off.ckg_organisations(db_session()) if ckg_enabled else [],
            urgencies=ckg_hand_off.URGENCIES,
            **context,
        ),
    ), status


@blueprint.post("/aanvragen/<uuid:request_id>/bewijs")
@require_permission("loket.manage")
def mark_proof_checked(request_id: uuid.UUID):
    row = _own_request(request_id)
    row.proof_checked = request.form.get("proof_checked") == "yes"
    db_session().add(row)
    audit.record(
        db_session(),
        action="loket.proof_checked",
        object_type="loket_request",
        object_id=row.id,
        detail={"proof_checked": row.proof_checked},
    )
    db_session().commit()
    flash(_("The proof check was saved."))
    return redirect(url_for("loket.request_detail", request_id=row.id))


@blueprint.post("/aanvragen/<uuid:request_id>/ckg")
@require_permission("loket.manage")
def hand_to_ckg(request_id: uuid.UUID):
    """With the parent's consent, hand the family on to a CKG as a draft referral."""
    session = db_session()
    row = _own_request(request_id)
    if "ckg" not in g.get("enabled_plugins", frozenset()):
        abort(404)
    form = request.form
    data = ckg_hand_off.HandOffInput(
        consent=form.get("ckg_consent") == "yes",
        concern_summary=form.get("concern_summary", ""),
        urgency=form.get("urgency", ""),
        ckg_organisation_id=forms.parse_uuid(form.get("ckg_organisation_id", "")),
    )
    errors = forms.error_messages(ckg_hand_off.validate(data))
    if not errors:
        try:
            ckg_hand_off.hand_to_ckg(session, row, data, referrer=g.user.id)
        except ValueError as refusal:
            session.rollback()
            errors = {
                "ckg_organisation_id": _(
                    "The CKG could not take the family on: %(reason)s", reason=str(refusal)
                )
            }
    if errors:
        return _request_detail_page(_own_request(request_id), 422, errors=errors, values=form)
    session.commit()
    flash(_("The family was handed on to the CKG as a draft referral."))
    return redirect(url_for("loket.request_detail", request_id=row.id))


@blueprint.post("/aanvragen/<uuid:request_id>/bewijs-vragen")
@require_permission("loket.manage")
def ask_for_proof(request_id: uuid.UUID):
    """The parent declared the family situation; staff ask for the proof by e-mail."""
    session = db_session()
    row = _own_request(request_id)
    if not row.parent_email:
        flash(_("There is no e-mail address to ask for proof: call the parent."))
        return redirect(url_for("loket.request_detail", request_id=row.id))
    notifications.proof_requested(session, row)
    audit.record(
        session, action="loket.proof_requested", object_type="loket_request", object_id=row.id
    )
    session.commit()
    flash(_("The parent was asked for proof by e-mail."))
    return redirect(url_for("loket.request_detail", request_id=row.id))


@blueprint.post("/aanvragen/<uuid:request_id>/noodopvang")
@require_permission("loket.manage")
def emergency_place(request_id: uuid.UUID):
    session = db_session()
    row = _own_request(request_id)
    free_place = session.get(FreePlace, forms.parse_uuid(request.form.get("free_place_id", "")))
    if free_place is None:
        abort(404)
    try:
        placement = services.emergency_placement(session, row, free_place)
    except (services.PlaceUnavailable, services.InvalidTransition):
        session.rollback()
        flash(_("No emergency place is left there, or the child already has a place."))
        return redirect(url_for("loket.request_detail", request_id=request_id))
    audit.record(
        session,
        action="loket.emergency_placement",
        object_type="loket_request",
        object_id=row.id,
        detail={"placement": str(placement.id), "location": str(free_place.location_id)},
        on_behalf_of=services.parent_of(row),
    )
    session.commit()
    flash(_("The child was placed in an emergency place."))
    return redirect(url_for("loket.request_detail", request_id=request_id))


@blueprint.route("/rondes", methods=["GET", "POST"])
@require_permission("loket.manage")
def rounds():
    session = db_session()
    if request.method == "POST":
        continuous.expire_overdue_proposals(session, g.tenant)
        reserved = [
            place
            for places in tenant_hooks().reserved_places(tenant=g.tenant, session=db_session())
            for place in places or ()
        ]
        round_, proposals = services.run_round(
            session,
            reserved=reserved,
            seed=secrets.randbelow(2**31),
            actor=current_actor(),
            today=date.today(),
        )
        for location_id in {p.location_id for p in proposals}:
            location = session.get(Location, location_id)
            notifications.place_proposed_to_provider(
                session, location, notifications.provider_emails(session, location)
            )
        audit.record(
            session,
            action="loket.round_run",
            object_type="loket_round",
            object_id=round_.id,
            detail=round_.summary,
        )
        session.commit()
        flash(_("The round made %(count)d proposals.", count=len(proposals)))
        return redirect(url_for("loket.rounds"))
    return _rounds_page()


def _rounds_page(status: int = 200, **context):
    session = db_session()
    recent = list(session.exec(select(AllocationRound).order_by(AllocationRound.run_at.desc())))
    proposals = list(
        session.exec(
            select(Proposal, ChildcareRequest, Location)
            .join(ChildcareRequest, ChildcareRequest.id == Proposal.request_id)
            .join(Location, Location.id == Proposal.location_id)
            .order_by(Proposal.created_at.desc())
            .limit(100)
        )
    )
    pack = services.current_rule_pack(session)
    context.setdefault("values", request.form if request.method == "POST" else {})
    return render(
        "loket/rounds.html",
        **_context(
            rounds=recent[:10],
            proposals=proposals,
            locations=_locations(),
            rule_pack=pack,
            tie_breaks=services.allocation.TIE_BREAKS,
            **context,
        ),
    ), status


def _rules_from_form(errors: dict) -> dict:
    tie_break = request.form.get("tie_break", "")
    if tie_break not in services.allocation.TIE_BREAKS:
        errors["tie_break"] = _("Choose a tie-break.")
    try:
        share = int(request.form.get("vulnerable_share_percent", ""))
        if not 0 <= share <= 100:
            raise ValueError
    except ValueError:
        errors["vulnerable_share_percent"] = _("Enter a percentage from 0 to 100.")
        share = 0
    return {"tie_break": tie_break, "vulnerable_share_percent": share}


@blueprint.post("/rondes/simulatie")
@require_permission("loket.manage")
def simulate_round():
    """Run the allocation on a copy — more places somewhere, other rules — and save nothing."""
    session = db_session()
    errors: dict = {}
    changed = _rules_from_form(errors)
    location = forms.parse_uuid(request.form.get("location_id", ""))
    try:
        extra = int(request.form.get("extra_places", "0") or "0")
        if not 0 <= extra <= 50:
            raise ValueError
    except ValueError:
        errors["extra_places"] = _("Enter a number of places from 0 to 50.")
        extra = 0
    if errors:
        return _rounds_page(422, errors=errors)
    pack = services.current_rule_pack(session)
    current_rules = services.allocation.RulePack.from_rules(pack.rules, version=pack.version)
    other_rules = services.allocation.RulePack.from_rules({**pack.rules, **changed})
    reserved = [
        place
        for places in tenant_hooks().reserved_places(tenant=g.tenant, session=db_session())
        for place in places or ()
    ]
    data = services.round_input(session, reserved=reserved, today=date.today())
    seed = 1  # the same lottery on both sides: only the change differs
    now = services.simulate(data, current_rules, seed)
    then = services.simulate(
        data, other_rules, seed, extra_places={location: extra} if location and extra else None
    )
    session.rollback()  # a simulation never writes (not even a first rule pack)
    return _rounds_page(simulation={"now": now, "then": then})


@blueprint.post("/regels")
@require_permission("loket.manage")
def change_rules():
    session = db_session()
    errors: dict = {}
    changed = _rules_from_form(errors)
    if errors:
        return _rounds_page(422, errors=errors)
    current = services.current_rule_pack(session)
    pack = services.new_rule_pack_version(
        session, {**current.rules, **changed}, actor=current_actor()
    )
    audit.record(
        session,
        action="loket.rules_changed",
        object_type="loket_rule_pack",
        object_id=pack.id,
        detail={"version": pack.version, **changed},
    )
    session.commit()
    flash(_("The rules were saved as version %(version)d.", version=pack.version))
    return redirect(url_for("loket.rounds"))


# -- providers ---------------------------------------------------------------------------------


@blueprint.get("/plaatsen")
@require_permission("loket.places")
def places():
    return _places_page()


def _places_page(status: int = 200, **context):
    session = db_session()
    own = _provider_location_ids()
    locations = [location for location in _locations() if location.id in own]
    free_places = [
        place
        for place in session.exec(select(FreePlace).order_by(FreePlace.available_from))
        if place.location_id in own
    ]
    proposals = [
        (proposal, row)
        for proposal, row in session.exec(
            select(Proposal, ChildcareRequest)
            .join(ChildcareRequest, ChildcareRequest.id == Proposal.request_id)
            .where(Proposal.status == ProposalStatus.AWAITING_PROVIDER)
        )
        if proposal.location_id in own
    ]
    return render(
        "loket/places.html",
        **_context(
            locations=locations,
            by_id={location.id: location for location in locations},
            free_places=free_places,
            proposals=proposals,
            age_groups=AGE_GROUPS,
            day_choices=forms.DAY_CHOICES,
            reasons=REJECTION_REASONS,
            values=request.form if request.method == "POST" else {},
            **context,
        ),
    ), status


@blueprint.post("/plaatsen/<uuid:location_id>/vrij")
@require_permission("loket.places")
def report_free_place(location_id: uuid.UUID):
    session = db_session()
    if location_id not in _provider_location_ids():
        abort(404)
    location = session.get(Location, location_id)
    errors = {}
    try:
        count = int(request.form.get("places", ""))
        if not 1 <= count <= 99:
            raise ValueError
    except ValueError:
        errors[f"places-{location_id}"] = "places_invalid"
    age_group = request.form.get("age_group", "")
    if age_group not in AGE_GROUPS:
        errors[f"age_group-{location_id}"] = "age_group_invalid"
    available_from = forms.parse_date(request.form.get("available_from", ""))
    if not isinstance(available_from, date):
        errors[f"available_from-{location_id}"] = "date_invalid"
    if errors:
        return _places_page(422, errors=forms.error_messages(errors), failed=location_id)
    services.report_free_place(
        session,
        location,
        age_group=age_group,
        available_from=available_from,
        places=count,
        days=[d for d in request.form.getlist("days") if d in forms.DAY_CHOICES],
        quota_percent=settings()["occasional_quota_percent"],
        actor=current_actor(),
    )
    continuous.place_freed(session, g.tenant, [location_id], trigger="free_places_reported")
    session.commit()
    flash(_("The free places were saved."))
    return redirect(url_for("loket.places"))


@blueprint.post("/voorstel/<uuid:proposal_id>/aanbieder")
@require_permission("loket.places")
def provider_decision(proposal_id: uuid.UUID):
    session = db_session()
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.location_id not in _provider_location_ids():
        abort(404)
    row = session.get(ChildcareRequest, proposal.request_id)
    location = session.get(Location, proposal.location_id)
    try:
        if request.form.get("decision") == "confirm":
            services.confirm_proposal(session, proposal)
            notifications.place_offered_to_parent(session, row, location)
            message = _("You confirmed the proposal; the parent is asked to accept.")
        else:
            reason = request.form.get("reason", "")
            if reason not in REJECTION_REASONS:
                return _places_page(
                    422, errors=forms.error_messages({f"reason-{proposal_id}": "reason_invalid"})
                )
            still_free = services.reject_proposal(session, proposal, reason=reason)
            notifications.proposal_answered(session, row, location, accepted=False)
            if still_free:
                continuous.place_freed(session, g.tenant, [location.id], trigger="rejected")
            message = _("You rejected the proposal.")
    except services.InvalidTransition:
        abort(409)
    session.commit()
    flash(message)
    return redirect(url_for("loket.places"))


# -- monitoring --------------------------------------------------------------------------------


@blueprint.get("/monitoring")
@require_permission("loket.manage")
def dashboard():
    figures = monitoring.dashboard_figures(db_session(), today=date.today())
    return render("loket/dashboard.html", **_context(figures=figures, chart=monitoring.bars))


@blueprint.get("/monitoring.csv")
@require_permission("loket.manage")
def dashboard_csv():
    figures = monitoring.dashboard_figures(db_session(), today=date.today())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "label", "value"])
    for section, rows in figures.tables.items():
        for label, value in rows:
            writer.writerow([section, label, value])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=loket-monitoring.csv"},
    )


# -- info sessions -----------------------------------------------------------------------------


def _info_page(status: int = 200, **context):
    session = db_session()
    sessions = list(session.exec(select(InfoSession).order_by(InfoSession.starts_at)))
    registrations: dict = {}
    if can("loket.manage"):
        for row in session.exec(select(InfoRegistration).order_by(InfoRegistration.registered_at)):
            registrations.setdefault(row.session_id, []).append(row)
    counts = {s.id: info_sessions.registered_count(session, s.id) for s in sessions}
    context.setdefault("values", request.form if request.method == "POST" else {})
    return render(
        "loket/info_sessions.html",
        **_context(sessions=sessions, registrations=registrations, counts=counts, **context),
    ), status


@blueprint.get("/infosessies")
def info_sessions_page():
    return _info_page()


@blueprint.post("/infosessies")
@require_permission("loket.manage")
def create_info_session():
    form = request.form
    errors = {}
    title = form.get("title", "").strip()
    if not title:
        errors["title"] = _("Fill in this field.")
    try:
        starts_at = datetime.fromisoformat(form.get("starts_at", "")).replace(tzinfo=UTC)
    except ValueError:
        errors["starts_at"] = _("Enter a date and time.")
    try:
        capacity = int(form.get("capacity", ""))
        if not 1 <= capacity <= 500:
            raise ValueError
    except ValueError:
        errors["capacity"] = _("Enter a number of seats from 1 to 500.")
    if errors:
        return _info_page(422, errors=errors)
    language = form.get("language", "nl")
    db_session().add(
        InfoSession(
            title=title[:200],
            starts_at=starts_at,
            place=form.get("place", "")[:300],
            online=form.get("online") == "yes",
            language=language if language in forms.labels()["language"] else "nl",
            capacity=capacity,
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
    name = request.form.get("name", "").strip()
    email = request.form.get("email", "").strip()
    errors = {}
    if not name:
        errors[f"name-{session_id}"] = _("Fill in this field.")
    if "@" not in email or len(email) > 320 or any(c in email for c in "\r\n "):
        errors[f"email-{session_id}"] = _("Enter a valid e-mail address.")
    if errors:
        return _info_page(422, errors=errors, failed=session_id)
    # The answer is the same whether or not the address is registered already: a typed address
    # proves nothing, so what it holds goes only to its mailbox (issue 12, verified e-mail).
    try:
        registration = info_sessions.register(session, info_session, name=name, email=email)
    except info_sessions.AlreadyRegistered:
        notifications.info_session_already_registered(session, info_session, email)
    else:
        notifications.info_session_registered(session, info_session, registration)
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
    attended = {forms.parse_uuid(raw) for raw in request.form.getlist("attended")} - {None}
    info_sessions.record_attendance(session, info_session, attended)
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
    moved_up = info_sessions.cancel(session, registration)
    if moved_up is not None:
        info_session = session.get(InfoSession, moved_up.session_id)
        notifications.info_session_registered(session, info_session, moved_up)
    session.commit()
    flash(_("The registration was cancelled."))
    return redirect(url_for("loket.info_sessions_page"))


# The location details pages live in their own module on this blueprint.
from plugins.loket import location_views  # noqa: E402,F401
