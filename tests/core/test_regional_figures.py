"""A region's figures: each municipality's own, added up by the rule each figure states."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from tests.core.probe_plugin import ProbeChild, ProbeFamily
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as

TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nregion = "Denderstreek"\nplugins = ["probe"]\n',
    "ninove": 'name = "Ninove"\nhosts = ["ninove.test"]\nregion = "Denderstreek"\nplugins = ["probe"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nregion = "Brugse Ommeland"\nplugins = ["probe"]\n',
    "gent": 'name = "Gent"\nhosts = ["gent.test"]\nplugins = ["probe"]\n',
}


def _families(app, slug, count, with_children):
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, slug)) as session:
        for number in range(count):
            family = ProbeFamily(name=f"Gezin {number} {slug}")
            session.add(family)
            session.flush()
            if number < with_children:
                session.add(ProbeChild(name=f"Kind {number}", family_id=family.id))


@pytest.fixture
def app(sqlite_settings):
    app = probe_app(sqlite_settings, tenants=TENANTS)
    _families(app, "aalst", 4, with_children=2)  # 50 %
    _families(app, "ninove", 2, with_children=2)  # 100 %
    _families(app, "brugge", 7, with_children=0)
    return app


def _admin(app, slug):
    client = app.test_client()
    signed_in_as(client, app, slug, f"beheerder-{slug}", ["tenant_admin"])
    return client


def _rows(text):
    return {row["figure"]: row for row in csv.DictReader(io.StringIO(text))}


def test_the_region_adds_counts_and_averages_shares_of_its_municipalities_only(app):
    response = _admin(app, "aalst").get("/t/aalst/beheer/regio/cijfers.csv")
    assert response.status_code == 200
    rows = _rows(response.get_data(as_text=True))
    assert rows["Gezinnen"]["Aalst"] == "4" and rows["Gezinnen"]["Ninove"] == "2"
    assert rows["Gezinnen"]["region"] == "6"
    assert "Brugge" not in rows["Gezinnen"]
    assert rows["Gezinnen met kinderen"]["region"] == "75.0"
    assert rows["Gezinnen met kinderen"]["region_rule"] == "mean"
    assert rows["Laatste dossiernummer"]["region"] == ""


def test_the_page_shows_each_municipality_and_the_total(app):
    page = _admin(app, "ninove").get("/t/ninove/beheer/regio/").get_data(as_text=True)
    assert "Denderstreek" in page and "Aalst" in page and "Ninove" in page
    assert "Brugge" not in page
    assert "gemiddeld 75.0" in page


def test_a_municipality_without_region_is_told_so(app):
    page = _admin(app, "gent").get("/t/gent/beheer/regio/")
    assert page.status_code == 200
    assert "nog geen deel van een regio" in page.get_data(as_text=True)
    csv_text = _admin(app, "gent").get("/t/gent/beheer/regio/cijfers.csv").get_data(as_text=True)
    assert csv_text.strip() == "figure,unit,region,region_rule"


def test_only_tenant_admins_see_regional_figures(app):
    client = app.test_client()
    assert client.get("/t/aalst/beheer/regio/").status_code == 401
    signed_in_as(client, app, "aalst", "ouder", ["parent"])
    assert client.get("/t/aalst/beheer/regio/").status_code == 403
    assert client.get("/t/aalst/beheer/regio/cijfers.csv").status_code == 403


def test_the_command_line_prints_a_region(app):
    runner = CliRunner()
    with app.app_context():
        result = runner.invoke(app.cli, ["figures", "region", "Brugse Ommeland"])
        unknown = runner.invoke(app.cli, ["figures", "region", "Atlantis"])
    assert result.exit_code == 0, result.output
    assert _rows(result.output)["Gezinnen"]["Brugge"] == "7"
    assert unknown.exit_code != 0 and "no active municipality" in unknown.output


def test_a_figure_label_typed_as_a_formula_stays_text_in_the_export(app, monkeypatch):
    from core import regional
    from core.plugin_types import Figure

    def figures(session, tenant):
        return [Figure(key="x", label='=HYPERLINK("http://evil.test","Klik")', value=1)]

    monkeypatch.setattr(regional, "monitoring_figures", figures)
    text = _admin(app, "aalst").get("/t/aalst/beheer/regio/cijfers.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
