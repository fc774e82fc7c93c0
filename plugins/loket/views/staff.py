"""Loket staff: the work list of requests and one request's page — proof, a hand-off to a CKG,
an emergency placement."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlmodel import select

from core import audit
from core.identity.access import require_permission
from core.rendering import announce_when_swapped, render
from core.web import db_session
from plugins.loket import (
    areas,
    ckg_hand_off,
    forms,
    notifications,
    priority,
    services,
    words,
)
from plugins.loket import work_list as work_list_query
from plugins.loket.models import (
    CARE_NEEDS,
    ORIGINS,
    SITUATION_FLAGS,
    ChildcareRequest,
    FreePlace,
    Location,
    RequestStatus,
)
from plugins.loket.views.common import (
    _context,
    _locations,
    _own_request,
    _request_view,
    blueprint,
)
from plugins.loket.views.priority import ground_labels

# A row's address is the page's one address with this id replaced: url_for per row cost the
# work list more than its query (#18).
ROW_ID = uuid.UUID(int=0)


@blueprint.get("/werklijst")
@require_permission("loket.manage")
def work_list():
    """The requests page by page; the database filters, counts and pages (issue 18)."""
    args = request.args
    filters = forms.WorkListFilters(formdata=args)
    filters.validate()  # a filter that does not parse is left out
    where = work_list_query.conditions(
        args, location_id=filters.location.data, month=filters.value("month")
    )
    requested = filters.page.data if not filters.page.errors and filters.page.data else 1
    found = work_list_query.page_of(db_session(), where, requested)
    query = {key: value for key, value in args.items() if key != "page" and value}
    locations = _locations()
    page = render(
        "loket/work_list.html",
        block="results",
        **_context(
            rows=found.rows,
            total=found.total,
            page=found.page,
            pages=found.pages,
            has_next=found.has_next,
            count_limit=work_list_query.COUNT_LIMIT,
            query=query,
            filters=args,
            locations=locations,
            statuses=RequestStatus.ALL,
            origins=ORIGINS,
            areas=list(areas.known_areas(locations)),
            situations=[f for f in SITUATION_FLAGS if f != "sibling"],
            care_needs=CARE_NEEDS,
            priority_summary=priority.summary,
            ground_labels=ground_labels(),
            ROW_ID=ROW_ID,
        ),
    )
    if found.total is None:
        said = _(
            "More than %(count)d requests: filter or search to narrow the list",
            count=work_list_query.COUNT_LIMIT,
        )
    else:
        said = ngettext("%(num)d request found", "%(num)d requests found", found.total)
    return announce_when_swapped(page, said)


@blueprint.get("/aanvragen/<uuid:request_id>")
@require_permission("loket.manage")
def request_detail(request_id: uuid.UUID):
    return _request_detail_page(_own_request(request_id))


def _request_detail_page(
    row: ChildcareRequest,
    status: int = 200,
    form: forms.CkgHandOffForm | None = None,
    errors: dict | None = None,
    priority_errors: dict | None = None,
):
    from plugins.loket.views.priority import priority_facts

    view = _request_view(row)
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
            view=view,
            priority=priority_facts(db_session(), row, view["preferences"]),
            priority_errors=priority_errors or {},
            emergency_places=emergency_places,
            ckg_enabled=ckg_enabled,
            ckgs=ckg_hand_off.ckg_organisations(db_session()) if ckg_enabled else [],
            urgencies=ckg_hand_off.URGENCIES,
            ckg_form=form or forms.CkgHandOffForm(formdata=None),
            errors=errors or {},
        ),
    ), status


@blueprint.post("/aanvragen/<uuid:request_id>/bewijs")
@require_permission("loket.manage")
def mark_proof_checked(request_id: uuid.UUID):
    row = _own_request(request_id)
    form = forms.ProofForm()
    if not form.validate_on_submit():
        abort(400)
    row.proof_checked = form.proof_checked.data
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
    form = forms.CkgHandOffForm()
    if form.validate_on_submit():
        data = form.hand_off_input()
        for key, message in words.error_messages(ckg_hand_off.validate(data)).items():
            form.fail(key, message)
    if not form.errors:
        try:
            ckg_hand_off.hand_to_ckg(session, row, data, referrer=g.user.id)
        except ValueError as refusal:
            session.rollback()
            form.fail(
                "ckg_organisation_id",
                _("The CKG could not take the family on: %(reason)s", reason=str(refusal)),
            )
    if form.errors:
        return _request_detail_page(
            _own_request(request_id), 422, form=form, errors=form.errors_by_id()
        )
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
    notifications.proof_requested(session, g.tenant, row)
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
    form = forms.EmergencyPlaceForm()
    valid = form.validate_on_submit()
    free_place = session.get(FreePlace, form.free_place_id.data) if valid else None
    if free_place is None:
        abort(404)
    try:
        placement = services.emergency_placement(session, row, free_place)
    except services.EmergencyRefused as refused:
        session.rollback()
        message = words.error_messages({"free_place_id": refused.code})["free_place_id"]
        return _request_detail_page(row, 422, errors={"free_place_id": message})
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
    location = session.get(Location, free_place.location_id)
    notifications.emergency_placed_to_parent(session, g.tenant, row, location, free_place)
    notifications.emergency_placed_to_provider(session, g.tenant, row, location, free_place)
    session.commit()
    flash(_("The child was placed in an emergency place."))
    return redirect(url_for("loket.request_detail", request_id=request_id))
