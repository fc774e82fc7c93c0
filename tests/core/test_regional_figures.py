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
    assert "gemiddeld 75<" in page  # nl-BE: no point, no decimal that is zero


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


def _statements(app):
    """Counts the SQL statements every engine of ``app`` runs."""
    import sqlalchemy as sa

    database = app.extensions["opvangplein.db"]
    counted = []
    for engine in {database.engine, database.platform_engine}:
        sa.event.listen(engine, "before_cursor_execute", lambda *args: counted.append(1))
    return counted


def _region_of(count: int) -> dict:
    return {
        f"gemeente{number}": f'name = "Gemeente {number}"\nhosts = ["g{number}.test"]\n'
        'region = "Proefregio"\nplugins = ["probe"]\n'
        for number in range(count)
    }


@pytest.mark.parametrize("count", [3, 12])
def test_the_regional_page_costs_the_same_queries_for_3_or_12_municipalities(
    sqlite_settings, count
):
    from core.regional import regional_table

    app = probe_app(sqlite_settings, tenants=_region_of(count))
    database = app.extensions["opvangplein.db"]
    with app.test_request_context("/"):
        first = regional_table(database, "Proefregio")  # computes and stores each snapshot
        counted = _statements(app)
        again = regional_table(database, "Proefregio")
    assert len(first.municipalities) == len(again.municipalities) == count
    assert [f.by_municipality for f in again.figures] == [f.by_municipality for f in first.figures]
    # tenants of the region, snapshots of the region, and the platform session's audit entry
    assert len(counted) <= 6, f"{len(counted)} statements for {count} municipalities"


def test_the_job_refreshes_snapshots_and_an_old_snapshot_is_computed_anew(app):
    from datetime import timedelta

    from core.db import utcnow
    from core.jobs.runner import run_job
    from core.regional import STALE_AFTER, regional_table

    database = app.extensions["opvangplein.db"]
    with app.test_request_context("/"):
        assert _gezinnen(regional_table(database, "Denderstreek")) == {"Aalst": 4, "Ninove": 2}
    _families(app, "aalst", 3, with_children=0)
    with app.test_request_context("/"):
        # Fresh snapshots are what the page shows, until the job or their age says otherwise.
        assert _gezinnen(regional_table(database, "Denderstreek"))["Aalst"] == 4
        run_job(app, "core.regional-figures")
        assert _gezinnen(regional_table(database, "Denderstreek"))["Aalst"] == 7
        _families(app, "ninove", 1, with_children=0)
        later = utcnow() + STALE_AFTER + timedelta(minutes=1)
        assert _gezinnen(regional_table(database, "Denderstreek", now=later))["Ninove"] == 3


def _gezinnen(table):
    [figure] = [f for f in table.figures if f.label == "Gezinnen"]
    return figure.by_municipality


def test_each_reader_gets_the_labels_in_their_own_language(app, monkeypatch):
    from flask_babel import lazy_gettext

    from core import regional
    from core.plugin_types import Figure

    def figures(session, tenant):  # a label from a catalog, as modules write them
        return [Figure(key="x", label=lazy_gettext("Fill in a date."), value=1)]

    monkeypatch.setattr(regional, "monitoring_figures", figures)
    dutch = _admin(app, "aalst")
    assert "Vul een datum in." in dutch.get("/t/aalst/beheer/regio/").get_data(as_text=True)
    english = _admin(app, "ninove")
    english.get("/t/ninove/taal/en")
    page = english.get("/t/ninove/beheer/regio/").get_data(as_text=True)
    assert "Fill in a date." in page and "Vul een datum in." not in page
    assert "Figures as computed at" in page
