"""What a location offers: tariff, care needs it supports, opening days, area, capacity.

Loket staff keep any location up to date; a provider member only the locations of the
organisations they act for. Errors come back as codes per field, as for requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from core.db import utcnow
from plugins.loket.models import (
    AGE_GROUPS,
    CARE_NEEDS,
    DAY_PARTS,
    TARIFFS,
    WEEKDAYS,
    Location,
    LocationCapacity,
)

MAX_CAPACITY = 1000


@dataclass
class LocationInput:
    tariff: str = "income_related"
    care_needs: list[str] = field(default_factory=list)
    opening_days: list[str] = field(default_factory=list)
    day_parts: list[str] = field(default_factory=list)
    area: str = ""
    participates: bool = True
    capacity: dict[str, str] = field(default_factory=dict)  # age group → the typed number


def read_location_form(form) -> LocationInput:
    return LocationInput(
        tariff=form.get("tariff", ""),
        care_needs=[need for need in form.getlist("care_needs") if need in CARE_NEEDS],
        opening_days=[day for day in form.getlist("opening_days") if day in WEEKDAYS],
        day_parts=[part for part in form.getlist("day_parts") if part in DAY_PARTS],
        area=" ".join(form.get("area", "").split()),
        participates=form.get("participates") == "yes",
        capacity={group: form.get(f"capacity-{group}", "").strip() for group in AGE_GROUPS},
    )


def validate_location(data: LocationInput) -> tuple[dict[str, int], dict[str, str]]:
    """(age group → places, field id → error code)."""
    errors: dict[str, str] = {}
    if data.tariff not in TARIFFS:
        errors["tariff"] = "tariff_invalid"
    if not data.opening_days:
        errors["opening_days"] = "opening_days_required"
    if not data.day_parts:
        errors["day_parts"] = "day_parts_required"
    if len(data.area) > 100:
        errors["area"] = "area_too_long"
    capacity: dict[str, int] = {}
    for group, raw in data.capacity.items():
        if not raw:
            continue
        try:
            places = int(raw)
            if not 0 <= places <= MAX_CAPACITY:
                raise ValueError
        except ValueError:
            errors[f"capacity-{group}"] = "capacity_invalid"
            continue
        capacity[group] = places
    return capacity, errors


def update_location(
    session, location: Location, data: LocationInput, capacity: dict[str, int]
) -> None:
    location.tariff = data.tariff
    location.care_needs = sorted(data.care_needs)
    location.opening_days = [day for day in WEEKDAYS if day in data.opening_days]
    location.day_parts = [part for part in DAY_PARTS if part in data.day_parts]
    location.area = data.area
    location.participates = data.participates
    location.updated_at = utcnow()
    session.add(location)
    current = {
        row.age_group: row
        for row in session.exec(
            select(LocationCapacity).where(LocationCapacity.location_id == location.id)
        )
    }
    for group, places in capacity.items():
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
