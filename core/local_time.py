"""Times are stored in UTC and shown in Belgian local time, the zone every user of the platform lives in.

SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC, so a naive
value is read as UTC. A ``date`` is a calendar day already and is shown as it is.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.db import as_utc

LOCAL_ZONE = ZoneInfo("Europe/Brussels")

DATE_FORMAT = "%d/%m/%Y"
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = f"{DATE_FORMAT} {TIME_FORMAT}"


def to_local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(LOCAL_ZONE)


def local_datetime(moment: datetime | None, seconds: bool = False) -> str:
    if moment is None:
        return ""
    return to_local(moment).strftime(DATETIME_FORMAT + (":%S" if seconds else ""))


def local_date(day: date | datetime | None) -> str:
    """The calendar day in Belgium: a moment just before midnight UTC is already tomorrow here."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_local(day)
    return day.strftime(DATE_FORMAT)


def local_clock(moment: datetime | None) -> str:
    return to_local(moment).strftime(TIME_FORMAT) if moment is not None else ""


def init_app(app) -> None:
    app.jinja_env.filters.update(
        local_datetime=local_datetime, local_date=local_date, local_clock=local_clock
    )
