"""Seed 003 §9: how long children wait (median, 90th percentile) and how it moves month by month.

Counted by the database on SQLite and PostgreSQL both; the expected numbers are worked out by
hand from the dates below (a percentile interpolates between the two values around its rank).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from plugins.loket import monitoring
from plugins.loket.monitoring_trend import monthly_trend
from plugins.loket.monitoring_waits import WaitStats, waiting_times
from tests.plugins.loket.conftest import make_location, make_request, tenant_db
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

MONITOR_DAY = date(2026, 6, 15)
BABY_BIRTH = date(2026, 1, 1)  # two months old at a start on 1 March
TODDLER_BIRTH = date(2024, 6, 1)  # 21 months old then


@pytest.fixture
def app(database_settings):
    from tests.plugins.loket.conftest import LOKET_TENANTS

    return probe_app(database_settings, tenants=LOKET_TENANTS)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=UTC)


def _request(db, location, *, submitted, status="open", start=date(2026, 3, 1), birth=BABY_BIRTH):
    row = make_request(db, "Kind", [location], submitted=submitted)
    row.status, row.desired_start, row.birth_date = status, start, birth
    db.add(row)
    db.flush()
    return row


def _placed(db, location, days_waited: int, birth=BABY_BIRTH):
    row = _request(db, location, submitted=_at(date(2026, 1, 10)), status="placed", birth=birth)
    row.placed_at = row.submitted_at + timedelta(days=days_waited, hours=2)
    db.add(row)
    db.flush()
    return row


def seed_waits(db):
    location = make_location(db, "De Speelboom")
    for days in (10, 20, 30, 40, 50):  # babies
        _placed(db, location, days)
    _placed(db, location, 100, birth=TODDLER_BIRTH)
    # Waiting now: 10, 61, 151 and 196 days since registration (all babies).
    for submitted in (date(2026, 6, 5), date(2026, 4, 15), date(2026, 1, 15), date(2025, 12, 1)):
        _request(db, location, submitted=_at(submitted))
    # Neither placed nor waiting: no wait to measure.
    _request(db, location, submitted=_at(date(2025, 11, 1)), status="withdrawn")
    _request(db, location, submitted=None, status="draft").submitted_at = None


def test_waiting_time_to_a_place_has_a_median_and_a_90th_percentile(app):
    with tenant_db(app) as db:
        seed_waits(db)
        waits = waiting_times(db, today=MONITOR_DAY)
    # 10, 20, 30, 40, 50, 100 days: the median between 30 and 40, p90 between 50 and 100.
    assert waits.to_place == WaitStats(count=6, median=35, p90=75)


def test_the_current_wait_of_children_still_waiting_has_a_median_and_a_90th_percentile(app):
    with tenant_db(app) as db:
        seed_waits(db)
        waits = waiting_times(db, today=MONITOR_DAY)
    # 10, 61, 151, 196 days: median (61 + 151) / 2, p90 = 151 + 0.7 × 45.
    assert waits.so_far == WaitStats(count=4, median=106, p90=182.5)


def test_waiting_times_are_given_per_age_group(app):
    with tenant_db(app) as db:
        seed_waits(db)
        waits = waiting_times(db, today=MONITOR_DAY)
    assert waits.to_place_by_age == {
        "baby": WaitStats(count=5, median=30, p90=46),  # 40 + 0.6 × 10
        "toddler": WaitStats(count=1, median=100, p90=100),
    }
    assert waits.so_far_by_age == {"baby": WaitStats(count=4, median=106, p90=182.5)}


def test_without_any_placed_or_waiting_child_the_waits_are_empty_not_zero(app):
    with tenant_db(app) as db:
        make_location(db, "De Speelboom")
        waits = waiting_times(db, today=MONITOR_DAY)
    assert waits.to_place == WaitStats() and waits.to_place.median is None
    assert waits.so_far_by_age == {}


def seed_trend(db):
    location = make_location(db, "Het Nest")
    placed = _request(db, location, submitted=_at(date(2026, 1, 15)), status="placed")
    placed.placed_at = _at(date(2026, 3, 10))
    _request(db, location, submitted=_at(date(2026, 2, 10)), start=date(2026, 4, 1))
    _request(db, location, submitted=_at(date(2026, 3, 5)), status="withdrawn")
    # 23:30 UTC on 28 February is 00:30 on 1 March in Belgium: a March request.
    _request(db, location, submitted=_at(date(2026, 2, 28), hour=23), status="withdrawn")
    _request(
        db, location, submitted=_at(date(2026, 6, 1)), status="proposed", start=date(2026, 9, 1)
    )
    _request(db, location, submitted=None, status="draft").submitted_at = None
    db.flush()


def test_the_trend_counts_submitted_placed_and_waiting_children_per_month(app):
    with tenant_db(app) as db:
        seed_trend(db)
        trend = monthly_trend(db, today=MONITOR_DAY)
    assert [month.month for month in trend][:1] == ["2025-07"] and len(trend) == 12
    by_month = {
        month.month: (
            month.submitted,
            month.placed,
            month.waiting_at_end,
            month.past_start_at_end,
        )
        for month in trend
    }
    assert by_month["2025-12"] == (0, 0, 0, 0)
    assert by_month["2026-01"] == (1, 0, 1, 0)  # placed in March: still waiting end January
    assert by_month["2026-02"] == (1, 0, 2, 0)
    assert by_month["2026-03"] == (2, 1, 1, 0)  # withdrawn requests never count as waiting
    assert by_month["2026-04"] == (0, 0, 1, 1)  # wanted 1 April, still no place
    assert by_month["2026-05"] == (0, 0, 1, 1)
    assert by_month["2026-06"] == (1, 0, 2, 1)


def test_this_months_trend_agrees_with_the_headline_figures(app):
    with tenant_db(app) as db:
        seed_trend(db)
        now = monthly_trend(db, today=MONITOR_DAY)[-1]
        demand = monitoring.unmet_demand(db, today=MONITOR_DAY)
    assert (now.waiting_at_end, now.past_start_at_end) == (
        demand.waiting,
        demand.past_wanted_start,
    )


def test_the_trend_and_waits_count_only_the_municipalitys_own_requests(app):
    with tenant_db(app, "brugge") as db:
        seed_trend(db)
        seed_waits(db)
    with tenant_db(app) as db:
        assert sum(month.submitted for month in monthly_trend(db, today=MONITOR_DAY)) == 0
        assert waiting_times(db, today=MONITOR_DAY).to_place.count == 0


def _statements(app) -> list[str]:
    database = app.extensions["opvangplein.db"]
    counted: list[str] = []
    for engine in {database.engine, database.platform_engine}:
        sa.event.listen(
            engine,
            "before_cursor_execute",
            lambda conn, cursor, statement, *rest: counted.append(statement),
        )
    return counted


def _page_statements(app, requests: int) -> list[str]:
    with tenant_db(app) as db:
        location = make_location(db, f"Locatie {requests}")
        for number in range(requests):
            row = make_request(
                db,
                f"Kind {number}",
                [location],
                submitted=datetime.now(UTC) - timedelta(days=number),
            )
            if number % 3 == 0:
                row.status, row.placed_at = "placed", datetime.now(UTC)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    client.get("/t/aalst/loket/monitoring")  # warm up: sign-in and settings caches
    counted = _statements(app)
    assert client.get("/t/aalst/loket/monitoring").status_code == 200
    return counted


def test_the_dashboard_runs_as_many_statements_for_3_as_for_60_requests(database_settings):
    from tests.plugins.loket.conftest import LOKET_TENANTS

    few = _page_statements(probe_app(database_settings, tenants=LOKET_TENANTS), 3)
    many = _page_statements(probe_app(database_settings, tenants=LOKET_TENANTS), 60)
    assert len(few) == len(many), (len(few), len(many))
    # And none of them reads the requests' personal fields.
    assert not any("child_first_name" in statement for statement in many)
