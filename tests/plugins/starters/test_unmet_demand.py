"""Starters see where children wait for a place (issue 21, seed 003 §5–6): the loket's unmet
demand per area, in the catalogue and the wizard's project step, through a hook (the starters
plugin does not import the loket), with small counts hidden by the platform's one rule."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from core.models import Tenant
from plugins.loket.areas import area_of
from plugins.loket.demo import load_demo_data
from plugins.loket.models import ChildcareRequest, Location, Preference
from tests.plugins.loket.conftest import make_location, make_request
from tests.plugins.starters.conftest import client_as, start, step_url, tenant_db
from tests.support.apps import tenant_id


def _waiting(db, location, count, *, first_submitted_days_ago=10, past_start=0):
    """``count`` children waiting with ``location`` as first choice, registered 10, 20, … days
    ago; the first ``past_start`` of them wanted to start a week ago, the others next year."""
    today = date.today()
    for number in range(count):
        row = make_request(
            db,
            f"Kind{location.name[:3]}{number}",
            [location],
            submitted=datetime.now(UTC) - timedelta(days=first_submitted_days_ago * (number + 1)),
        )
        row.desired_start = (
            today - timedelta(days=7) if number < past_start else today.replace(year=today.year + 1)
        )
        db.add(row)
    db.flush()


def _seed(app):
    with tenant_db(app) as db:
        centrum = make_location(db, "De Speelboom")
        centrum.area = "Centrum"
        nieuwerkerken = make_location(db, "Het Nest")
        nieuwerkerken.area = "Nieuwerkerken"
        erembodegem = make_location(db, "De Kangoeroe")
        erembodegem.area = "Erembodegem"
        db.add_all([centrum, nieuwerkerken, erembodegem])
        db.flush()
        _waiting(db, centrum, 7, past_start=5)  # registered 10 … 70 days ago: median 40
        _waiting(db, nieuwerkerken, 5)
        _waiting(db, erembodegem, 2)
        # Placed and withdrawn children do not wait.
        for status in ("placed", "withdrawn", "draft"):
            row = make_request(db, f"Niet{status}", [centrum])
            row.status = status
            db.add(row)


def _rows(page: str) -> dict[str, list[str]]:
    table = page.split('id="unmet-demand"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] != "Deelgemeente of gebied":
            rows[cells[0]] = cells[1:]
    return rows


def test_a_starter_sees_where_children_wait_in_the_catalogue_and_the_wizard(app):
    _seed(app)
    starter = client_as(app, "sofie", ["starter"])
    catalogue = starter.get("/t/aalst/starters/").get_data(as_text=True)
    assert "Waar kinderen op een plaats wachten" in catalogue
    # Centrum: 7 waiting, 5 past their start, median 40 days. Erembodegem's 2 would point at
    # families; Nieuwerkerken's 5 is hidden too, or Erembodegem's could be worked out from the
    # total of 14 the open data publishes.
    assert _rows(catalogue) == {
        "Centrum": ["7", "5", "40 dagen"],
        "Nieuwerkerken": ["minder dan 5", "0", "—"],
        "Erembodegem": ["minder dan 5", "0", "—"],
    }
    application_id = start(starter)
    wizard = starter.get(step_url(application_id, "project")).get_data(as_text=True)
    assert _rows(wizard) == _rows(catalogue)
    # Only on the project step, where the place is chosen.
    measures = starter.get(step_url(application_id, "measures")).get_data(as_text=True)
    assert 'id="unmet-demand"' not in measures


def test_no_figure_names_a_family(app):
    _seed(app)
    page = client_as(app, "sofie", ["starter"]).get("/t/aalst/starters/").get_data(as_text=True)
    assert "Peeters" not in page and "KindCen0" not in page


def test_a_municipality_without_the_loket_shows_no_figures_and_no_error(app):
    starter = client_as(app, "pieter", ["starter"], "brugge")
    page = starter.get("/t/brugge/starters/")
    assert page.status_code == 200
    assert "Waar kinderen op een plaats wachten" not in page.get_data(as_text=True)
    application_id = start(starter, "brugge")
    wizard = starter.get(step_url(application_id, "project", "brugge"))
    assert wizard.status_code == 200
    assert 'id="unmet-demand"' not in wizard.get_data(as_text=True)


def test_nothing_waiting_shows_no_table(app):
    page = client_as(app, "sofie", ["starter"]).get("/t/aalst/starters/")
    assert page.status_code == 200 and 'id="unmet-demand"' not in page.get_data(as_text=True)


def test_the_counts_for_the_demo_municipality_are_the_loket_requests_still_waiting(app):
    with tenant_db(app) as db:
        load_demo_data(db.get(Tenant, tenant_id(app, "aalst")), db, requests=300)
    # Counted here from the rows themselves: the family's area, else its first choice's.
    expected: dict[str, int] = {}
    with tenant_db(app) as db:
        locations = {location.id: location for location in db.exec(select(Location))}
        first = {
            p.request_id: p.location_id
            for p in db.exec(select(Preference).where(Preference.rank == 1))
        }
        for row in db.exec(select(ChildcareRequest)):
            if row.status not in ("open", "proposed"):
                continue
            area = row.area.strip() or (
                area_of(locations[first[row.id]]) if row.id in first else "-"
            )
            expected[area] = expected.get(area, 0) + 1
    page = client_as(app, "sofie", ["starter"]).get("/t/aalst/starters/").get_data(as_text=True)
    shown = _rows(page)
    assert shown, "the demo municipality has children waiting"
    assert set(shown) == set(expected) - {"-"}
    for area, cells in shown.items():
        if cells[0] == "minder dan 5":
            continue
        assert int(cells[0]) == expected[area], area
    assert any(cells[0] != "minder dan 5" for cells in shown.values())
    # A shown count is never a small one.
    assert all(cells[0] == "minder dan 5" or int(cells[0]) >= 5 for cells in shown.values())
