"""Waiting time: median and 90th percentile, overall and per age group, counted by the database.

Two waits are measured in whole days:

* **to a place**: from submission to placement, for every placed child;
* **so far**: from submission until today, for every child still waiting.

A percentile is interpolated between the two values around its rank (as PostgreSQL's
``percentile_cont`` and Python's ``statistics.quantiles(method="inclusive")`` do). The database
ranks the values with window functions (``ROW_NUMBER``/``COUNT … OVER (PARTITION BY …)``, on
SQLite and PostgreSQL alike) and returns only the rows at those ranks: at most four per group,
whatever the number of requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from plugins.loket.models import ChildcareRequest, RequestStatus
from plugins.loket.monitoring_sql import DaysBetween, DaysSince, age_group, is_waiting

PERCENTS = (50, 90)


@dataclass(frozen=True)
class WaitStats:
    """How many children, and the median and 90th percentile of their wait (days)."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass
class WaitingTimes:
    to_place: WaitStats = field(default_factory=WaitStats)
    so_far: WaitStats = field(default_factory=WaitStats)
    to_place_by_age: dict[str, WaitStats] = field(default_factory=dict)
    so_far_by_age: dict[str, WaitStats] = field(default_factory=dict)


def waiting_times(session, *, today: date) -> WaitingTimes:
    """Both waits, overall and per age group, in four statements."""
    placed_days = DaysBetween(ChildcareRequest.submitted_at, ChildcareRequest.placed_at)
    placed_where = [
        ChildcareRequest.status == RequestStatus.PLACED,
        ChildcareRequest.placed_at.is_not(None),
        ChildcareRequest.submitted_at.is_not(None),
    ]
    waiting_days = DaysSince(ChildcareRequest.submitted_at, today)
    waiting_where = [is_waiting(), ChildcareRequest.submitted_at.is_not(None)]
    everyone = sa.literal_column("'all'", sa.String)
    return WaitingTimes(
        to_place=_stats(session, placed_days, everyone, placed_where).get("all", WaitStats()),
        so_far=_stats(session, waiting_days, everyone, waiting_where).get("all", WaitStats()),
        to_place_by_age=_stats(session, placed_days, age_group(), placed_where),
        so_far_by_age=_stats(session, waiting_days, age_group(), waiting_where),
    )


def _stats(
    session,
    days: ColumnElement[int],
    group: ColumnElement[str],
    where: list,
    *,
    joined=lambda statement: statement,
) -> dict[str, WaitStats]:
    """Count, median and 90th percentile of ``days`` per ``group``, in one statement;
    ``joined`` adds the joins ``group`` needs (as the area's first-choice join)."""
    values = (
        joined(sa.select(group.label("grp"), days.label("days")).select_from(ChildcareRequest))
        .where(*where)
        .subquery()
    )
    ranked = sa.select(
        values.c.grp,
        values.c.days,
        (sa.func.row_number().over(partition_by=values.c.grp, order_by=values.c.days) - 1).label(
            "pos"
        ),
        sa.func.count().over(partition_by=values.c.grp).label("n"),
    ).subquery()
    # The ranks around each percentile: floor and ceiling of p * (n - 1) / 100, in integers.
    wanted = []
    for percent in PERCENTS:
        scaled = (ranked.c.n - 1) * percent
        wanted += [ranked.c.pos == scaled // 100, ranked.c.pos == (scaled + 99) // 100]
    rows = session.execute(
        sa.select(ranked.c.grp, ranked.c.n, ranked.c.pos, ranked.c.days).where(sa.or_(*wanted))
    ).all()
    found: dict[str, tuple[int, dict[int, int]]] = {}
    for grp, count, position, value in rows:
        found.setdefault(grp, (int(count), {}))[1][int(position)] = int(value)
    return {
        grp: WaitStats(count, *(_interpolate(count, at, percent) for percent in PERCENTS))
        for grp, (count, at) in found.items()
    }


def _interpolate(count: int, at: dict[int, int], percent: int) -> float:
    scaled = (count - 1) * percent
    lower, fraction = divmod(scaled, 100)
    low = at[lower]
    high = at.get(lower + 1, low) if fraction else low
    value = round(low + (high - low) * fraction / 100, 1)
    return int(value) if value == int(value) else value
