"""The platform home is a front door (find your municipality by name or postcode, without
JavaScript), and each municipality writes its own intro and contact block for its home page."""

from __future__ import annotations

import re

from sqlmodel import select

from core.models import AuditEntry
from tests.support.apps import TENANT_FILES, probe_app, tenant_id
from tests.support.auth import signed_in_as

TENANTS = {
    **TENANT_FILES,
    "aalst": TENANT_FILES["aalst"] + 'region = "Denderstreek"\npostcodes = ["9300", "9310"]\n',
}


def municipalities_listed(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'class="municipality-list__name">([^<]+)<', html)


def test_the_platform_home_finds_a_municipality_by_name_part_or_postcode(sqlite_settings):
    client = probe_app(sqlite_settings, tenants=TENANTS).test_client()
    assert municipalities_listed(client.get("/")) == ["Aalst", "Brugge"]
    assert municipalities_listed(client.get("/?q=brug")) == ["Brugge"]
    assert municipalities_listed(client.get("/?q=  AALST ")) == ["Aalst"]
    assert municipalities_listed(client.get("/?q=9310")) == ["Aalst"]
    assert municipalities_listed(client.get("/?q=dender")) == ["Aalst"]


def test_a_search_that_finds_nothing_says_so_and_offers_the_whole_list(sqlite_settings):
    client = probe_app(sqlite_settings, tenants=TENANTS).test_client()
    page = client.get("/?q=9999")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert municipalities_listed(page) == []
    assert "Geen gemeente gevonden voor “9999”" in html
    assert 'href="/">Toon alle gemeenten</a>' in html


def test_an_overlong_or_garbled_search_is_a_message_not_an_error(sqlite_settings):
    client = probe_app(sqlite_settings, tenants=TENANTS).test_client()
    page = client.get("/?q=" + "x" * 150)
    assert page.status_code == 200
    assert 'id="error-summary"' in page.get_data(as_text=True)
    assert municipalities_listed(page) == ["Aalst", "Brugge"]
    garbled = client.get("/?q=%00aalst")
    assert garbled.status_code in (200, 400)
    assert "Traceback" not in garbled.get_data(as_text=True)


def test_a_postcode_of_a_childcare_location_finds_its_municipality(sqlite_settings):
    from plugins.loket.models import Location

    app = probe_app(sqlite_settings, tenants=TENANTS)
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        db.add(
            Location(
                name="De Kleine Wereld",
                address="Kerkstraat 1",
                postcode="9320",
                kind="groepsopvang",
                import_key="kleine-wereld",
            )
        )
    assert municipalities_listed(app.test_client().get("/?q=9320")) == ["Aalst"]


def test_the_tenant_admin_writes_the_home_pages_intro_and_contact_block(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    saved = client.post(
        "/t/aalst/beheer/thuispagina",
        data={
            "intro": "Welkom bij de kinderopvang van Aalst.\n\nWe helpen je graag.",
            "address": "Grote Markt 3\n9300 Aalst",
            "phone": "053 77 93 00",
            "email": "Kinderopvang@Aalst.be",
            "opening_hours": "Maandag tot vrijdag 9.00–12.00",
        },
        follow_redirects=True,
    )
    html = saved.get_data(as_text=True)
    assert 'role="status"' in html and "De startpagina is bewaard." in html
    home = client.get("/t/aalst/").get_data(as_text=True)
    assert '<p class="utrecht-paragraph">We helpen je graag.</p>' in home
    assert "Grote Markt 3<br>9300 Aalst" in home
    assert 'href="tel:053779300"' in home
    assert 'href="mailto:Kinderopvang@aalst.be"' in home
    assert "Maandag tot vrijdag 9.00–12.00" in home
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        actions = db.exec(select(AuditEntry.action)).all()
    assert "home_profile.updated" in actions


def test_a_home_page_without_a_contact_block_shows_the_general_intro(sqlite_settings):
    home = probe_app(sqlite_settings).test_client().get("/t/aalst/").get_data(as_text=True)
    assert "contact-heading" not in home
    assert "Kinderopvang, gezinsondersteuning en partners" in home


def test_bad_contact_details_are_refused_with_messages_and_nothing_is_saved(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    refused = client.post(
        "/t/aalst/beheer/thuispagina",
        data={"intro": "x" * 1001, "phone": "bel ons", "email": "a@b,c@d", "address": "\x1b[31m"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for field_id in ("home-intro", "home-phone", "home-email", "home-address"):
        assert f'href="#{field_id}"' in html
    assert "bel ons" in html  # shown again to correct
    assert "contact-heading" not in client.get("/t/aalst/").get_data(as_text=True)


def test_only_the_tenant_admin_may_change_the_home_page(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "ouder", ["parent"])
    assert client.post("/t/aalst/beheer/thuispagina", data={"intro": "Gehackt"}).status_code == 403
    assert "Gehackt" not in client.get("/t/aalst/").get_data(as_text=True)


def test_a_tenant_file_with_a_wrong_postcode_is_refused(sqlite_settings):
    import pytest

    from core.tenant_files import TenantFileError

    with pytest.raises(TenantFileError, match="postcodes must be four digits"):
        probe_app(sqlite_settings, tenants={"aalst": 'name = "Aalst"\npostcodes = ["93000"]\n'})
