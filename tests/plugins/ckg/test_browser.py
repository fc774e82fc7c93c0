"""In Chromium: a school refers a family, the CKG accepts it at an antenna, the school sees it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, users
from tests.support.apps import probe_app
from tests.support.browser import (
    BrowserLog,
    assert_accessible,
    serve,
    signed_in_page,
)

pytestmark = pytest.mark.browser


def test_a_school_refers_the_ckg_accepts_at_an_antenna_and_the_school_sees_it(
    browser, sqlite_settings, axe_violations
):
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=CKG_TENANTS)
    world = build_world(app)
    people = users(world)
    log = BrowserLog()
    with serve(app) as server:
        school = signed_in_page(browser, server, log, people["sara"])
        school.goto("/t/aalst/ckg/doorverwijzen")
        assert_accessible(school, axe_violations)
        school.get_by_role("button", name="Doorverwijzing indienen").click()
        expect(school.locator("#error-summary")).to_be_visible()
        assert_accessible(school, axe_violations)

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
        assert_accessible(school, axe_violations)

        ckg = signed_in_page(browser, server, log, people["karim"])
        ckg.goto("/t/aalst/ckg/wachtrij")
        assert_accessible(ckg, axe_violations)
        ckg.get_by_role("link", name="CKG-").first.click()
        assert_accessible(ckg, axe_violations)
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
        assert_accessible(school, axe_violations)
        school.context.close()
        ckg.context.close()
    log.assert_clean()
