"""Times are stored in UTC and read in Belgian local time, on both sides of a clock change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.local_time import local_clock, local_date, local_datetime


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        # Summer time starts on 29 March 2026 at 02:00 local (01:00 UTC): the clock jumps to 03:00.
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29/03/2026 01:59"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29/03/2026 03:00"),
        # Winter time starts on 25 October 2026 at 03:00 local (01:00 UTC): 02:00 to 02:59 twice.
        (datetime(2026, 10, 25, 0, 59, tzinfo=UTC), "25/10/2026 02:59"),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), "25/10/2026 02:00"),
        # SQLite gives naive datetimes back; they were stored in UTC.
        (datetime(2026, 12, 1, 20, 11), "01/12/2026 21:11"),
    ],
)
def test_a_stored_moment_reads_as_the_belgian_clock_showed_it(stored, shown):
    assert local_datetime(stored) == shown
    assert local_clock(stored) == shown[-5:]


def test_a_moment_late_in_the_utc_evening_is_already_the_next_day_in_belgium():
    assert local_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01/01/2027"
    assert local_date(date(2026, 12, 31)) == "31/12/2026"
    assert local_datetime(None) == local_date(None) == local_clock(None) == ""
