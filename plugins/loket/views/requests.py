"""Childcare requests: a parent registers, saves a draft, withdraws, answers a proposal; staff
register on a parent's behalf (by phone, on paper) and complete drafts."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import can, require_permission
from core.rendering import render
from core.request_context import current_actor
from core.web import db_session
from plugins.loket import (
    areas,
    continuous,
    forms,
    notifications,
    priority,
    services,
    siblings,
    words,
)
from plugins.loket.models import (
    CARE_NEEDS,
    LOCATION_KINDS,
    SITUATION_FLAGS,
    STAFF_ORIGINS,
    ChildcareRequest,
    Location,
    Proposal,
    ProposalStatus,
    RequestStatus,
)
from plugins.loket.views.common import (
    _context,
    _locations,
    _own_request,
    _parents_own_request,
    _request_view,
    _request_views,
    blueprint,
    settings,
)


def _request_page(
    form: forms.RequestForm, row: ChildcareRequest | None, *, status: int = 200, errors=None
):
    family = siblings.family_view(db_session(), row) if row is not None else None
    return render(
        "loket/request_form.html",
        **_context(
            form=form,
            errors=errors or {},
            request_row=row,
            locations=_locations(),
            areas=areas.known_areas(_locations()),
            location_kinds=LOCATION_KINDS,
            max_preferences=settings()["max_preferences"],
            day_choices=forms.DAY_CHOICES,
            care_needs=CARE_NEEDS,
            situations=[flag for flag in SITUATION_FLAGS if flag != "sibling"],
            origins=STAFF_ORIGINS,
            staff=can("loket.manage"),
            family=family,
            sibling_slots=range(1, forms.MAX_SIBLINGS + 1),
        ),
    ), status


def _stored_values(row: ChildcareRequest) -> dict:
    """A stored request as form data: a draft opens with what was saved."""
    preferences = services.preferences_of(db_session(), row.id)
    siblings = services.sibling_locations(row)
    values = {
        "child_first_name": row.child_first_name,
        "child_last_name": row.child_last_name,
        "birth_date": row.birth_date,
        "expected_birth_date": row.expected_birth_date,
        "desired_start": row.desired_start,
        "days": row.days,
        "language": row.language,
        "contact_language": row.contact_language,
        "care_needs": row.care_needs,
        "situation": [flag for flag in row.situation if ":" not in flag],
        "sibling_location_id": str(next(iter(siblings))) if siblings else None,
        **priority.work_percents(row.situation),
        "parent_name": row.parent_name,
        "parent_email": row.parent_email,
        "parent_phone": row.parent_phone,
        "area": row.area,
        "area_kind": row.area_kind or None,
        "origin": row.origin,
        "siblings_together": _choice(row) if row.sibling_group_id else None,
    }
    for rank, preference in enumerate(preferences, start=1):
        values[f"preference_{rank}"] = str(preference.location_id)
    return values


def _choice(row: ChildcareRequest) -> str:
    return "together" if row.siblings_together else "apart"


def _new_form(row: ChildcareRequest | None) -> forms.RequestForm:
    data = _stored_values(row) if row else {"language": "nl"}
    return forms.RequestForm(data=data).offer(location.id for location in _locations())


def _can_register() -> bool:
    return can("loket.request") or can("loket.manage")


def _may_register() -> None:
    if g.get("user") is None:
        abort(401)
    if not _can_register():
        abort(403)


@blueprint.get("/aanvraag/nieuw")
def new_request():
    _may_register()
    return _request_page(_new_form(None), None)


@blueprint.post("/aanvraag/nieuw")
def create_request():
    _may_register()
    return _save_request(None)


CHANGEABLE = siblings.CHANGEABLE


@blueprint.route("/aanvraag/<uuid:request_id>/bewerken", methods=["GET", "POST"])
def edit_request(request_id: uuid.UUID):
    """A parent completes their draft or changes a waiting request (start, days, choices, care
    needs); staff do the same for the family. The registration date stays: it decides order."""
    _may_register()
    row = _own_request(request_id)
    if row.status not in CHANGEABLE:
        if row.status == RequestStatus.PROPOSED:
            flash(_("A place is proposed: answer the proposal before you change the request."))
            return redirect(_after_request_change(row))
        abort(404)
    if request.method in ("GET", "HEAD"):
        return _request_page(_new_form(row), row)
    return _save_request(row)


def _save_request(row: ChildcareRequest | None):
    session = db_session()
    limit = settings()["max_preferences"]
    locations = _locations()
    form = forms.RequestForm().offer(location.id for location in locations)
    form.validate_on_submit()  # field errors first; the service's rules follow
    data = form.request_input()
    staff = can("loket.manage")
    # The channel as it was: the parent's own form is "online"; staff say how it reached them.
    origin = (form.origin.data or "phone") if staff else "online"
    if row is not None:
        origin = row.origin  # completing a draft never changes where it came from
    if not staff:
        data.parent_name = data.parent_name or g.user.name
        data.parent_email = data.parent_email or g.user.email
    submit = not form.is_draft
    changing = row is not None and row.status != RequestStatus.DRAFT
    if changing and not submit:
        submit = True  # a sent request never goes back to being a draft
    # Brothers and sisters: new ones from the form's slots, or the group of the changed request
    # (only those whose request can still change follow the shared values).
    family = siblings.members(session, row) if row is not None else []
    following = [m for m in family if m.id != row.id and m.status in CHANGEABLE] if row else []
    new_siblings = [] if row else [(n, form.sibling_input(n, data)) for n in form.sibling_slots()]
    errors = form.errors_by_id()
    if (new_siblings or len(family) > 1) and not form.siblings_together.data:
        message = _("Choose whether the children go to the same location or each apart.")
        errors.setdefault("siblings_together", message)
        form.fail("siblings_together", message)
    if submit:
        kinds = {location.id: location.kind for location in locations}
        family_ids = {member.id for member in family} | {_id(row)}
        others = list(
            session.exec(select(ChildcareRequest).where(ChildcareRequest.id.not_in(family_ids)))
        )

        def rules(one: services.RequestInput, earlier=()) -> dict[str, str]:
            codes = services.validate_request(
                one,
                today=date.today(),
                max_preferences=limit,
                location_kinds=kinds,
                other_requests=[*others, *earlier],
                area_kinds=areas.known_areas(locations),
            )
            return words.error_messages(codes, limit)

        for key, message in rules(data).items():
            if key in errors:
                continue
            errors[key] = message
            if key in form:
                form.fail(key, message)
        earlier = [_unsaved(data)]
        for slot, sibling in new_siblings:
            _sibling_errors(form, errors, slot, sibling, rules(sibling, earlier))
            earlier.append(_unsaved(sibling))
        for member in following:
            _member_errors(errors, member, rules(siblings.with_child(data, member)))
    else:
        data.preferences = data.preferences[:limit]
        if data.area not in areas.known_areas(locations):
            data.area = data.area_kind = ""
        for _slot, sibling in new_siblings:
            sibling.preferences, sibling.area, sibling.area_kind = (
                data.preferences,
                data.area,
                data.area_kind,
            )
    if errors:
        return _request_page(form, row, status=422, errors=errors)
    changed_rows = [row, *following] if changing else []
    before = {m.id: services.request_snapshot(session, m) for m in changed_rows}

    def save(one: services.RequestInput, request: ChildcareRequest | None) -> ChildcareRequest:
        return services.save_request(
            session,
            one,
            request=request,
            submit=submit,
            origin=request.origin if request is not None else origin,
            parent_user_id=None if staff else g.user.id,
            actor=current_actor(),
        )

    saved = save(data, row)
    saved_siblings = [save(sibling, None) for _slot, sibling in new_siblings]
    saved_siblings += [save(siblings.with_child(data, member), member) for member in following]
    if new_siblings:
        siblings.link([saved, *saved_siblings], together=form.together)
    elif len(family) > 1:
        siblings.set_choice(session, family, together=form.together)
    session.flush()
    if changing:
        for changed_row in [saved, *saved_siblings]:
            _audit_change(session, changed_row, before[changed_row.id])
        session.commit()
        flash(_("Your changes were saved. Your registration date stays the same."))
        return redirect(_after_request_change(saved))
    for new_row in [saved, *saved_siblings]:
        audit.record(
            session,
            action="loket.request_submitted" if submit else "loket.request_draft_saved",
            object_type="loket_request",
            object_id=new_row.id,
            detail={"origin": new_row.origin},
            # Staff register and complete requests for parents who phone, write or call in.
            on_behalf_of=services.parent_of(new_row),
        )
        if submit:
            notifications.request_received(session, g.tenant, new_row)
    session.commit()
    if staff:
        flash(_("The request was saved."))
        return redirect(url_for("loket.request_detail", request_id=saved.id))
    if submit:  # the confirmation page names the reference and what happens next
        return redirect(url_for("loket.request_sent", request_id=saved.id))
    flash(_("Your draft was saved."))
    return redirect(url_for("loket.my_requests"))


@blueprint.get("/aanvraag/<uuid:request_id>/verstuurd")
@require_permission("loket.request")
def request_sent(request_id: uuid.UUID):
    """The confirmation after sending: a banner with the reference of every child's request and
    the steps that follow. Withdrawing is not offered here; it is on the parent's list."""
    row = _parents_own_request(request_id)
    if row.status == RequestStatus.DRAFT:
        return redirect(url_for("loket.my_requests"))
    children = siblings.members(db_session(), row)
    return render(
        "loket/request_sent.html",
        **_context(row=row, children=children, email=row.parent_email or g.user.email),
    )


