"""Areas (deelgemeenten or postcode areas): a family may name one instead of ranking locations.

A location's area is what the import or the provider gave, else its postcode area
("9320 Erembodegem"). An area request is expanded to the area's locations — of the chosen
type, fit for the child's age — in alphabetical order of their names (then id, for equal names),
so the same data always gives the same order and the explanation can say which order it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from plugins.loket.models import Location

# Mirrors of the request validation limits (kept here to avoid an import cycle with services).
MAX_MONTHS_BABY_CARE = 36
MIN_MONTHS_SCHOOL_CARE = 30
AREA_ORDER = "location_name"


def derived_area(postcode: str, municipality: str) -> str:
    """The postcode area of an address: "9320 Erembodegem"."""
    return " ".join(f"{postcode.strip()} {municipality.strip()}".split())[:100]


def area_of(location: Location) -> str:
    return location.area.strip() or derived_area(location.postcode, location.municipality)


def known_areas(locations: Iterable[Location]) -> dict[str, set[str]]:
    """Area → the location types found there (only participating locations count)."""
    found: dict[str, set[str]] = {}
    for location in locations:
        if location.participates and area_of(location):
            found.setdefault(area_of(location), set()).add(location.kind)
    return dict(sorted(found.items()))


def age_fits(months: int, kind: str) -> bool:
    """Whether a child of ``months`` at the start may go to a location of ``kind``."""
    if kind == "buitenschoolse_opvang":
        return months >= MIN_MONTHS_SCHOOL_CARE
    return months < MAX_MONTHS_BABY_CARE


def area_locations(
    locations: Iterable[Location],
    area: str,
    *,
    kind: str = "",
    months_at_start: int | None = None,
) -> list[Location]:
    """The locations an area request stands for, in the documented order (see module doc)."""
    chosen = [
        location
        for location in locations
        if location.participates
        and area_of(location) == area
        and (not kind or location.kind == kind)
        and (months_at_start is None or age_fits(months_at_start, location.kind))
    ]
    return sorted(chosen, key=lambda location: (location.name.lower(), location.id.int))


def area_location_ids(
    locations: Iterable[Location], area: str, *, kind: str, birth: date, start: date
) -> list[uuid.UUID]:
    from plugins.loket.allocation import months_between

    months = months_between(birth, start)
    return [
        location.id
        for location in area_locations(locations, area, kind=kind, months_at_start=months)
    ]
