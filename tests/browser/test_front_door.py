"""The platform home as a resident uses it: find the municipality without JavaScript, in a
page axe finds nothing serious on, and the municipality's own home page with its contact block."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import assert_accessible

pytestmark = pytest.mark.browser


def test_a_resident_finds_the_municipality_by_name_without_javascript(
    browser, live_server, axe_violations, browser_log
):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-BE", java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Naam of postcode van je gemeente").fill("brug")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=brug")
    names = page.locator(".municipality-list__name")
    expect(names).to_have_text(["Brugge"])
    expect(page.locator("#municipalities-heading")).to_contain_text("1 gemeente gevonden")
    page.get_by_role("link", name="Brugge").click()
    page.wait_for_url("**/t/brugge/")
    context.close()


def test_the_front_door_is_accessible_and_fits_a_phone(page: Page, axe_violations, browser_log):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/?q=aalst")
    expect(page.locator(".municipality-list__name")).to_have_text(["Aalst"])
    assert_accessible(page, axe_violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto("/?q=9999")
    expect(page.locator("main")).to_contain_text("Geen gemeente gevonden voor “9999”")
    assert_accessible(page, axe_violations)
    browser_log.assert_clean()


def test_the_admin_writes_a_contact_block_that_residents_see(
    admin_page: Page, axe_violations, browser_log
):
    admin_page.goto("/t/aalst/beheer/")
    admin_page.get_by_label("Introductie op de startpagina").fill("Welkom in Aalst.")
    admin_page.get_by_label("Telefoon").fill("053 77 93 00")
    admin_page.get_by_label("Openingsuren").fill("Maandag 9.00–12.00")
    admin_page.get_by_role("button", name="Startpagina bewaren").click()
    expect(admin_page.get_by_role("status")).to_contain_text("De startpagina is bewaard.")
    assert_accessible(admin_page, axe_violations)
    admin_page.goto("/t/aalst/")
    contact = admin_page.get_by_role("region", name="Contact met Aalst")
    expect(contact).to_contain_text("053 77 93 00")
    expect(admin_page.locator("main")).to_contain_text("Welkom in Aalst.")
    admin_page.set_viewport_size({"width": 320, "height": 640})
    assert admin_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(admin_page, axe_violations)
    browser_log.assert_clean()