# The fields of the first child's request that belong to a sibling's slot instead.
_CHILD_KEYS = {
    "child_first_name": "first_name",
    "child_last_name": "last_name",
    "birth_date": "birth_date",
    "expected_birth_date": "expected_birth_date",
}


def _sibling_errors(form, errors: dict, slot: int, sibling, messages: dict) -> None:
    """A sibling's errors on its own fields; a shared rule it breaks (too old for a chosen
    location) on its fieldset, naming the child."""
    for key, message in messages.items():
        if key in _CHILD_KEYS:
            name = f"sibling_{slot}_{_CHILD_KEYS[key]}"
            if name not in errors:
                errors[name] = message
                form.fail(name, message)
        elif key not in errors:
            child = sibling.child_first_name or _("brother or sister %(number)d", number=slot)
            errors.setdefault(
                f"sibling-{slot}", _("For %(child)s: %(message)s", child=child, message=message)
            )


def _member_errors(errors: dict, member: ChildcareRequest, messages: dict) -> None:
    """A change a brother's or sister's request cannot take (it follows the shared values)."""
    for message in messages.values():
        errors.setdefault(
            "family",
            _("For %(child)s: %(message)s", child=member.child_name or "—", message=message),
        )


def _unsaved(one: services.RequestInput) -> ChildcareRequest:
    """A child of this same form as the duplicate check sees it (never added to the session)."""
    return ChildcareRequest(
        child_first_name=one.child_first_name.strip(),
        child_last_name=one.child_last_name.strip(),
        birth_date=one.birth_date,
        expected_birth_date=one.expected_birth_date,
        status=RequestStatus.OPEN,
    )


