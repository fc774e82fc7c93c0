"""htmx updates announce themselves in a stable live region and place focus on purpose."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ADMIN = "/t/aalst/beheer/"


def test_switching_a_module_is_announced_in_the_live_region_that_stays(
    admin_page: Page, browser_log
):
    admin_page.goto(ADMIN)
    admin_page.evaluate("window.__announcer = document.getElementById('live-announcer')")
    announcer = admin_page.locator("#live-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    admin_page.locator("#plugin-probe button").click()
    admin_page.locator("#plugin-probe-confirm").click()  # after the switch-off warning
    expect(announcer).to_have_text("Proefmodule is uitgeschakeld.")
    assert admin_page.evaluate("window.__announcer.isConnected"), "the live region was replaced"
    admin_page.locator("#plugin-probe-toggle").focus()
    admin_page.locator("#plugin-probe-toggle").click()  # switching on needs no warning
    expect(announcer).to_have_text("Proefmodule is ingeschakeld.")
    expect(admin_page.locator("#plugin-probe-toggle")).to_be_focused()  # kept its place
    browser_log.assert_clean()


def test_focus_goes_to_the_swapped_regions_heading_when_the_focused_control_is_gone(
    admin_page: Page, browser_log
):
    admin_page.goto(ADMIN)
    # The switch-off warning's confirm button has focus when clicked, and the swap removes it.
    admin_page.locator("#plugin-probe button").click()
    admin_page.locator("#plugin-probe-confirm").click()
    expect(admin_page.locator("#live-announcer")).to_have_text("Proefmodule is uitgeschakeld.")
    focused = admin_page.evaluate("document.activeElement.tagName")
    assert focused != "BODY"
    expect(admin_page.locator("#plugin-list caption")).to_be_focused()
    browser_log.assert_clean()
