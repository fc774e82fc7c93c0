"""What a provider sees of its own locations: occupancy per age group and the children placed.

Per age group: the licensed places, the children placed (emergency placements count too), the
proposals still open, the reported places still offered to families, and the standing reserve
(held back for occasional and emergency care, not yet used). Only the locations asked for are
read; the view passes the provider's own.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import select

from plugins.loket.models import (
    AGE_GROUPS,
    ChildcareRequest,
    FreePlace,
    LocationCapacity,
    Placement,
    Proposal,
    ProposalStatus,
)


@dataclass
class AgeGroupOccupancy:
    age_group: str
    licensed: int = 0
    placed: int = 0  # every placed child, emergency placements included
    emergency: int = 0  # of ``placed``
    proposed: int = 0  # proposals waiting for the provider or the parent
    offered: int = 0  # reported places not taken, proposed or held back: open to families
    reserve: int = 0  # held back for occasional and emergency care and not used


@dataclass(frozen=True)
class PlacedChild:
    name: str
    start: date
    age_group: str
    emergency: bool


@dataclass
class LocationOccupancy:
    groups: list[AgeGroupOccupancy] = field(default_factory=list)
    children: list[PlacedChild] = field(default_factory=list)


def placed_from(request: ChildcareRequest, free_place: FreePlace, placement: Placement) -> date:
    """The child's first day: the wanted start, or later when the place frees up later; an
    emergency placement starts at once (or when its place is free)."""
    if placement.emergency:
        return max(placement.placed_at.date(), free_place.available_from)
    starts = [d for d in (request.desired_start, free_place.available_from) if d]
    return max(starts) if starts else placement.placed_at.date()


def occupancy_of(
    session, location_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, LocationOccupancy]:
    """Each location's occupancy per age group and its placed children (by first day)."""
    ids = list(location_ids)
    groups: dict[uuid.UUID, dict[str, AgeGroupOccupancy]] = {loc: {} for loc in ids}
    found = {loc: LocationOccupancy() for loc in ids}
    if not ids:
        return found

    def group(location_id: uuid.UUID, age_group: str) -> AgeGroupOccupancy:
        return groups[location_id].setdefault(age_group, AgeGroupOccupancy(age_group))

    for capacity in session.exec(
        select(LocationCapacity).where(LocationCapacity.location_id.in_(ids))
    ):
        group(capacity.location_id, capacity.age_group).licensed += capacity.places
    free_places = {
        row.id: row for row in session.exec(select(FreePlace).where(FreePlace.location_id.in_(ids)))
    }
    pending = dict(
        session.exec(
            select(Proposal.free_place_id, sa.func.count())
            .where(Proposal.location_id.in_(ids), Proposal.status.in_(ProposalStatus.OPEN))
            .group_by(Proposal.free_place_id)
        ).all()
    )
    for row in free_places.values():
        counts = group(row.location_id, row.age_group)
        proposed = pending.get(row.id, 0)
        counts.proposed += proposed
        counts.offered += max(0, row.places - row.taken - row.held_back - proposed)
        counts.reserve += row.held_back - row.emergency_taken
    for placement, request in session.exec(
        select(Placement, ChildcareRequest)
        .join(ChildcareRequest, ChildcareRequest.id == Placement.request_id)
        .where(Placement.location_id.in_(ids))
    ):
        free_place = free_places[placement.free_place_id]
        counts = group(placement.location_id, free_place.age_group)
        counts.placed += 1
        counts.emergency += int(placement.emergency)
        found[placement.location_id].children.append(
            PlacedChild(
                name=request.child_name,
                start=placed_from(request, free_place, placement),
                age_group=free_place.age_group,
                emergency=placement.emergency,
            )
        )
    for location_id, occupancy in found.items():
        occupancy.groups = [
            groups[location_id][age_group]
            for age_group in AGE_GROUPS
            if age_group in groups[location_id]
        ]
        occupancy.children.sort(key=lambda child: (child.start, child.name.lower()))
    return found
