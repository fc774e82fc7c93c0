"""A parent's whole journey on a phone, in Chromium: the request, a round without a place and why,
a later round's offer with everything the family needs to decide, and the accepted place.

Another family registered earlier wants the same first choice, so the parent sees the reason in
plain words after the first round and again with the offer from the second choice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from core.identity.models import Organisation, OrganisationGrant
from plugins.loket.services import report_free_place
from tests.plugins.loket.conftest import make_location, make_request, tenant_db
from tests.plugins.loket.test_browser import assert_accessible, open_as, session_cookie

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_parent_on_a_phone_learns_why_gets_a_full_offer_and_accepts_it(
    browser, live_server, browser_log, axe_violations
):
    app = live_server.app
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        provider_organisation = Organisation(
            slug="kdv-regenboog", name="KDV Regenboog", kind="provider"
        )
        db.add(provider_organisation)
    with tenant_db(app) as db:
        db.add(OrganisationGrant(organisation_id=provider_organisation.id, modules=["loket"]))
        zonnebloem = make_location(db, "Zonnebloem", places=1)
        regenboog = make_location(db, "Regenboog", organisation_id=provider_organisation.id)
        regenboog.contact_phone = "053 11 22 33"
        regenboog.address = "Molenstraat 7"
        regenboog_id = regenboog.id
        make_request(db, "Bram", [zonnebloem], submitted=datetime.now(UTC) - timedelta(days=60))

    parent = open_as(
        browser, live_server, browser_log, session_cookie(live_server, "an", ["parent"])
    )
    parent.set_viewport_size(PHONE)
    parent.goto("/t/aalst/loket/aanvraag/nieuw")
    assert not scrolls_sideways(parent), "the request form scrolls sideways on a phone"
    # The first child's fields; a brother or sister has the same labels in its own group.
    child = parent.get_by_role("group", name="Het kind")
    child.get_by_label("Voornaam").fill("Lotte")
    child.get_by_label("Familienaam").fill("Claes")
    child.get_by_label("Geboortedatum", exact=True).fill(
        (date.today() - timedelta(days=100)).isoformat()
    )
    parent.get_by_label("Gewenste startdatum").fill(date.today().isoformat())
    parent.get_by_label("maandag voormiddag").check()
    parent.get_by_label("Keuze 1").select_option(label="Zonnebloem (Groepsopvang, 9300)")
    parent.get_by_label("Keuze 2").select_option(label="Regenboog (Groepsopvang, 9300)")
    parent.get_by_role("button", name="Aanvraag versturen").click()
    expect(parent.get_by_text("Je aanvraag is verstuurd.")).to_be_visible()

    staff = open_as(
        browser, live_server, browser_log, session_cookie(live_server, "loket", ["staff:loket"])
    )
    staff.goto("/t/aalst/loket/rondes")
    staff.get_by_role("button", name="Een ronde starten").click()
    staff.get_by_role("button", name="Ja, start de ronde").click()  # the second step
    expect(staff.get_by_text("De ronde deed 1 voorstellen.")).to_be_visible()

    # After a round without a place the parent reads why, per choice, in plain words.
    parent.goto("/t/aalst/loket/mijn-aanvragen")
    why = parent.locator(".round-explanation")
    expect(why.get_by_role("heading", name="Waarom er nog geen plaats is")).to_be_visible()
    expect(why).to_contain_text("Keuze 1, Zonnebloem")
    expect(why).to_contain_text("Keuze 2, Regenboog")
    assert not scrolls_sideways(parent), "the explanation scrolls sideways on a phone"
    assert_accessible(parent, axe_violations, "request with explanation")

    with tenant_db(app) as db:
        from plugins.loket.models import Location

        report_free_place(
            db,
            db.get(Location, regenboog_id),
            age_group="baby",
            available_from=date.today(),
            places=1,
            days=[],
            quota_percent=0,
            actor="test",
        )
    staff.goto("/t/aalst/loket/rondes")
    staff.get_by_role("button", name="Een ronde starten").click()
    staff.get_by_role("button", name="Ja, start de ronde").click()  # the second step
    expect(staff.get_by_text("De ronde deed 1 voorstellen.")).to_be_visible()

    provider = open_as(
        browser,
        live_server,
        browser_log,
        session_cookie(live_server, "regenboog", [], organisation=provider_organisation.id),
    )
    provider.set_viewport_size(PHONE)
    provider.goto("/t/aalst/loket/plaatsen")
    provider.get_by_role("button", name="Bevestigen").click()
    expect(provider.get_by_text("Je hebt het voorstel bevestigd")).to_be_visible()

    # The offer says where, from when, which days, at what price type and whom to call, and why
    # the first choice did not work out.
    parent.goto("/t/aalst/loket/mijn-aanvragen")
    offer = parent.locator(".offer-details")
    expect(offer).to_contain_text("Molenstraat 7")
    expect(offer).to_contain_text("maandag voormiddag")
    expect(offer).to_contain_text("Inkomensgerelateerd")
    expect(offer).to_contain_text("053 11 22 33")
    expect(offer.get_by_role("link", name="Toon op de kaart")).to_have_attribute(
        "href", "https://www.openstreetmap.org/search?query=Molenstraat%207%2C%209300%20Aalst"
    )
    expect(parent.locator(".offer-why")).to_contain_text("Keuze 1, Zonnebloem")
    assert not scrolls_sideways(parent), "the offer scrolls sideways on a phone"
    assert_accessible(parent, axe_violations, "offer")
    parent.get_by_role("button", name="De plaats aanvaarden").click()
    expect(parent.get_by_text("Je hebt de plaats aanvaard.")).to_be_visible()
    expect(parent.get_by_role("heading", name="Lotte Claes — Geplaatst")).to_be_visible()
    expect(parent.locator(".placement")).to_contain_text("Regenboog, Molenstraat 7, 9300 Aalst")
    assert not scrolls_sideways(parent)
    browser_log.assert_clean()
