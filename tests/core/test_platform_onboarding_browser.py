"""A platform admin onboards a municipality in a real browser (Chromium, real CSRF, strict CSP):
fills the form by its labels, is told in the page what to correct, keeps what was typed, and finds
the new municipality answering; the pages pass axe-core without serious violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from core.models import Tenant, TenantHost
from tests.support.auth import make_user
from tests.support.browser import assert_accessible, signed_in_page

pytestmark = pytest.mark.browser

MUNICIPALITIES = "/t/aalst/beheer/platform/gemeenten"
ORGANISATIONS = "/t/aalst/beheer/platform/organisaties"


@pytest.fixture
def platform_page(browser, live_server, browser_log) -> Page:
    user = make_user(live_server.app, "platform-beheer", platform_admin=True)
    page = signed_in_page(browser, live_server, browser_log, user)
    yield page
    page.context.close()


def fill_gent(page: Page, *, slug: str) -> None:
    page.get_by_label("Korte naam (in het webadres /t/…)").fill(slug)
    page.get_by_label("Naam", exact=True).fill("Gent")
    page.get_by_label("Hostnamen, één per regel").fill("gent.test\nwww.gent.test")
    page.get_by_label("Regio", exact=True).fill("Oost-Vlaanderen")
    page.get_by_label("Contactadres (e-mail)").fill("kinderopvang@gent.be")
    page.get_by_label("Lokaal Loket Kinderopvang", exact=True).check()
    page.get_by_label("E-mailadres van de eerste beheerder").fill("beheer@gent.be")


def test_a_platform_admin_creates_a_municipality_after_correcting_a_taken_slug(
    platform_page: Page, live_server, browser_log, axe_violations
):
    page = platform_page
    page.goto("/t/aalst/beheer/leden")
    page.get_by_role("link", name="Platform: gemeenten en organisaties").click()
    expect(page.get_by_role("heading", name="Gemeenten op het platform")).to_be_visible()
    assert_accessible(page, axe_violations)

    fill_gent(page, slug="aalst")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Gemeente aanmaken").click()
    assert answer.value.status == 422
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("De korte naam aalst is al gebruikt door een andere gemeente.")
    # The summary links to the field; everything else typed is still there.
    summary.get_by_role("link").first.click()
    expect(page.locator("#municipality-slug")).to_be_focused()
    expect(page.get_by_label("Hostnamen, één per regel")).to_have_value("gent.test\nwww.gent.test")
    expect(page.get_by_label("Lokaal Loket Kinderopvang", exact=True)).to_be_checked()
    assert_accessible(page, axe_violations)

    page.get_by_label("Korte naam (in het webadres /t/…)").fill("gent")
    page.get_by_role("button", name="Gemeente aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text("Gent is aangemaakt")
    expect(page.locator("#municipality-gent")).to_contain_text("www.gent.test")

    with live_server.app.extensions["opvangplein.db"].session() as db:
        gent = db.exec(select(Tenant).where(Tenant.slug == "gent")).one()
        hosts = db.exec(select(TenantHost.host).where(TenantHost.tenant_id == gent.id)).all()
    assert sorted(hosts) == ["gent.test", "www.gent.test"]

    page.goto("/t/gent/")
    assert "Gent" in page.title() or "Gent" in page.content()

    page.goto(f"{MUNICIPALITIES}/gent")
    expect(
        page.get_by_label("Actief (inwoners en medewerkers kunnen de gemeente bereiken)")
    ).to_be_checked()
    assert_accessible(page, axe_violations)
    page.goto(ORGANISATIONS)
    assert_accessible(page, axe_violations)
    browser_log.assert_clean()
