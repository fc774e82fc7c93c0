"""What a location offers: tariff, care needs it supports, opening days, area, capacity.

Loket staff keep any location up to date; a provider member only the locations of the
organisations they act for. ``forms.LocationForm`` checks what is typed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlmodel import select

from core.db import utcnow
from plugins.loket.areas import derived_area
from plugins.loket.location_import import import_key, set_capacity
from plugins.loket.models import DAY_PARTS, WEEKDAYS, Location, LocationCapacity

MAX_CAPACITY = 1000


@dataclass
class LocationInput:
    tariff: str = "income_related"
    care_needs: list[str] = field(default_factory=list)
    opening_days: list[str] = field(default_factory=list)
    day_parts: list[str] = field(default_factory=list)
    area: str = ""
    participates: bool = True
    capacity: dict[str, int] = field(default_factory=dict)  # age group → places (typed ones)
    reserve_places: int | None = None  # None: the tenant's setting
    contact_phone: str = ""
    contact_email: str = ""


def update_location(session, location: Location, data: LocationInput) -> None:
    location.tariff = data.tariff
    location.care_needs = sorted(data.care_needs)
    location.opening_days = [day for day in WEEKDAYS if day in data.opening_days]
    location.day_parts = [part for part in DAY_PARTS if part in data.day_parts]
    location.area = data.area
    location.participates = data.participates
    location.reserve_places = data.reserve_places
    location.contact_phone = data.contact_phone
    location.contact_email = data.contact_email
    location.updated_at = utcnow()
    session.add(location)
    current = {
        row.age_group: row
        for row in session.exec(
            select(LocationCapacity).where(LocationCapacity.location_id == location.id)
        )
    }
    for group, places in data.capacity.items():
        row = current.get(group) or LocationCapacity(location_id=location.id, age_group=group)
        row.places = places
        session.add(row)
    session.flush()


def capacities_of(session, location: Location) -> dict[str, int]:
    return {
        row.age_group: row.places
        for row in session.exec(
            select(LocationCapacity).where(LocationCapacity.location_id == location.id)
        )
    }


@dataclass
class NewLocation:
    name: str
    kind: str
    postcode: str
    address: str = ""
    municipality: str = ""
    provider_organisation_id: uuid.UUID | None = None
    capacity: int = 0  # licensed places, shared over the age groups as the CSV import does
    tariff: str = "income_related"
    vulnerable_subsidy: bool = False
    contact_phone: str = ""
    contact_email: str = ""


def create_location(session, data: NewLocation) -> Location | None:
    """Add a location by hand; ``None`` when one with that name and postcode exists (the CSV
    import would update it: the same key)."""
    key = import_key(data.name, data.postcode)
    if session.exec(select(Location.id).where(Location.import_key == key)).first() is not None:
        return None
    location = Location(
        name=data.name,
        kind=data.kind,
        postcode=data.postcode,
        address=data.address,
        municipality=data.municipality,
        area=derived_area(data.postcode, data.municipality),
        provider_organisation_id=data.provider_organisation_id,
        tariff=data.tariff,
        vulnerable_subsidy=data.vulnerable_subsidy,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        import_key=key,
    )
    session.add(location)
    session.flush()
    set_capacity(session, location, data.capacity, {})
    session.flush()
    return location
