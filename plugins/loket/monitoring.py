"""Figures for the municipality, computed by queries every time (no counters that drift)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from plugins.loket.allocation import DEFAULT_RULES
from plugins.loket.models import ChildcareRequest, FreePlace, Location, Preference, RequestStatus
from plugins.loket.monitoring_sql import (  # noqa: F401  (DaysSince, MonthOf: part of this API)
    AGE_GROUPS,
    WAITING,
    DaysBetween,
    DaysSince,
    MonthOf,
    age_group,
    is_waiting,
)
from plugins.loket.monitoring_trend import TrendMonth, monthly_trend
from plugins.loket.monitoring_waits import WaitingTimes, waiting_times

_age_group = age_group  # the older name, still used by tests
_is_waiting = is_waiting


@dataclass
class DashboardFigures:
    open_requests: int = 0
    placed: int = 0
    median_days_to_place: float | None = None
    vulnerable_placed_share: float | None = None
    tables: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    unmet: UnmetDemand | None = None
    # The share above, as counts (open data hides the share when either is small).
    vulnerable_total: int = 0
    vulnerable_placed: int = 0
    waits: WaitingTimes = field(default_factory=WaitingTimes)
    trend: list[TrendMonth] = field(default_factory=list)


def dashboard_figures(session, *, today: date) -> DashboardFigures:
    """The dashboard's figures, each a COUNT / GROUP BY in the database (issue 18): a fixed
    number of statements, whatever the number of requests."""
    unmet = unmet_demand(session, today=today)
    placed = ChildcareRequest.status == RequestStatus.PLACED
    placed_count = session.execute(
        sa.select(sa.func.count()).select_from(ChildcareRequest).where(placed)
    ).scalar_one()

    waits = waiting_times(session, today=today)

    vulnerable = _has_any_flag(DEFAULT_RULES["vulnerable_flags"])
    submitted = ChildcareRequest.status != RequestStatus.DRAFT
    vulnerable_total, vulnerable_placed = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((placed, 1), else_=0)), 0))
        .select_from(ChildcareRequest)
        .where(submitted, vulnerable)
    ).one()

    waiting = _is_waiting()
    month = MonthOf(ChildcareRequest.desired_start).label("month")
    by_month = session.execute(
        sa.select(month, sa.func.count())
        .where(waiting, ChildcareRequest.desired_start.is_not(None))
        .group_by(month)
        .order_by(month)
    ).all()
    left = FreePlace.places - FreePlace.held_back - FreePlace.taken
    free_by_kind = session.execute(
        sa.select(Location.kind, sa.func.sum(sa.case((left > 0, left), else_=0)))
        .select_from(FreePlace)
        .join(Location, Location.id == FreePlace.location_id)
        .group_by(Location.kind)
        .order_by(Location.kind)
    ).all()
    return DashboardFigures(
        unmet=unmet,
        open_requests=unmet.waiting,
        placed=placed_count,
        median_days_to_place=waits.to_place.median,
        vulnerable_placed_share=(
            round(100 * int(vulnerable_placed) / vulnerable_total) if vulnerable_total else None
        ),
        vulnerable_total=vulnerable_total,
        vulnerable_placed=int(vulnerable_placed),
        waits=waits,
        trend=monthly_trend(session, today=today),
        tables={
            "month": [(label, count) for label, count in by_month],
            "age_group": [(row.label, row.waiting) for row in unmet.by_age_group],
            "area": [(row.label, row.waiting) for row in unmet.by_area],
            "free_places": [(kind, int(count)) for kind, count in free_by_kind],
        },
    )


def _has_any_flag(flags) -> ColumnElement[bool]:
    """The request's situation (a JSON list of fixed identifiers) names one of ``flags``.

    Matched on the JSON text, portably: the flags are identifiers, so ``"flag"`` with its
    quotes cannot occur inside another value.
    """
    text = sa.cast(ChildcareRequest.situation, sa.Text)
    return sa.or_(*(text.like(f'%"{flag}"%') for flag in flags)) if flags else sa.false()


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


# --- Unmet demand (seed 003 §9): how many children lack a place, where, and since when ------------
#
# Every figure below is a COUNT / GROUP BY / MAX in the database, or (for a median) the one or two
# middle values fetched with LIMIT/OFFSET: no request is loaded (issue 18). A child "waits" while
# the request is open or has a proposal (not placed, not withdrawn, not a draft).

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class DemandRow:
    """One line of a table: a location, area or month, children waiting, of whom past their start."""

    label: str
    waiting: int
    past_wanted_start: int


@dataclass
class UnmetDemand:
    waiting: int = 0
    past_wanted_start: int = 0
    median_days_past_start: float | None = None
    longest_days_past_start: int | None = None
    median_days_since_registration: float | None = None
    longest_days_since_registration: int | None = None
    by_location: list[DemandRow] = field(default_factory=list)
    by_area: list[DemandRow] = field(default_factory=list)
    by_month: list[DemandRow] = field(default_factory=list)
    by_age_group: list[DemandRow] = field(default_factory=list)  # baby, toddler, schoolchild

    def headline(self) -> list[tuple[str, int | float | None]]:
        """The headline figures, by a stable key (the CSV export's rows)."""
        return [
            ("waiting", self.waiting),
            ("past_wanted_start", self.past_wanted_start),
            ("median_days_past_start", self.median_days_past_start),
            ("longest_days_past_start", self.longest_days_past_start),
            ("median_days_since_registration", self.median_days_since_registration),
            ("longest_days_since_registration", self.longest_days_since_registration),
        ]


def _past_start(today: date) -> ColumnElement[bool]:
    return ChildcareRequest.desired_start < today


def _count_past_start(today: date) -> ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((_past_start(today), 1), else_=0)), 0)


