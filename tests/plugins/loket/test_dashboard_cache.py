"""The monitoring figures are kept for a minute per municipality (#18), and never shown stale
after a change this process made: a write to the loket's data forgets them at once; a change
by another worker shows within the minute."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from plugins.loket import figures_cache
from plugins.loket.models import ChildcareRequest, FreePlace
from tests.plugins.loket.conftest import make_location, make_request, tenant_db
from tests.support.apps import tenant_id
from tests.support.auth import signed_in_as
from tests.support.queries import app_engines, counted_statements


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app):
    clock = Clock()
    figures_cache.cache_of(app).clock = clock
    return clock


def _staff(app, slug="aalst"):
    client = app.test_client()
    signed_in_as(client, app, slug, f"monitor-{slug}", ["staff:loket"])
    return client


def _headline(client) -> dict[str, str]:
    response = client.get("/t/aalst/loket/monitoring.csv")
    assert response.status_code == 200
    rows = csv.reader(io.StringIO(response.get_data(as_text=True)))
    return {label: value for section, label, value in rows if section == "headline"}


def test_a_second_look_within_the_minute_runs_none_of_the_figures_queries(app, clock):
    with tenant_db(app) as db:
        make_request(db, "Mila", [make_location(db, "De Speelboom")])
    staff = _staff(app)
    assert staff.get("/t/aalst/loket/monitoring").status_code == 200
    with counted_statements(*app_engines(app)) as log:
        page = staff.get("/t/aalst/loket/monitoring")
    assert page.status_code == 200
    assert not [sql for sql in log.statements if "loket_request" in sql], str(log)


def test_a_new_request_counts_at_once(app, clock):
    staff = _staff(app)
    assert _headline(staff)["waiting"] == "0"
    with tenant_db(app) as db:
        make_request(db, "Mila", [make_location(db, "De Speelboom")])
    assert _headline(staff)["waiting"] == "1"


def test_a_bulk_update_of_free_places_forgets_the_figures(app, clock):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=2)
    staff = _staff(app)
    before = staff.get("/t/aalst/loket/monitoring").get_data(as_text=True)
    with tenant_db(app) as db:
        db.execute(sa.update(FreePlace).where(FreePlace.location_id == location.id).values(taken=2))
    assert figures_cache.cache_of(app).cached(tenant_id(app, "aalst")) == 0
    after = staff.get("/t/aalst/loket/monitoring").get_data(as_text=True)
    assert before != after


def test_a_change_by_another_worker_shows_within_the_minute(app, clock):
    with tenant_db(app) as db:
        make_request(db, "Mila", [make_location(db, "De Speelboom")])
    staff = _staff(app)
    assert _headline(staff)["waiting"] == "1"
    # Another process withdraws the request: this process's sessions never see the write.
    engine = app.extensions["opvangplein.db"].engine
    with engine.begin() as connection:
        connection.execute(sa.update(ChildcareRequest.__table__).values(status="withdrawn"))
    assert _headline(staff)["waiting"] == "1"
    clock.now += figures_cache.TTL_SECONDS + 1
    assert _headline(staff)["waiting"] == "0"


def test_each_municipality_keeps_its_own_figures(app, clock):
    with tenant_db(app) as db:
        make_request(db, "Mila", [make_location(db, "De Speelboom")])
    assert _headline(_staff(app))["waiting"] == "1"
    brugge = _staff(app, "brugge")
    response = brugge.get("/t/brugge/loket/monitoring.csv")
    rows = csv.reader(io.StringIO(response.get_data(as_text=True)))
    assert ["headline", "waiting", "0"] in list(rows)


def test_the_page_says_when_the_figures_were_counted(app, clock):
    page = _staff(app).get("/t/aalst/loket/monitoring").get_data(as_text=True)
    assert "Geteld om" in page


def test_two_apps_with_the_same_tenant_id_never_share_figures(app, sqlite_settings, tmp_path):
    """Test databases copied from one template hold the same tenant ids."""
    from core.config import Settings
    from tests.plugins.loket.conftest import LOKET_TENANTS
    from tests.support.apps import probe_app

    with tenant_db(app) as db:
        make_request(db, "Mila", [make_location(db, "De Speelboom")])
    assert _headline(_staff(app))["waiting"] == "1"
    (tmp_path / "other").mkdir()
    url = f"sqlite:///{tmp_path / 'other' / 'other.sqlite3'}"
    other = probe_app(
        Settings(database_url=url, migration_database_url=url, tenants_dir=tmp_path / "other"),
        tenants=LOKET_TENANTS,
    )
    cache = figures_cache.cache_of(other)
    assert cache is not figures_cache.cache_of(app)
    assert cache.cached(tenant_id(app, "aalst")) == 0


def test_the_cache_holds_a_bounded_number_of_municipalities():
    import uuid
    from datetime import date

    cache = figures_cache.FiguresCache(clock=Clock(), max_entries=3)
    for _ in range(10):
        cache.get(uuid.uuid4(), date(2026, 12, 4), lambda: object())
    assert len(cache) <= 3
