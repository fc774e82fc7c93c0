"""In Chromium: a school refers a family, the CKG accepts it at an antenna, the school sees it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.identity.sessions import open_session
from core.identity.web import AUTH_KEY
from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, users
from tests.support.apps import probe_app, tenant_id
from tests.support.browser import BrowserLog, serve

pytestmark = pytest.mark.browser
SERIOUS = {"serious", "critical"}


def _cookie(server, user, slug: str = "aalst") -> dict:
    """The session cookie a completed sign-in leaves (sign-in itself is tested by the core)."""
    app = server.app
    tenant = tenant_id(app, slug)
    with app.extensions["opvangplein.db"].tenant_session(tenant) as db:
        token = open_session(db, user_id=user.id, provider="browser-test", id_token="")
    serializer = app.session_interface.get_signing_serializer(app)
    return {
        "name": app.config["SESSION_COOKIE_NAME"],
        "value": serializer.dumps({AUTH_KEY: {str(tenant): token}}),
        "url": server.url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def _page_for(browser, server, user, log: BrowserLog) -> Page:
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    context.set_default_timeout(5_000)
    context.add_cookies([_cookie(server, user)])
    page = context.new_page()
    log.watch(page)
    return page


def _assert_accessible(page: Page, axe_violations) -> None:
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in axe_violations(page)
        if v["impact"] in SERIOUS
    ]
    assert serious == [], f"{page.url}: {serious}"


def test_a_school_refers_the_ckg_accepts_at_an_antenna_and_the_school_sees_it(
    browser, sqlite_settings, axe_violations
):
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=CKG_TENANTS)
    world = build_world(app)
    people = users(world)
    log = BrowserLog()
    with serve(app) as server:
        school = _page_for(browser, server, people["sara"], log)
        school.goto("/t/aalst/ckg/doorverwijzen")
        _assert_accessible(school, axe_violations)
        school.get_by_role("button", name="Doorverwijzing indienen").click()
        expect(school.locator("#error-summary")).to_be_visible()
        _assert_accessible(school, axe_violations)

        school.fill("#parent-1-name", "Sofie Janssens")
        school.fill("#child-1-name", "Lotte")
        school.fill("#child-1-birth_date", "2022-03-01")
        school.check("#domain-parenting")
        school.check("#offer-home")
        school.check("#urgency-soon")
        school.check("#consent-given")
        school.get_by_role("button", name="Doorverwijzing indienen").click()
        expect(school.locator(".referral-status")).to_have_text("ingediend")
        referral_url = school.url.split("?")[0]
        _assert_accessible(school, axe_violations)

        ckg = _page_for(browser, server, people["karim"], log)
        ckg.goto("/t/aalst/ckg/wachtrij")
        _assert_accessible(ckg, axe_violations)
        ckg.get_by_role("link", name="CKG-").first.click()
        _assert_accessible(ckg, axe_violations)
        ckg.check("#target-received")
        ckg.get_by_role("button", name="Stap bewaren").click()
        ckg.check("#target-intake_planned")
        ckg.fill("#intake_on", "2026-12-01")
        ckg.get_by_role("button", name="Stap bewaren").click()
        ckg.check("#target-accepted")
        ckg.select_option("#offer", "home")
        ckg.select_option("#antenna", label="Antenne Genk")
        ckg.fill("#starts_on", "2026-12-15")
        ckg.get_by_role("button", name="Stap bewaren").click()
        expect(ckg.locator(".referral-status")).to_have_text("aanvaard")
        ckg.fill("#message", "Welkom in Antenne Genk vanaf 15 december.")
        ckg.get_by_role("button", name="Bericht bewaren").click()

        school.goto(referral_url)
        expect(school.locator(".referral-status")).to_have_text("aanvaard")
        expect(school.locator("main")).to_contain_text("Antenne Genk")
        expect(school.locator(".message-to-referrer")).to_have_text(
            "Welkom in Antenne Genk vanaf 15 december."
        )
        _assert_accessible(school, axe_violations)
        school.context.close()
        ckg.context.close()
    log.assert_clean()
