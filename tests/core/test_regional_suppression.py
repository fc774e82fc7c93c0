"""The regional view hides a municipality's small counts, by the same rule as open data."""

from __future__ import annotations

import csv
import io

import pytest

from core import regional
from core.plugin_types import Figure
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

TENANTS = {
    slug: f'name = "{name}"\nhosts = ["{slug}.test"]\nregion = "Denderstreek"\nplugins = ["probe"]\n'
    for slug, name in (("aalst", "Aalst"), ("ninove", "Ninove"), ("lede", "Lede"))
}
WAITING = {"Aalst": 12, "Ninove": 3, "Lede": 9}


@pytest.fixture
def app(sqlite_settings, monkeypatch):
    def figures(session, tenant):
        return [
            Figure(
                key="waiting",
                label="Wachtende kinderen",
                value=WAITING[tenant.name],
                suppress_below=5,
            ),
            Figure(key="families", label="Gezinnen", value=WAITING[tenant.name]),
        ]

    monkeypatch.setattr(regional, "monitoring_figures", figures)
    return probe_app(sqlite_settings, tenants=TENANTS)


def _admin(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder-aalst", ["tenant_admin"])
    return client


def test_a_small_count_and_the_cell_that_would_give_it_away_are_hidden(app):
    text = _admin(app).get("/t/aalst/beheer/regio/cijfers.csv").get_data(as_text=True)
    rows = {row["figure"]: row for row in csv.DictReader(io.StringIO(text))}
    waiting = rows["Wachtende kinderen"]
    assert waiting["Ninove"] == "suppressed"
    # 24 − 12 would give Ninove's 3 away if Lede's 9 showed.
    assert waiting["Lede"] == "suppressed" and waiting["Aalst"] == "12"
    assert waiting["region"] == "24"
    # A figure that does not ask for it is shown as it is.
    assert rows["Gezinnen"]["Ninove"] == "3"


def test_the_page_says_hidden_instead_of_the_count(app):
    page = _admin(app).get("/t/aalst/beheer/regio/").get_data(as_text=True)
    row = page[
        page.index("Wachtende kinderen") : page.index("</tr>", page.index("Wachtende kinderen"))
    ]
    assert row.count("verborgen") == 2 and ">3<" not in row and ">9<" not in row
    assert "Kleine aantallen zijn verborgen" in page
