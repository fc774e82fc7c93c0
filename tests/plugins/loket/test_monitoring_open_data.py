"""Open data: the loket's aggregates as JSON that a municipality may publish.

Read from the outside: whatever the document or the public address shows, no count from 1 to 4
appears, and none can be worked out from a total and the other cells.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from core.tenancy import plugin_row
from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.support.auth import signed_in_as

NOT_COUNTS = ("_days", "_percent")


def _child(db, location, *, months_old, days_ago, start_in_days=0, status="open", area=""):
    row = make_request(
        db,
        "Kind",
        [location] if location else [],
        submitted=datetime.now(UTC) - timedelta(days=days_ago),
    )
    row.desired_start = TODAY + timedelta(days=start_in_days)
    row.birth_date = row.desired_start - timedelta(days=int(months_old * 30.5))
    row.status, row.area = status, area
    if status == "placed":
        row.placed_at = datetime.now(UTC) - timedelta(days=1)
    db.add(row)
    db.flush()
    return row


def seed_municipality(app):
    """7 babies wait at De Speelboom, 3 toddlers at Het Nest, 1 area request; 6 placed."""
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=8)
        speelboom.area = "Centrum"
        nest = make_location(db, "Het Nest", places=2)
        nest.area = "Erembodegem"
        db.add_all([speelboom, nest])
        for number in range(7):
            _child(db, speelboom, months_old=6, days_ago=20 + 10 * number, start_in_days=-number)
        for number in range(3):
            _child(db, nest, months_old=24, days_ago=40 + number, start_in_days=30)
        _child(db, None, months_old=8, days_ago=15, start_in_days=-3, area="Centrum")
        for number in range(6):
            _child(db, speelboom, months_old=9, days_ago=60 + number, status="placed")


def _staff(app, client=None):
    client = client or app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    return client


def publish(app, public: bool = True) -> None:
    with tenant_db(app) as db:
        row = plugin_row(db, "loket")
        row.settings = {**row.settings, "open_data_public": public}
        db.add(row)


def counts(document, key=""):
    """Every published count (``key``, cell) in the document; days and percents are not counts."""
    if isinstance(document, dict):
        if "value" in document:
            if not key.endswith(NOT_COUNTS):
                yield key, document
            return
        for name, value in document.items():
            yield from counts(value, name)
    elif isinstance(document, list):
        for item in document:
            yield from counts(item, key)


def _document(app) -> dict:
    response = _staff(app).get("/t/aalst/loket/monitoring/open-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_no_count_from_one_to_four_appears_in_the_open_data(app):
    seed_municipality(app)
    document = _document(app)
    published = list(counts(document))
    assert len(published) > 30
    assert all(
        cell["value"] is None or cell["value"] == 0 or cell["value"] >= 5 for _, cell in published
    )
    assert all(cell.get("suppressed") for _, cell in published if cell["value"] is None)
    headline = document["headline"]
    assert headline["children_waiting"] == {"value": 11}
    assert headline["children_placed"] == {"value": 6}
    assert headline["wanted_start_passed"] == {"value": 7}  # six babies and the area request
    assert headline["free_places"] == {"value": 10}
    assert document["suppression"]["threshold"] == 5


def test_a_hidden_cell_cannot_be_worked_out_from_its_total(app):
    seed_municipality(app)
    document = _document(app)
    locations = {
        row["location"]: row["children_waiting"] for row in document["by_location_of_first_choice"]
    }
    # Het Nest's 3 is hidden; with 11 shown, De Speelboom's 7 would give it away, so the
    # smallest other cell (the area request, 1) is not enough: 7 goes too.
    assert locations["Het Nest"] == {"value": None, "suppressed": True}
    assert locations["De Speelboom"] == {"value": None, "suppressed": True}
    for table in ("by_location_of_first_choice", "by_area", "by_age_group", "free_places_by_type"):
        for column in ("children_waiting", "wanted_start_passed", "children_placed", "free_places"):
            cells = [row[column] for row in document[table] if column in row]
            hidden = [cell for cell in cells if cell.get("suppressed")]
            assert len(hidden) != 1, (table, column)


def test_a_median_over_a_hidden_count_is_hidden_too(app):
    seed_municipality(app)
    by_age = {row["age_group"]: row for row in _document(app)["by_age_group"]}
    toddlers = by_age["toddler"]
    assert toddlers["children_waiting"]["suppressed"]
    assert toddlers["wait_so_far_median_days"] == {"value": None, "suppressed": True}
    assert toddlers["wait_so_far_p90_days"] == {"value": None, "suppressed": True}
    babies = by_age["baby"]
    assert babies["children_placed"] == {"value": 6}
    assert babies["wait_to_place_median_days"]["value"] is not None


def test_the_public_address_answers_only_once_the_municipality_publishes(app):
    seed_municipality(app)
    anonymous = app.test_client()
    assert anonymous.get("/t/aalst/loket/open-data/monitoring.json").status_code == 404
    publish(app)
    response = anonymous.get("/t/aalst/loket/open-data/monitoring.json")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    public = response.get_json()
    assert public == _document(app)
    assert all(cell["value"] in (None, 0) or cell["value"] >= 5 for _, cell in counts(public))
    text = response.get_data(as_text=True)
    assert "Kind" not in text and "Peeters" not in text and "ouder@example.be" not in text
    # Another municipality's setting is its own.
    assert anonymous.get("/t/brugge/loket/open-data/monitoring.json").status_code == 404


def test_the_staff_preview_of_the_open_data_needs_the_loket_permission(app):
    client = app.test_client()
    assert client.get("/t/aalst/loket/monitoring/open-data.json").status_code == 401
    signed_in_as(client, app, "aalst", "ouder", ["parent"])
    assert client.get("/t/aalst/loket/monitoring/open-data.json").status_code == 403


def test_the_dashboard_says_where_the_open_data_is_published(app):
    client = _staff(app)
    page = client.get("/t/aalst/loket/monitoring").get_data(as_text=True)
    assert "Niet openbaar" in page and "/t/aalst/loket/monitoring/open-data.json" in page
    publish(app)
    page = client.get("/t/aalst/loket/monitoring").get_data(as_text=True)
    assert "/t/aalst/loket/open-data/monitoring.json" in page


def test_the_csv_has_the_waiting_times_the_age_groups_and_the_trend(app):
    seed_municipality(app)
    text = _staff(app).get("/t/aalst/loket/monitoring.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    sections = {row[0] for row in rows}
    assert ["headline", "placed", "6"] in rows
    # Waited 59 … 64 days (submitted 60 … 65 days ago, placed yesterday): the median 61.5.
    assert ["headline", "wait_to_place_median_days", "61.5"] in rows
    assert {"headline", "waiting_age_group", "age_group_past_wanted_start"} <= sections
    assert ["waiting_age_group", "toddler", "3"] in rows
    assert {"wait_so_far_median_days", "wait_to_place_p90_days", "trend_submitted"} <= sections
    month = TODAY.strftime("%Y-%m")
    assert ["trend_waiting_at_month_end", month, "11"] in rows


def test_the_dashboard_shows_waiting_times_and_the_trend_as_tables_with_scalable_charts(app):
    seed_municipality(app)
    html = (
        _staff(app)
        .get("/t/aalst/loket/monitoring", headers={"Accept-Language": "nl"})
        .get_data(as_text=True)
    )
    assert "Wachttijd per leeftijdsgroep" in html and "Evolutie over de laatste 12 maanden" in html
    assert "90e percentiel" in html
    # Every chart scales with the page and is followed by its table.
    assert html.count("<svg") >= 3
    assert 'width="640"' not in html and html.count('width="100%"') == html.count("<svg")
    assert html.count("<table") >= html.count("<svg")


def test_the_open_data_is_valid_json_with_only_aggregates(app):
    seed_municipality(app)
    document = json.loads(
        _staff(app).get("/t/aalst/loket/monitoring/open-data.json").get_data(as_text=True)
    )
    assert document["dataset"] == "loket-monitoring" and document["municipality"] == "Aalst"
    assert len(document["trend"]) == 12


def test_a_small_municipality_publishes_no_count_at_all_but_zeros(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
        for _ in range(2):
            _child(db, location, months_old=6, days_ago=10, start_in_days=-1)
    document = _document(app)
    assert document["headline"]["children_waiting"] == {"value": None, "suppressed": True}
    assert document["headline"]["wait_so_far_median_days"]["suppressed"]
    assert all(cell["value"] in (None, 0) for _, cell in counts(document))
