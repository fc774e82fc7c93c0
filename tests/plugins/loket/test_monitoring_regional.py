"""The regional view shows the loket's own figures, through the hook, hidden where small and
labelled in the reader's language."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

TENANTS = {
    slug: f'name = "{name}"\nhosts = ["{slug}.test"]\nregion = "Denderstreek"\n'
    'plugins = ["probe", "loket"]\n'
    for slug, name in (("aalst", "Aalst"), ("ninove", "Ninove"), ("lede", "Lede"))
}


@pytest.fixture
def app(sqlite_settings):
    app = probe_app(sqlite_settings, tenants=TENANTS)
    for slug, waiting in (("aalst", 12), ("ninove", 3), ("lede", 9)):
        with tenant_db(app, slug) as db:
            location = make_location(db, f"Opvang {slug}")
            for number in range(waiting):
                row = make_request(
                    db,
                    "Kind",
                    [location],
                    submitted=datetime.now(UTC) - timedelta(days=30 + number),
                )
                row.birth_date = TODAY - timedelta(days=120)  # a baby
    return app


def _admin(app, language=None):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder-aalst", ["tenant_admin"])
    if language:
        client.get(f"/t/aalst/taal/{language}")
    return client


def _row(page: str, label: str) -> str:
    start = page.index(label)
    return page[start : page.index("</tr>", start)]


def test_the_region_shows_the_loket_figures_with_small_counts_hidden(app):
    text = _admin(app).get("/t/aalst/beheer/regio/cijfers.csv").get_data(as_text=True)
    rows = {row["figure"]: row for row in csv.DictReader(io.StringIO(text))}
    waiting = rows["Kinderen die wachten op een plaats"]
    assert (waiting["Aalst"], waiting["Ninove"], waiting["Lede"]) == (
        "12",
        "suppressed",
        "suppressed",
    )
    assert waiting["region"] == "24"
    assert rows["Baby's die wachten op een plaats"]["Ninove"] == "suppressed"
    # Waiting times over Ninove's three children are not reported at all.
    median = rows["Mediaan wachttijd tot nu van kinderen die nog wachten"]
    assert median["Ninove"] == "" and median["Aalst"] != "" and median["region_rule"] == "mean"
    for row in rows.values():
        counts = [row[name] for name in ("Aalst", "Ninove", "Lede")] + [row["region"]]
        if row["unit"] == "":
            assert not any(value in {"1", "2", "3", "4"} for value in counts), row


def test_the_regional_page_speaks_english_to_an_english_reader(app):
    dutch = _admin(app).get("/t/aalst/beheer/regio/").get_data(as_text=True)
    assert "Kinderen die wachten op een plaats" in dutch
    assert "verborgen" in _row(dutch, "Kinderen die wachten op een plaats")
    english = _admin(app, "en").get("/t/aalst/beheer/regio/").get_data(as_text=True)
    assert "Children waiting for a place" in english and "Babies waiting for a place" in english
    assert "Median wait so far of children still waiting (days)" in english
    assert "Kinderen die wachten op een plaats" not in english
    assert "hidden" in _row(english, "Children waiting for a place")
