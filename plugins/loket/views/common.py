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
from plugins.loket.models import (
    ChildcareRequest,
    FreePlace,
    Location,
    Placement,
    Preference,
    Proposal,
    ProposalStatus,
)

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
    """What a page shows of one request (its page lists every location of the tenant, e.g.
    for a priority deviation's location)."""
    session = db_session()
    family = siblings.family_view(session, row)
    return _request_views([row], families={row.id: family}, all_locations=True)[0]


def _request_views(
    rows: list[ChildcareRequest],
    *,
    families: dict[uuid.UUID, dict | None] | None = None,
    all_locations: bool = False,
) -> list[dict]:
    """What a page shows of each of ``rows``, in a constant number of queries: preferences,
    proposals, placements, free places and locations each in one query for all rows (issue 18:
    no query per request card). ``families`` gives each row's brothers and sisters; without it
    they are found among ``rows`` (a parent's page holds all of the parent's requests)."""
    if not rows:
        return []
    session = db_session()
    ids = [row.id for row in rows]
    preferences: dict[uuid.UUID, list[Preference]] = {row_id: [] for row_id in ids}
    for preference in session.exec(
        select(Preference).where(Preference.request_id.in_(ids)).order_by(Preference.rank)
    ):
        preferences[preference.request_id].append(preference)
    proposals: dict[uuid.UUID, list[Proposal]] = {row_id: [] for row_id in ids}
    for proposal in session.exec(
        select(Proposal)
        .where(Proposal.request_id.in_(ids))
        .order_by(Proposal.created_at, Proposal.id)
    ):
        proposals[proposal.request_id].append(proposal)
    placements = {
        placement.request_id: placement
        for placement in session.exec(select(Placement).where(Placement.request_id.in_(ids)))
    }
    free_place_ids = {placement.free_place_id for placement in placements.values()} | {
        proposal.free_place_id
        for found in proposals.values()
        for proposal in found
        if proposal.status == ProposalStatus.AWAITING_PARENT
    }
    # Loaded into the session, so offer_details' session.get finds them without a query.
    free_places = {
        place.id: place
        for place in (
            session.exec(select(FreePlace).where(FreePlace.id.in_(free_place_ids)))
            if free_place_ids
            else ()
        )
    }
    if all_locations:
        locations = {location.id: location for location in _locations()}
    else:
        wanted = _named_location_ids(rows, preferences, proposals, placements)
        locations = {
            location.id: location
            for location in (
                session.exec(select(Location).where(Location.id.in_(wanted))) if wanted else ()
            )
        }
    if families is None:
        groups = siblings.groups_of(rows)
        families = {
            row.id: siblings.family_of(row, groups.get(row.sibling_group_id, [row])) for row in rows
        }
    location_names = {str(location_id): loc.name for location_id, loc in locations.items()}
    return [
        _one_view(
            session,
            row,
            preferences[row.id],
            proposals[row.id],
            placements.get(row.id),
            free_places,
            locations,
            families.get(row.id),
            location_names,
        )
        for row in rows
    ]


def _named_location_ids(rows, preferences, proposals, placements) -> set[uuid.UUID]:
    """Every location the cards name: choices, offers, the place, and the round's notes."""
    wanted: set[uuid.UUID] = {p.location_id for found in preferences.values() for p in found}
    wanted |= {p.location_id for found in proposals.values() for p in found}
    wanted |= {placement.location_id for placement in placements.values()}
    notes = [note for row in rows for note in (row.round_explanation or {}).get("choices", [])]
    notes += [
        note
        for found in proposals.values()
        for proposal in found
        for note in (proposal.explanation or {}).get("higher_choices", [])
    ]
    for note in notes:
        try:
            wanted.add(uuid.UUID(str(note.get("location_id"))))
        except (ValueError, AttributeError):
            continue  # a note without a location names none
    return wanted


def _one_view(
    session,
    row: ChildcareRequest,
    preferences: list[Preference],
    proposals: list[Proposal],
    placement: Placement | None,
    free_places: dict[uuid.UUID, FreePlace],
    locations: dict[uuid.UUID, Location],
    family: dict | None,
    location_names: dict[str, str],
) -> dict:
    placed = None
    if placement is not None and placement.location_id in locations:
        free_place = free_places.get(placement.free_place_id)
        starts = [d for d in (row.desired_start, free_place and free_place.available_from) if d]
        placed_from = max(starts) if starts else placement.placed_at.date()
        if placement.emergency:
            placed_from = max(placement.placed_at.date(), free_place.available_from)
        placed = (placement, locations[placement.location_id], placed_from)
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
            if p.status == ProposalStatus.AWAITING_PARENT
        },
        "locations": locations,
        # The brothers and sisters sent in the same request, with the family's choice.
        "family": family,
        "location_names": location_names,
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
