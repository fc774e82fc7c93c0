"""In Chromium at 390 px: an intern logs a dated day of internship, the mentor at the placement
confirms it, and the school sees the confirmed hours count towards graduation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.plugins.training.conftest import TRAINING_TENANTS, build_world, member, people
from tests.plugins.training.test_internship_hours import intern
from tests.support.apps import probe_app
from tests.support.browser import BrowserLog, assert_accessible, serve, signed_in_page

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_an_intern_logs_hours_the_mentor_confirms_and_the_school_sees_them_count(
    browser, sqlite_settings, axe_violations
):
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=TRAINING_TENANTS)
    world = build_world(app)
    candidate_id = intern(world)
    users = people(world)
    mia = member(app, "mia", "kdv-zonnetje")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    log = BrowserLog()
    with serve(app) as server:
        an = signed_in_page(browser, server, log, users["an"])
        an.set_viewport_size(PHONE)
        an.goto("/t/aalst/opleiding/mijn-traject")
        an.fill("#worked_on", (date.today() + timedelta(days=1)).isoformat())
        an.fill("#hours", "6")
        an.fill("#description", "Verzorging en spel met de peuters")
        an.get_by_role("button", name="Uren registreren").click()
        expect(an.locator("#error-summary")).to_contain_text("al begonnen")
        fits_the_phone(an)
        an.fill("#worked_on", yesterday)
        an.get_by_role("button", name="Uren registreren").click()
        expect(an.locator(".hours-status")).to_have_text("Wacht op de mentor")
        fits_the_phone(an)
        assert_accessible(an, axe_violations)

        mentor = signed_in_page(browser, server, log, mia)
        mentor.set_viewport_size(PHONE)
        mentor.goto("/t/aalst/opleiding/stagebegeleiding")
        expect(mentor.get_by_role("heading", name="Lotte Peeters")).to_be_visible()
        fits_the_phone(mentor)
        assert_accessible(mentor, axe_violations)
        mentor.get_by_label("Beslissing").select_option("confirmed")
        mentor.get_by_role("button", name="Beslissing bewaren").click()
        expect(mentor.locator(".hours-status")).to_have_text("Bevestigd")
        fits_the_phone(mentor)

        school = signed_in_page(browser, server, log, users["sara"])
        school.set_viewport_size(PHONE)
        school.goto(f"/t/aalst/opleiding/kandidaten/{candidate_id}")
        expect(school.locator(".confirmed-hours")).to_contain_text("6")
        expect(school.locator(".hours-status")).to_have_text("Bevestigd")
        fits_the_phone(school)
        assert_accessible(school, axe_violations)
        for page in (an, mentor, school):
            page.context.close()
    log.assert_clean()


def test_a_day_the_school_logs_counts_only_after_the_mentor_confirms_it(
    browser, sqlite_settings, axe_violations
):
    """The school logs a day for its intern; graduating is refused with the counts until the
    mentor at the placement confirms it."""
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=TRAINING_TENANTS)
    world = build_world(app)
    candidate_id = intern(world)  # the cohort requires 8 hours
    users = people(world)
    mia = member(app, "mia", "kdv-zonnetje")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    log = BrowserLog()
    with serve(app) as server:
        school = signed_in_page(browser, server, log, users["sara"])
        school.set_viewport_size(PHONE)
        school.goto(f"/t/aalst/opleiding/kandidaten/{candidate_id}")
        expect(school.locator(".candidate-stage")).to_have_text("Stage")
        school.fill("#worked_on", yesterday)
        school.fill("#hours", "8")
        school.fill("#description", "Stagedag op de babygroep")
        school.get_by_role("button", name="Dag registreren").click()
        expect(school.locator(".hours-status")).to_have_text("Wacht op de mentor")
        expect(school.locator(".confirmed-hours")).to_contain_text("0")
        fits_the_phone(school)
        assert_accessible(school, axe_violations)

        school.locator("input[name=target][value=graduated]").check()
        school.get_by_role("button", name="Stap bewaren").click()
        summary = school.locator("#error-summary")
        expect(summary).to_contain_text("0 bevestigd door de mentor")
        expect(summary).to_contain_text("8 wachten op de mentor")
        expect(summary).to_contain_text("8 nodig")
        fits_the_phone(school)
        assert_accessible(school, axe_violations)

        mentor = signed_in_page(browser, server, log, mia)
        mentor.set_viewport_size(PHONE)
        mentor.goto("/t/aalst/opleiding/stagebegeleiding")
        expect(mentor.get_by_text("Stagedag op de babygroep")).to_be_visible()
        mentor.get_by_label("Beslissing").select_option("confirmed")
        mentor.get_by_role("button", name="Beslissing bewaren").click()
        expect(mentor.locator(".hours-status")).to_have_text("Bevestigd")

        school.goto(f"/t/aalst/opleiding/kandidaten/{candidate_id}")
        expect(school.locator(".confirmed-hours")).to_contain_text("8")
        school.locator("input[name=target][value=graduated]").check()
        school.get_by_role("button", name="Stap bewaren").click()
        expect(school.locator(".candidate-stage")).to_have_text("Afgestudeerd")
        expect(school.locator("#error-summary")).to_have_count(0)
        for page in (school, mentor):
            page.context.close()
    log.assert_clean()
