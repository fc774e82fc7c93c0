"""Figures for the municipality, computed by queries every time (no counters that drift)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import select

from plugins.loket.allocation import DEFAULT_RULES, age_group_for
from plugins.loket.areas import area_of
from plugins.loket.models import ChildcareRequest, FreePlace, Location, Preference, RequestStatus

WAITING = (RequestStatus.OPEN, RequestStatus.PROPOSED)


@dataclass
class DashboardFigures:
    open_requests: int = 0
    placed: int = 0
    median_days_to_place: float | None = None
    vulnerable_placed_share: float | None = None
    tables: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def dashboard_figures(session, *, today: date) -> DashboardFigures:
    requests = list(session.exec(select(ChildcareRequest)))
    waiting = [r for r in requests if r.status in WAITING]
    placed = [r for r in requests if r.status == RequestStatus.PLACED]
    vulnerable_flags = set(DEFAULT_RULES["vulnerable_flags"])
    vulnerable = [
        r for r in requests if r.status != RequestStatus.DRAFT and _vulnerable(r, vulnerable_flags)
    ]
    vulnerable_placed = [r for r in vulnerable if r.status == RequestStatus.PLACED]
    waits = sorted(
        (r.placed_at - r.submitted_at).days for r in placed if r.placed_at and r.submitted_at
    )
    by_month = Counter(
        r.desired_start.strftime("%Y-%m") for r in waiting if r.desired_start is not None
    )
    by_age = Counter(
        age_group_for(r.reference_birth_date, r.desired_start, "groepsopvang")
        if r.reference_birth_date and r.desired_start
        else "unknown"
        for r in waiting
    )
    locations = {loc.id: loc for loc in session.exec(select(Location))}
    # An area request counts in its area; a request for locations in its first choice's area.
    first_choice = dict(
        session.exec(
            select(Preference.request_id, Preference.location_id).where(Preference.rank == 1)
        ).all()
    )
    by_area = Counter(_area_of_request(r, first_choice, locations) for r in waiting)
    free_by_kind: Counter[str] = Counter()
    kinds = {loc.id: loc.kind for loc in locations.values()}
    for place in session.exec(select(FreePlace)):
        free_by_kind[kinds.get(place.location_id, "-")] += max(
            0, place.places - place.held_back - place.taken
        )
    return DashboardFigures(
        open_requests=len(waiting),
        placed=len(placed),
        median_days_to_place=waits[len(waits) // 2] if waits else None,
        vulnerable_placed_share=(
            round(100 * len(vulnerable_placed) / len(vulnerable)) if vulnerable else None
        ),
        tables={
            "month": sorted(by_month.items()),
            "age_group": sorted(by_age.items()),
            "area": sorted(by_area.items()),
            "free_places": sorted(free_by_kind.items()),
        },
    )


def _area_of_request(request: ChildcareRequest, first_choice: dict, locations: dict) -> str:
    if request.area:
        return request.area
    location = locations.get(first_choice.get(request.id))
    return area_of(location) if location is not None else "-"


def _vulnerable(request: ChildcareRequest, flags: set[str]) -> bool:
    return bool(set(request.situation) & flags)


def bars(rows: list[tuple[str, int]], *, width: int = 400, bar_height: int = 22) -> list[dict]:
    """Geometry for a server-rendered SVG bar chart (no inline styles: attributes only)."""
    top = max((value for _, value in rows), default=0) or 1
    return [
        {
            "label": label,
            "value": value,
            "y": index * (bar_height + 6),
            "width": round(width * value / top),
            "height": bar_height,
        }
        for index, (label, value) in enumerate(rows)
    ]