def _audit_change(session, saved: ChildcareRequest, before: dict) -> None:
    changed = services.changed_fields(before, services.request_snapshot(session, saved))
    if "situation" in changed:
        saved.proof_checked = False  # a changed priority ground needs proof again
        session.add(saved)
    audit.record(
        session,
        action="loket.request_changed",
        object_type="loket_request",
        object_id=saved.id,
        detail={"changed": changed, "submitted_at": saved.submitted_at.isoformat()},
        on_behalf_of=services.parent_of(saved),
    )


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
    # The children of one request appear together, as one family request.
    views = {view["row"].id: view for view in _request_views(rows)}
    families = [
        {
            "views": [views[row.id] for row in group],
            "together": group[0].siblings_together,
            "several": len(group) > 1,
        }
        for group in siblings.grouped(rows)
    ]
    from plugins.loket.views.company_places import employee_places

    return render(
        "loket/my_requests.html", **_context(families=families, company_places=employee_places())
    )


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
    """The family no longer needs a place; a place proposed to it moves on.

    Only with the confirmation box ticked: the family loses its place in the order. A request
    of several children withdraws one child, or all of them (``scope=family``)."""
    _may_register()
    session = db_session()
    row = _own_request(request_id)
    form = forms.WithdrawForm()
    form.validate_on_submit()
    family = siblings.family_view(session, row)
    if not form.confirm.data:
        message = _("Tick the box to confirm that you want to withdraw the request.")
        return render(
            "loket/withdraw_confirm.html",
            **_context(
                view=_request_view(row),
                errors={f"confirm-{row.id}": message},
                staff=can("loket.manage"),
            ),
        ), 422
    targets = [row]
    if form.scope.data == "family" and family is not None:
        targets = family["withdrawable"]
    freed = []
    withdrawn = 0
    for target in targets:
        try:
            freed += services.withdraw_request(session, target)
        except services.InvalidTransition:
            continue
        withdrawn += 1
        audit.record(
            session,
            action="loket.request_withdrawn",
            object_type="loket_request",
            object_id=target.id,
            on_behalf_of=services.parent_of(target),
        )
    if not withdrawn:
        flash(_("This request can no longer be withdrawn."))
        return redirect(_after_request_change(row))
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
    form = forms.AnswerForm()
    if not form.validate_on_submit():
        abort(400)  # the page offers two buttons; anything else is not a person's answer
    location = session.get(Location, proposal.location_id)
    accepted = form.answer.data == "accept"
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
    notifications.proposal_answered(session, g.tenant, row, location, accepted=accepted)
    if not accepted:
        continuous.place_freed(session, g.tenant, [proposal.location_id], trigger="declined")
    session.commit()
    flash(_("You accepted the place.") if accepted else _("You declined the place."))
    return redirect(url_for("loket.my_requests"))
