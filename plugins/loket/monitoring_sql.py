"""SQL building blocks of the loket's figures, portable between SQLite and PostgreSQL.

Day counts and months are compiled per dialect (``julianday``/``strftime`` on SQLite, date
arithmetic/``to_char`` on PostgreSQL), so every figure is a GROUP BY in the database. Each
element names its parts in ``_traverse_internals``, so SQLAlchemy can key, cache and reuse the
compiled statement: without a cache key the dashboard's statements were compiled on every
request (40 % of its time). ``today`` travels as a bound parameter, so the cache holds across
days.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from plugins.loket.areas import MAX_MONTHS_BABY_CARE, MIN_MONTHS_SCHOOL_CARE
from plugins.loket.models import ChildcareRequest, Location, Preference, RequestStatus

WAITING = (RequestStatus.OPEN, RequestStatus.PROPOSED)
AGE_GROUPS = ("baby", "toddler", "schoolchild", "unknown")


def is_waiting() -> ColumnElement[bool]:
    """A child waits while the request is open or has a proposal (not placed, withdrawn, draft)."""
    return ChildcareRequest.status.in_(WAITING)


class DaysSince(ColumnElement[int]):
    """Whole days from ``column`` (a date or timestamp) until ``today``, in SQL."""

    __visit_name__ = "loket_days_since"
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("today", InternalTraversal.dp_clauseelement),
    ]
    inherit_cache = True
    type = sa.Integer()

    def __init__(self, column: ColumnElement, today: date) -> None:
        self.column = column
        self.today = sa.bindparam(None, today, type_=sa.Date, unique=True)


@compiles(DaysSince)
def _days_since_postgresql(element: DaysSince, compiler, **kw) -> str:
    today = compiler.process(element.today, **kw)
    return f"({today} - CAST({compiler.process(element.column, **kw)} AS DATE))"


@compiles(DaysSince, "sqlite")
def _days_since_sqlite(element: DaysSince, compiler, **kw) -> str:
    today = compiler.process(element.today, **kw)  # SQLite's Date binds as 'YYYY-MM-DD'
    column = compiler.process(element.column, **kw)
    return f"CAST(julianday({today}) - julianday(date({column})) AS INTEGER)"


class DaysBetween(ColumnElement[int]):
    """Whole days from timestamp ``earlier`` to ``later`` (as ``timedelta.days``), in SQL."""

    __visit_name__ = "loket_days_between"
    _traverse_internals = [
        ("earlier", InternalTraversal.dp_clauseelement),
        ("later", InternalTraversal.dp_clauseelement),
    ]
    inherit_cache = True
    type = sa.Integer()

    def __init__(self, earlier: ColumnElement, later: ColumnElement) -> None:
        self.earlier = earlier
        self.later = later


@compiles(DaysBetween)
def _days_between_postgresql(element: DaysBetween, compiler, **kw) -> str:
    later = compiler.process(element.later, **kw)
    earlier = compiler.process(element.earlier, **kw)
    return f"CAST(floor(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400) AS INTEGER)"


@compiles(DaysBetween, "sqlite")
def _days_between_sqlite(element: DaysBetween, compiler, **kw) -> str:
    # CAST truncates towards zero: the same as floor for a place given after the request.
    later = compiler.process(element.later, **kw)
    earlier = compiler.process(element.earlier, **kw)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


class MonthOf(ColumnElement[str]):
    """A date's month as "YYYY-MM", in SQL."""

    __visit_name__ = "loket_month_of"
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]
    inherit_cache = True
    type = sa.String()

    def __init__(self, column: ColumnElement) -> None:
        self.column = column


@compiles(MonthOf)
def _month_of_postgresql(element: MonthOf, compiler, **kw) -> str:
    return f"to_char({compiler.process(element.column, **kw)}, 'YYYY-MM')"


@compiles(MonthOf, "sqlite")
def _month_of_sqlite(element: MonthOf, compiler, **kw) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.column, **kw)})"


def age_group() -> ColumnElement[str]:
    """The child's age group at the desired start, in SQL: baby, toddler, or school child once
    old enough for out-of-school care (as :func:`allocation.age_group_for` with the kind of
    care the request asks for)."""
    birth = sa.func.coalesce(
        ChildcareRequest.birth_date, ChildcareRequest.expected_birth_date, type_=sa.Date
    )
    start = ChildcareRequest.desired_start
    months = (
        (sa.extract("year", start) - sa.extract("year", birth)) * 12
        + sa.extract("month", start)
        - sa.extract("month", birth)
        - sa.case((sa.extract("day", start) < sa.extract("day", birth), 1), else_=0)
    )
    # Out-of-school care asked for (by area type or by a chosen location): a school child.
    wants_school_care = sa.or_(
        ChildcareRequest.area_kind == "buitenschoolse_opvang",
        sa.exists(
            sa.select(Preference.id)
            .join(Location, Location.id == Preference.location_id)
            .where(
                Preference.request_id == ChildcareRequest.id,
                Location.kind == "buitenschoolse_opvang",
            )
        ),
    )
    return sa.case(
        (sa.or_(birth.is_(None), start.is_(None)), sa.literal_column("'unknown'", sa.String)),
        (months < 18, sa.literal_column("'baby'", sa.String)),
        # From three a child goes to school care only; from two and a half when asked for.
        (months >= MAX_MONTHS_BABY_CARE, sa.literal_column("'schoolchild'", sa.String)),
        (
            sa.and_(months >= MIN_MONTHS_SCHOOL_CARE, wants_school_care),
            sa.literal_column("'schoolchild'", sa.String),
        ),
        else_=sa.literal_column("'toddler'", sa.String),
    )
