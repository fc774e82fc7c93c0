"""Issue 18: the loket's pages cost the same number of queries however many requests the
municipality holds and however many cards a parent has; the work list never fetches every
request. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from plugins.loket.models import Placement, Proposal, ProposalStatus
from plugins.loket.services import report_free_place
from plugins.loket.work_list import PAGE_SIZE
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

WORK_LIST = "/t/aalst/loket/werklijst"
MY_REQUESTS = "/t/aalst/loket/mijn-aanvragen"
FRAGMENT = {"HX-Request": "true"}


@pytest.fixture
def app(database_settings):
    return probe_app(database_settings, tenants=LOKET_TENANTS)


@contextmanager
def statements_of(app):
    """The SQL statements sent while the block runs."""
    sent: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    engine = app.extensions["opvangplein.db"].engine
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)


def fetched(app, client, path: str, **kwargs) -> tuple[str, list[str]]:
    client.get(path, **kwargs)  # warm: per-worker caches filled once, not per request
    with statements_of(app) as sent:
        page = client.get(path, **kwargs)
    assert page.status_code == 200
    return page.get_data(as_text=True), sent


def add_requests(app, count: int, *, start: int = 0) -> None:
    with tenant_db(app) as db:
        locations = [make_location(db, f"Locatie {start}-{n}") for n in range(3)]
        for number in range(count):
            row = make_request(
                db,
                f"Kind{start + number}",
                locations,
                situation=["low_income"] if number % 2 else [],
                submitted=datetime.now(UTC) - timedelta(minutes=number),
            )
            row.care_needs = ["medical"] if number % 3 == 0 else []


def staff_client(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    return client


@pytest.mark.parametrize(
    "query",
    ["", "?status=open&page=2", "?basis=low_income&care_need=medical", "?q=kind1"],
)
@pytest.mark.parametrize("headers", [{}, FRAGMENT], ids=["page", "fragment"])
def test_the_work_list_costs_the_same_queries_at_10_and_at_200_requests(app, query, headers):
    add_requests(app, 10)
    client = staff_client(app)
    _, small = fetched(app, client, WORK_LIST + query, headers=headers)
    add_requests(app, 190, start=10)
    _, large = fetched(app, client, WORK_LIST + query, headers=headers)
    assert len(small) == len(large)


def test_the_work_list_never_selects_every_request(app):
    add_requests(app, PAGE_SIZE * 2 + 3)
    client = staff_client(app)
    html, sent = fetched(app, client, WORK_LIST + "?page=3")
    assert "Pagina 3 van 3" in html and html.count('href="/t/aalst/loket/aanvragen/') == 3
    reads = [s for s in sent if re.search(r"\bFROM loket_request\b", s)]
    assert reads
    # Every read of the requests is a count or a limited page.
    assert all(re.search(r"count\(|\bLIMIT\b", s, re.IGNORECASE) for s in reads)


def test_the_work_list_filters_on_the_json_lists_in_the_database(app):
    add_requests(app, 12)
    client = staff_client(app)
    html, _ = fetched(app, client, WORK_LIST + "?basis=low_income&care_need=medical")
    # Kind3 and Kind9 are odd (low income) and a multiple of three (medical).
    shown = sorted(set(re.findall(r">\s*(Kind\d+) ", html)))
    assert shown == ["Kind3", "Kind9"] and "2 aanvragen" in html


def _parent_cards(app, parent_id, count: int, *, start: int = 0) -> None:
    """``count`` requests of the parent, each with two choices; the first has a place, the
    second an offer to answer, so every part of a card is shown."""
    with tenant_db(app) as db:
        locations = [make_location(db, f"Opvang {start}-{n}") for n in range(2)]
        free_place = report_free_place(
            db,
            locations[0],
            age_group="baby",
            available_from=TODAY,
            places=count,
            days=[],
            quota_percent=0,
            actor="test",
        )
        for number in range(count):
            row = make_request(db, f"Kind{start + number}", locations, parent_user_id=parent_id)
            if number == 1:
                db.add(
                    Proposal(
                        request_id=row.id,
                        location_id=locations[0].id,
                        free_place_id=free_place.id,
                        status=ProposalStatus.AWAITING_PARENT,
                        deadline=datetime.now(UTC) + timedelta(days=7),
                        explanation={
                            "higher_choices": [
                                {"rank": 1, "location_id": str(locations[1].id), "reason": "full"}
                            ]
                        },
                    )
                )
            if number == 0:
                row.status = "placed"
                db.add(
                    Placement(
                        request_id=row.id,
                        location_id=locations[0].id,
                        free_place_id=free_place.id,
                    )
                )
        db.flush()


def test_the_parents_page_costs_the_same_queries_for_1_and_for_6_cards(app):
    client = app.test_client()
    parent = signed_in_as(client, app, "aalst", "ouder-an", ["parent"])
    add_requests(app, 20)  # other families' requests do not count either
    _parent_cards(app, parent.id, 1)
    html, one = fetched(app, client, MY_REQUESTS)
    assert html.count('class="request-card"') == 1
    _parent_cards(app, parent.id, 5, start=1)
    html, six = fetched(app, client, MY_REQUESTS)
    assert html.count('class="request-card"') == 6
    assert "Opvang 1-0 biedt een plaats aan" in html and "Geplaatst bij Opvang 1-0" in html
    assert "Keuze 1, Opvang 1-1" in html  # the offer's note names the higher choice
    assert len(one) == len(six)


def test_past_the_count_limit_the_list_says_more_than_and_still_pages_to_the_end(app, monkeypatch):
    from plugins.loket import work_list

    monkeypatch.setattr(work_list, "COUNT_LIMIT", 30)
    add_requests(app, 40)
    client = staff_client(app)
    first, _ = fetched(app, client, WORK_LIST)
    assert "Meer dan 30 aanvragen" in first and "Pagina 1" in first and "?page=2" in first
    last, sent = fetched(app, client, WORK_LIST + "?page=2")
    assert last.count('href="/t/aalst/loket/aanvragen/') == 15
    assert "Pagina 2" in last and "?page=3" not in last and "?page=1" in last
    # The count stops at the limit instead of reading every match.
    counts = [s for s in sent if "count(" in s.lower() and "loket_request" in s]
    assert counts and all(re.search(r"\bLIMIT\b", s) for s in counts)
