"""A provider changes or withdraws a free-place report it made (loket staff may too).

A report's places fall into four parts: taken (a child accepted or was placed in an emergency),
proposed (a proposal waits for the provider or the parent), held back (the standing reserve,
see :mod:`plugins.loket.reserve`) and offered (open to families). A change never goes below
what is taken or proposed; fewer places first leave the offered part, then the unused reserve.
Withdrawing removes every place not taken or proposed. Once places of a report are taken or
proposed, its date and days stay as they were: the children placed started on them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import select

from core.db import lock_row
from plugins.loket import reserve
from plugins.loket.models import FreePlace, Location, LocationCapacity, Proposal, ProposalStatus
from plugins.loket.services import OverCapacity


class BelowUsed(Exception):
    """Fewer places than are already taken or proposed."""

    def __init__(self, used: int) -> None:
        super().__init__(f"{used} places are taken or proposed")
        self.used = used


class TermsFixed(Exception):
    """The date or days of a report with taken or proposed places cannot change."""


@dataclass(frozen=True)
class Use:
    """How a report's places are used now."""

    places: int
    taken: int  # regular and emergency
    proposed: int
    reserve: int  # held back and not used by an emergency placement

    @property
    def used(self) -> int:
        return self.taken + self.proposed

    @property
    def offered(self) -> int:
        return max(0, self.places - self.used - self.reserve)


def use_of(session, free_place: FreePlace) -> Use:
    proposed = session.exec(
        select(sa.func.count()).where(
            Proposal.free_place_id == free_place.id, Proposal.status.in_(ProposalStatus.OPEN)
        )
    ).one()
    return Use(
        places=free_place.places,
        taken=free_place.taken + free_place.emergency_taken,
        proposed=int(proposed),
        reserve=free_place.held_back - free_place.emergency_taken,
    )


def _locked(session, free_place_id: uuid.UUID) -> FreePlace:
    # Locked first: an acceptance or another tab changing the same report waits for us.
    return lock_row(session, FreePlace, free_place_id)


def _snapshot(free_place: FreePlace) -> dict:
    return {
        "places": free_place.places,
        "held_back": free_place.held_back,
        "available_from": free_place.available_from.isoformat(),
        "days": list(free_place.days),
    }


def change_free_place(
    session,
    free_place_id: uuid.UUID,
    *,
    places: int,
    available_from: date,
    days: list[str],
    quota_percent: int,
) -> tuple[dict, dict]:
    """Change a report's number of places, date and days; return (before, after) for the audit.

    Raises :class:`BelowUsed`, :class:`TermsFixed`, or :class:`OverCapacity` when more places
    would exceed the location's licensed places for the age group."""
    free_place = _locked(session, free_place_id)
    before = _snapshot(free_place)
    use = use_of(session, free_place)
    if places < use.used:
        raise BelowUsed(use.used)
    new_terms = available_from != free_place.available_from or sorted(days) != sorted(
        free_place.days
    )
    if new_terms and use.used:
        raise TermsFixed()
    more = places - free_place.places
    location = session.get(Location, free_place.location_id)
    if more > 0:
        licensed = session.exec(
            select(LocationCapacity.places).where(
                LocationCapacity.location_id == location.id,
                LocationCapacity.age_group == free_place.age_group,
            )
        ).first()
        reported = session.exec(
            select(sa.func.coalesce(sa.func.sum(FreePlace.places), 0)).where(
                FreePlace.location_id == location.id,
                FreePlace.age_group == free_place.age_group,
            )
        ).one()
        if reported + more > (licensed or 0):
            raise OverCapacity(licensed or 0, int(reported))
        standing = reserve.reserve_of(
            session, location, {"occasional_quota_percent": quota_percent}
        )
        free_place.held_back += reserve.places_to_hold(standing, more)
    else:
        # Fewer places: the offered ones go first, then what the reserve does not use.
        free_place.held_back = min(free_place.held_back, places - free_place.taken - use.proposed)
    free_place.places = places
    free_place.available_from = available_from
    free_place.days = sorted(days)
    session.add(free_place)
    session.flush()
    return before, _snapshot(free_place)


def withdraw_free_place(session, free_place_id: uuid.UUID) -> tuple[dict, dict]:
    """Remove every place of the report that is not taken or proposed (the unused reserve too);
    return (before, after) for the audit."""
    free_place = _locked(session, free_place_id)
    before = _snapshot(free_place)
    use = use_of(session, free_place)
    free_place.places = use.used
    free_place.held_back = free_place.emergency_taken
    session.add(free_place)
    session.flush()
    return before, _snapshot(free_place)
