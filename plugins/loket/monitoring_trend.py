"""The trend over the last twelve months, one statement for all of them.

Per calendar month (Belgian time): requests submitted, children placed, children still waiting
at the end of the month, and of those the ones whose wanted start had passed by then. The
current month ends today.

What the record allows: a request keeps its submission and placement moments, not when it was
withdrawn. A withdrawn request therefore counts as submitted in its month but never as waiting
at a month's end (an undercount for the months it waited before withdrawal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from core.local_time import LOCAL_ZONE
from plugins.loket.models import ChildcareRequest, RequestStatus
from plugins.loket.monitoring_sql import WAITING

MONTHS = 12


@dataclass(frozen=True)
class TrendMonth:
    month: str  # "YYYY-MM"
    submitted: int
    placed: int
    waiting_at_end: int
    past_start_at_end: int


def _local_midnight(day: date) -> datetime:
    """The moment ``day`` begins in Belgium, in UTC (as the timestamps are stored)."""
    return datetime.combine(day, time(), LOCAL_ZONE).astimezone(UTC)


def _months(today: date, count: int) -> list[tuple[str, date, date]]:
    """(label, first day, first day after) of the last ``count`` months; the current one
    ends after ``today``."""
    months = []
    for back in range(count - 1, -1, -1):
        index = today.year * 12 + today.month - 1 - back
        first = date(index // 12, index % 12 + 1, 1)
        following = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
        months.append((first.strftime("%Y-%m"), first, min(following, today + timedelta(days=1))))
    return months


def monthly_trend(session, *, today: date, count: int = MONTHS) -> list[TrendMonth]:
    months = _months(today, count)
    # The months as a derived table (a UNION of literal rows: portable, and the requests are
    # read once, grouped by month, in the database).
    rows = [
        sa.select(
            sa.literal(label, sa.String).label("month"),
            sa.literal(_local_midnight(first), sa.DateTime(timezone=True)).label("starts"),
            sa.literal(_local_midnight(after), sa.DateTime(timezone=True)).label("ends"),
            # A wanted start "has passed" once it lies before the day after the month (for the
            # current month: before today, as the headline figure counts it).
            sa.literal(min(after, today), sa.Date).label("passed_before"),
        )
        for label, first, after in months
    ]
    month = sa.union_all(*rows).subquery("trend_month")
    request = ChildcareRequest
    placed = sa.and_(request.status == RequestStatus.PLACED, request.placed_at.is_not(None))
    waiting_at_end = sa.or_(
        request.status.in_(WAITING), sa.and_(placed, request.placed_at >= month.c.ends)
    )

    def count_where(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    statement = (
        sa.select(
            month.c.month,
            count_where(request.submitted_at >= month.c.starts),
            count_where(
                sa.and_(
                    placed, request.placed_at >= month.c.starts, request.placed_at < month.c.ends
                )
            ),
            count_where(waiting_at_end),
            count_where(sa.and_(waiting_at_end, request.desired_start < month.c.passed_before)),
        )
        .select_from(month)
        .outerjoin(
            request,
            sa.and_(
                request.status != RequestStatus.DRAFT,
                request.submitted_at.is_not(None),
                request.submitted_at < month.c.ends,
            ),
        )
        .group_by(month.c.month)
    )
    found = {label: values for label, *values in session.execute(statement).all()}
    return [
        TrendMonth(label, *(int(value) for value in found.get(label, (0, 0, 0, 0))))
        for label, _, _ in months
    ]