def _median(session, days: ColumnElement[int], where: list, count: int) -> float | None:
    """The median of ``days`` over ``count`` rows: only the middle one or two values travel."""
    if count == 0:
        return None
    middle = session.execute(
        sa.select(days)
        .select_from(ChildcareRequest)
        .where(*where)
        .order_by(days)
        .offset((count - 1) // 2)
        .limit(2 - count % 2)
    ).scalars()
    values = list(middle)
    median = sum(values) / len(values)
    return int(median) if median == int(median) else median


def _first_choice_join(statement):
    first = sa.orm.aliased(Preference)
    statement = statement.outerjoin(
        first, sa.and_(first.request_id == ChildcareRequest.id, first.rank == 1)
    ).outerjoin(Location, Location.id == first.location_id)
    return statement


def _area_label() -> ColumnElement[str]:
    """The area a waiting child counts in: the area asked for, else the first choice's area
    (the location's own area, else its postcode area), as ``areas.area_of`` says."""
    empty = sa.literal_column("''", sa.String)

    def trim(column):
        return sa.func.trim(column, type_=sa.String)

    return sa.case(
        (trim(ChildcareRequest.area) != empty, trim(ChildcareRequest.area)),
        (Location.id.is_(None), sa.literal_column("'-'", sa.String)),
        (trim(Location.area) != empty, trim(Location.area)),
        else_=trim(Location.postcode)
        + sa.literal_column("' '", sa.String)
        + trim(Location.municipality),
    )


def _month_starts(today: date, count: int) -> list[date]:
    first = date(today.year, today.month, 1)
    months = []
    for back in range(count - 1, -1, -1):
        index = first.year * 12 + first.month - 1 - back
        months.append(date(index // 12, index % 12 + 1, 1))
    return months


def trend_pairs(months: list[TrendMonth]) -> list[tuple[str, int]]:
    """(month, children still waiting at its end) for ``bars``."""
    return [(month.month, month.waiting_at_end) for month in months]


def demand_pairs(rows: list[DemandRow]) -> list[tuple[str, int]]:
    """(label, children waiting) for ``bars``."""
    return [(row.label, row.waiting) for row in rows]


def unmet_demand(session, *, today: date) -> UnmetDemand:
    """How many children lack a place, where (first choice, area), and since when."""
    waiting = _is_waiting()
    total, past = session.execute(
        sa.select(sa.func.count(), _count_past_start(today))
        .select_from(ChildcareRequest)
        .where(waiting)
    ).one()
    demand = UnmetDemand(waiting=total, past_wanted_start=int(past))

    past_days = DaysSince(ChildcareRequest.desired_start, today)
    past_where = [waiting, _past_start(today)]
    demand.longest_days_past_start = session.execute(
        sa.select(sa.func.max(past_days)).select_from(ChildcareRequest).where(*past_where)
    ).scalar()
    demand.median_days_past_start = _median(session, past_days, past_where, int(past))

    registered_days = DaysSince(ChildcareRequest.submitted_at, today)
    registered_where = [waiting, ChildcareRequest.submitted_at.is_not(None)]
    registered, longest = session.execute(
        sa.select(sa.func.count(), sa.func.max(registered_days))
        .select_from(ChildcareRequest)
        .where(*registered_where)
    ).one()
    demand.longest_days_since_registration = longest
    demand.median_days_since_registration = _median(
        session, registered_days, registered_where, registered
    )

    per_location = session.execute(
        _first_choice_join(
            sa.select(Location.name, sa.func.count(), _count_past_start(today)).select_from(
                ChildcareRequest
            )
        )
        .where(waiting)
        .group_by(Location.id, Location.name)
    ).all()
    demand.by_location = sorted(
        (DemandRow(name or "", count, int(late)) for name, count, late in per_location),
        key=lambda row: (row.label == "", row.label.lower()),
    )

    area = _area_label().label("area")
    per_area = session.execute(
        _first_choice_join(
            sa.select(area, sa.func.count(), _count_past_start(today)).select_from(ChildcareRequest)
        )
        .where(waiting)
        .group_by(area)
    ).all()
    demand.by_area = sorted(
        (DemandRow(label, count, int(late)) for label, count, late in per_area),
        key=lambda row: row.label.lower(),
    )

    group = age_group().label("age_group")
    per_group = {
        label: (count, int(late))
        for label, count, late in session.execute(
            sa.select(group, sa.func.count(), _count_past_start(today))
            .select_from(ChildcareRequest)
            .where(waiting)
            .group_by(group)
        ).all()
    }
    demand.by_age_group = [
        DemandRow(label, *per_group[label]) for label in AGE_GROUPS if label in per_group
    ]

    months = _month_starts(today, MONTHS_SHOWN)
    following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    month = MonthOf(ChildcareRequest.desired_start).label("month")
    per_month = {
        label: (count, int(late))
        for label, count, late in session.execute(
            sa.select(month, sa.func.count(), _count_past_start(today))
            .where(
                waiting,
                ChildcareRequest.desired_start >= months[0],
                ChildcareRequest.desired_start < following,
            )
            .group_by(month)
        ).all()
    }
    demand.by_month = [
        DemandRow(start.strftime("%Y-%m"), *per_month.get(start.strftime("%Y-%m"), (0, 0)))
        for start in months
    ]
    return demand
