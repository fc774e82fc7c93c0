"""The loket's blueprint and what its resource modules share.

Who sees what: parents (``loket.request``) their own requests; loket staff (``loket.manage``)
everything of the municipality; provider members (``loket.places``) only the locations of the
organisations they act for.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import Blueprint, abort, g
from sqlmodel import select

from core.identity.access import acting_organisations, can
from core.rendering import render
from core.web import db_session, tenant_hooks
from plugins.loket import services, siblings, words
from plugins.loket.models import ChildcareRequest, FreePlace, Location, Placement, Proposal

blueprint = Blueprint("loket", __name__, url_prefix="/loket")


def settings() -> dict:
    from plugins.loket.tenant_settings import loket_settings

    return loket_settings(db_session())


def _context(**context) -> dict:
    context.setdefault("labels", words.labels())
    context.setdefault("needs_text", words.care_needs_text)
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


def _request_view(row: ChildcareRequest) -> dict:
    session = db_session()
    locations = {location.id: location for location in _locations()}
    proposals = list(
        session.exec(
            select(Proposal).where(Proposal.request_id == row.id).order_by(Proposal.created_at)
        )
    )
    placement = session.exec(select(Placement).where(Placement.request_id == row.id)).first()
    placed = None
    if placement is not None and placement.location_id in locations:
        free_place = session.get(FreePlace, placement.free_place_id)
        starts = [d for d in (row.desired_start, free_place and free_place.available_from) if d]
        placed_from = max(starts) if starts else placement.placed_at.date()
        if placement.emergency:
            placed_from = max(placement.placed_at.date(), free_place.available_from)
        placed = (placement, locations[placement.location_id], placed_from)
    preferences = services.preferences_of(session, row.id)
    explained = row.round_explanation or {}
    return {
        "explained_at": datetime.fromisoformat(explained["run_at"]) if explained else None,
        "row": row,
        "state": services.request_state(row, preferences),
        "placement": placed,
        "preferences": [(p, locations.get(p.location_id)) for p in preferences],
        "proposals": [(p, locations.get(p.location_id)) for p in proposals],
        # What the family needs to decide on each place offered to it.
        "offers": {
            p.id: services.offer_details(session, row, p)
            for p in proposals
            if p.status == "awaiting_parent"
        },
        "locations": locations,
        # The brothers and sisters sent in the same request, with the family's choice.
        "family": siblings.family_view(session, row),
        "location_names": {str(location_id): loc.name for location_id, loc in locations.items()},
    }


def reserved_places() -> list:
    """Places other plugins hold for their own families (company places, a CKG's)."""
    return [
        place
        for places in tenant_hooks().reserved_places(tenant=g.tenant, session=db_session())
        for place in places or ()
    ]


@blueprint.get("/")
def index():
    return render("loket/index.html", **_context())
