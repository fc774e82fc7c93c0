"""The standing reserve for occasional and emergency care: places a location always keeps free.

Seed 002 asks that places for occasional and emergency care are *always kept free*. That is a
reserve per location, not a share taken from every report: a location keeps ``target`` places
held back, and a free-place report only tops the reserve up to its target. Once the reserve is
full every reported place is offered; when an emergency placement uses a reserved place, the
next report fills the gap first.

The target is the location's own number (``Location.reserve_places``) or, when it has none,
the tenant's ``occasional_quota_percent`` of its licensed capacity (rounded half up).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from plugins.loket.models import FreePlace, Location, LocationCapacity


@dataclass(frozen=True)
class Reserve:
    target: int  # places the location keeps free
    kept: int  # reported places held back now and not used by an emergency placement
    from_setting: bool  # the target comes from the tenant's percentage

    @property
    def missing(self) -> int:
        return max(0, self.target - self.kept)


def target_from_percent(capacity: int, percent: int) -> int:
    return (capacity * percent + 50) // 100  # rounded half up


def licensed_capacity(session, location: Location) -> int:
    total = session.exec(
        select(sa.func.coalesce(sa.func.sum(LocationCapacity.places), 0)).where(
            LocationCapacity.location_id == location.id
        )
    ).one()
    return int(total)


def reserve_of(session, location: Location, settings: dict) -> Reserve:
    """The location's reserve: its target and how many places it keeps free now."""
    kept = session.exec(
        select(
            sa.func.coalesce(sa.func.sum(FreePlace.held_back - FreePlace.emergency_taken), 0)
        ).where(FreePlace.location_id == location.id)
    ).one()
    if location.reserve_places is not None:
        target, from_setting = location.reserve_places, False
    else:
        capacity = licensed_capacity(session, location)
        target = target_from_percent(capacity, settings["occasional_quota_percent"])
        from_setting = True
    return Reserve(target=target, kept=int(kept), from_setting=from_setting)


def places_to_hold(reserve: Reserve, reported: int) -> int:
    """Of ``reported`` new places, how many go to the reserve (the rest are offered)."""
    return min(reported, reserve.missing)
