"""Seed 003 §9 from the loket's side: how many children lack a place, where, and since when.

The figures are computed by the database (GROUP BY / COUNT), so they are checked here on
requests with known dates and exact expected numbers.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from plugins.loket import monitoring
from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

MONITOR_DAY = date(2026, 6, 15)


@pytest.fixture
def app(database_settings):
    from tests.plugins.loket.conftest import LOKET_TENANTS

    return probe_app(database_settings, tenants=LOKET_TENANTS)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)


def _request(db, name, locations, *, start, submitted, status="open", area=""):
    row = make_request(db, name, locations, submitted=_at(submitted))
    row.desired_start = start
    row.status = status
    row.area = area
    db.add(row)
    db.flush()
    return row


def seed_waiting_families(db):
    """Four waiting children, three of them past their wanted start, and some that do not count."""
    speelboom = make_location(db, "De Speelboom")
    speelboom.area = "Centrum"
    nest = make_location(db, "Het Nest")
    nest.area = "Erembodegem"
    db.add_all([speelboom, nest])
    db.flush()
    # Wanted 1 June (14 days ago), registered 15 January (151 days ago).
    _request(db, "Mila", [speelboom, nest], start=date(2026, 6, 1), submitted=date(2026, 1, 15))
    # Wanted 1 March (106 days ago), registered 1 December (196 days ago).
    _request(db, "Noor", [speelboom], start=date(2026, 3, 1), submitted=date(2025, 12, 1))
    # Wanted in September: waiting, not yet late; registered 10 days ago; has a proposal.
    _request(
        db, "Lou", [nest], start=date(2026, 9, 1), submitted=date(2026, 6, 5), status="proposed"
    )
    # An area request: wanted 15 May (31 days ago), registered 15 April (61 days ago).
    _request(
        db, "Vic", [], start=date(2026, 5, 15), submitted=date(2026, 4, 15), area="Erembodegem"
    )
    # Placed, withdrawn and draft requests are not children waiting.
    _request(
        db, "Rik", [speelboom], start=date(2026, 2, 1), submitted=date(2025, 11, 1), status="placed"
    )
    _request(
        db, "Zoë", [nest], start=date(2026, 2, 1), submitted=date(2025, 11, 1), status="withdrawn"
    )
    _request(db, "Bo", [nest], start=date(2026, 2, 1), submitted=date(2025, 11, 1), status="draft")


def test_loket_sees_how_many_children_wait_and_how_many_are_past_their_wanted_start(app):
    with tenant_db(app) as db:
        seed_waiting_families(db)
        demand = monitoring.unmet_demand(db, today=MONITOR_DAY)
    assert demand.waiting == 4
    assert demand.past_wanted_start == 3
    # Since the wanted start (Mila 14, Vic 31, Noor 106 days).
    assert demand.median_days_past_start == 31
    assert demand.longest_days_past_start == 106
    # Since registration (Lou 10, Vic 61, Mila 151, Noor 196 days).
    assert demand.median_days_since_registration == 106
    assert demand.longest_days_since_registration == 196


def test_loket_sees_where_children_wait_by_first_choice_and_by_area(app):
    with tenant_db(app) as db:
        seed_waiting_families(db)
        demand = monitoring.unmet_demand(db, today=MONITOR_DAY)
    assert demand.by_location == [
        monitoring.DemandRow("De Speelboom", 2, 2),
        monitoring.DemandRow("Het Nest", 1, 0),
        monitoring.DemandRow("", 1, 1),  # the area request names no location
    ]
    assert demand.by_area == [
        monitoring.DemandRow("Centrum", 2, 2),
        monitoring.DemandRow("Erembodegem", 2, 1),
    ]


def test_loket_sees_waiting_children_by_month_of_wanted_start_over_twelve_months(app):
    with tenant_db(app) as db:
        seed_waiting_families(db)
        demand = monitoring.unmet_demand(db, today=MONITOR_DAY)
    months = [row.label for row in demand.by_month]
    assert months[0] == "2025-07" and months[-1] == "2026-06" and len(months) == 12
    counts = {row.label: (row.waiting, row.past_wanted_start) for row in demand.by_month}
    assert counts["2026-03"] == (1, 1)
    assert counts["2026-05"] == (1, 1)
    assert counts["2026-06"] == (1, 1)
    assert sum(waiting for waiting, _ in counts.values()) == 3  # September lies ahead


def test_without_waiting_children_the_waiting_times_are_empty_not_zero(app):
    with tenant_db(app) as db:
        make_location(db, "De Speelboom")
        demand = monitoring.unmet_demand(db, today=MONITOR_DAY)
    assert (demand.waiting, demand.past_wanted_start) == (0, 0)
    assert demand.median_days_past_start is None and demand.longest_days_since_registration is None
    assert demand.by_location == [] and demand.by_area == []
    assert all(row.waiting == 0 for row in demand.by_month)


def test_the_figures_are_counted_by_the_database_not_by_loading_requests(app):
    """Issue 18: no statement may return the requests themselves."""
    with tenant_db(app) as db:
        seed_waiting_families(db)
        statements: list[str] = []

        def remember(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        engine = db.get_bind()
        sa.event.listen(engine, "before_cursor_execute", remember)
        try:
            monitoring.unmet_demand(db, today=MONITOR_DAY)
        finally:
            sa.event.remove(engine, "before_cursor_execute", remember)
    assert statements
    selects = [s for s in statements if "loket_request" in s]
    assert selects and not any("parent_name" in s or "child_first_name" in s for s in selects)
    # Each statement is an aggregate or fetches at most two middle values (a median).
    assert all(re.search(r"count\(|max\(|limit", s, re.IGNORECASE) for s in selects)


def _staff(app, client):
    return signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])


def test_the_dashboard_shows_unmet_demand_as_tables_and_the_csv_has_the_headline(app):
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom")
        late = make_request(
            db, "Mila", [speelboom], submitted=datetime.now(UTC) - timedelta(days=40)
        )
        late.desired_start = TODAY - timedelta(days=12)
        db.add(late)
        make_request(db, "Noor", [speelboom]).desired_start = TODAY + timedelta(days=60)
    client = app.test_client()
    _staff(app, client)
    page = client.get("/t/aalst/loket/monitoring", headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kinderen die wachten op een plaats" in html
    assert "Gewenste startdatum verstreken" in html
    # Every chart is also a data table with a caption.
    assert html.count("<table") >= 3 and "<caption" in html
    cell = '<td class="utrecht-table__cell">'
    assert f'scope="row">De Speelboom</th>{cell}2</td>{cell}1</td>' in html
    exported = client.get("/t/aalst/loket/monitoring.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported)))
    assert ["headline", "waiting", "2"] in rows
    assert ["headline", "past_wanted_start", "1"] in rows
    assert ["headline", "median_days_past_start", "12"] in rows
    assert ["headline", "longest_days_since_registration", "40"] in rows
    assert ["location", "De Speelboom", "2"] in rows


def test_the_unmet_demand_count_ignores_another_municipality(app):
    with tenant_db(app, "brugge") as db:
        location = make_location(db, "Elders")
        make_request(db, "Jef", [location])
    with tenant_db(app) as db:
        assert monitoring.unmet_demand(db, today=TODAY).waiting == 0
    with tenant_db(app, "brugge") as db:
        assert monitoring.unmet_demand(db, today=TODAY).waiting == 1


def test_the_dashboards_other_figures_are_counted_by_the_database_too(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=3)
        baby = _request(db, "Mila", [location], start=date(2026, 9, 1), submitted=date(2026, 5, 1))
        baby.birth_date = date(2026, 3, 20)  # 5 months at the start
        toddler = _request(
            db, "Noor", [location], start=date(2026, 9, 1), submitted=date(2026, 5, 1)
        )
        toddler.birth_date, toddler.situation = date(2025, 3, 2), ["low_income"]  # 17 months
        older = _request(db, "Lou", [location], start=date(2026, 9, 1), submitted=date(2026, 5, 1))
        older.birth_date = date(2025, 3, 1)  # 18 months: a toddler
        for name, days_waited, situation in (
            ("Vic", 10, ["low_income"]),
            ("Rik", 30, []),
            ("Bo", 45, []),
        ):
            placed = _request(
                db,
                name,
                [location],
                start=date(2026, 5, 1),
                submitted=date(2026, 4, 1),
                status="placed",
            )
            placed.placed_at = _at(date(2026, 4, 1)) + timedelta(days=days_waited, hours=3)
            placed.situation = situation
        db.flush()
        figures = monitoring.dashboard_figures(db, today=MONITOR_DAY)
    assert (figures.open_requests, figures.placed) == (3, 3)
    assert figures.median_days_to_place == 30
    assert figures.vulnerable_placed_share == 50  # Noor waits, Vic is placed
    assert figures.tables["age_group"] == [("baby", 2), ("toddler", 1)]
    assert figures.tables["month"] == [("2026-09", 3)]
    assert figures.tables["free_places"] == [("groepsopvang", 3)]
