"""In Chromium: a CKG worker's day (on a desk and on a 390 px phone) and a family withdrawing
its consent so that a network case consultation can no longer use it."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.db import utcnow
from core.local_time import to_local
from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, organisation, users
from tests.plugins.ckg.helpers import antenna_named, family_confirms, step, submit
from tests.plugins.ckg.test_consent import _ask_hook
from tests.support.apps import probe_app
from tests.support.browser import BrowserLog, assert_accessible, serve, signed_in_page

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


@contextmanager
def _without_csrf(app):
    """Set-up requests through the test client (the browser's own requests carry the token)."""
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def _no_sideways_scroll(page, width: int) -> None:
    if width == PHONE_WIDTH:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= PHONE_WIDTH, f"{page.url} scrolls sideways: {scroll} px"


def _day(offset: int) -> str:
    return (to_local(utcnow()) + timedelta(days=offset)).date().isoformat()


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_a_ckg_workers_day(browser, sqlite_settings, axe_violations, width):
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=CKG_TENANTS)
    world = build_world(app)
    people = users(world)
    with _without_csrf(app):
        # A school referred a family in crisis, and another family that is not today's work.
        submit(world.client_for(people["sara"]), urgency="crisis")
        submit(world.client_for(people["sara"]), **{"parent-1-name": "Jan Peeters"})
    log = BrowserLog()
    with serve(app) as server:
        worker = signed_in_page(browser, server, log, people["karim"])
        worker.set_viewport_size({"width": width, "height": 900})

        # The workspace: every municipality; find the family by the mother's name.
        worker.goto("/t/aalst/ckg/werkruimte")
        _no_sideways_scroll(worker, width)
        assert_accessible(worker, axe_violations)
        worker.fill("#filter-q", "Janssens")
        worker.get_by_role("button", name="Filteren").click()
        expect(worker.locator("#workspace-count")).to_have_text("1 zaak gevonden.")
        worker.locator("#workspace-aalst").get_by_role("link", name="CKG-").click()
        expect(worker.locator("h1")).to_contain_text("Doorverwijzing CKG-")
        reference = worker.locator("h1").inner_text().split()[-1]
        _no_sideways_scroll(worker, width)
        assert_accessible(worker, axe_violations)

        # A crisis: received, then accepted at once (no intake first).
        worker.check("#target-received")
        worker.get_by_role("button", name="Stap bewaren").click()
        expect(worker.locator(".referral-status")).to_have_text("ontvangen")
        worker.check("#target-accepted")
        worker.select_option("#offer", "home")
        worker.select_option("#antenna", label="Antenne Genk")
        worker.fill("#starts_on", _day(0))
        worker.get_by_role("button", name="Stap bewaren").click()
        expect(worker.locator(".referral-status")).to_have_text("aanvaard")

        # A short stay beside the home guidance: seven weeks is refused with the long-stay route.
        worker.select_option("#add-offer", "short_stay")
        worker.select_option("#add-antenna", label="Antenne Genk")
        worker.fill("#add-starts_on", _day(1))
        worker.fill("#add-planned_end", _day(1 + 49))
        worker.get_by_role("button", name="Aanbod toevoegen").click()
        expect(worker.locator("#error-summary")).to_contain_text("hoogstens zes weken")
        expect(worker.locator("#error-summary")).to_contain_text("langdurig verblijf")
        _no_sideways_scroll(worker, width)
        assert_accessible(worker, axe_violations)
        worker.select_option("#add-offer", "short_stay")
        worker.select_option("#add-antenna", label="Antenne Genk")
        worker.fill("#add-starts_on", _day(1))
        worker.fill("#add-planned_end", _day(1 + 14))
        worker.get_by_role("button", name="Aanbod toevoegen").click()
        episodes = worker.locator("#offer-episodes tbody tr")
        expect(episodes).to_have_count(2)
        expect(episodes.nth(1)).to_contain_text("Kortdurend verblijf")
        _no_sideways_scroll(worker, width)

        # The family takes the child home after the first night: the stay ends early.
        stay = episodes.nth(1)
        stay.locator('input[name="ended_on"]').fill(_day(2))
        stay.get_by_role("button", name="Dit aanbod beëindigen").click()
        ended = worker.locator("#offer-episodes tbody tr").nth(1)
        expect(ended).to_contain_text("Kortdurend verblijf")
        expect(ended.get_by_role("button", name="Dit aanbod beëindigen")).to_have_count(0)

        # The family stops before the guidance starts: an accepted case closes directly.
        worker.check("#target-closed")
        worker.select_option("#outcome", "stopped_by_family")
        worker.get_by_role("button", name="Stap bewaren").click()
        expect(worker.locator(".referral-status")).to_have_text("afgesloten")
        expect(worker.locator("#offer-episodes")).not_to_contain_text("Dit aanbod beëindigen")
        _no_sideways_scroll(worker, width)
        assert_accessible(worker, axe_violations)

        # Found again among the closed cases, by its reference.
        worker.goto("/t/aalst/ckg/werkruimte")
        worker.select_option("#filter-state", "all")
        worker.fill("#filter-q", reference)
        worker.get_by_role("button", name="Filteren").click()
        expect(worker.locator("#workspace-count")).to_have_text("1 zaak gevonden.")
        expect(worker.locator("#workspace-aalst")).to_contain_text("afgesloten")
        _no_sideways_scroll(worker, width)
        worker.context.close()
    log.assert_clean()


def test_a_family_withdraws_its_consent_and_a_case_consultation_can_no_longer_use_it(
    browser, sqlite_settings, axe_violations
):
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=CKG_TENANTS)
    world = build_world(app)
    people = users(world)
    with _without_csrf(app):
        referral_id = submit(world.client_for(people["sara"]))
        family_confirms(app)
        # Accepted for home guidance with a short stay planned: the family's page lists both.
        karim = world.client_for(people["karim"])
        genk = antenna_named(app, "Antenne Genk")
        step(karim, referral_id, "received")
        step(karim, referral_id, "intake_planned", intake_on=_day(0))
        step(karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on=_day(0))
        stay = {"offer": "short_stay", "antenna": str(genk.id), "starts_on": _day(7)}
        added = karim.post(
            f"/t/aalst/ckg/doorverwijzingen/{referral_id}/aanbod",
            data={**stay, "planned_end": _day(21)},
        )
        assert added.status_code == 303
    sofie = world.user("sofie", "aalst", ["parent"])
    reference = f"CKG-{referral_id.hex[:8].upper()}"
    limburg = organisation(app, "ckg-limburg", "ckg").id
    log = BrowserLog()
    with serve(app) as server:
        parent = signed_in_page(browser, server, log, sofie)
        parent.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
        parent.goto(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
        expect(parent.locator("h1")).to_contain_text(reference)
        offers = parent.locator("#case-offers tbody tr")
        expect(offers).to_have_count(2)
        expect(offers.nth(0)).to_contain_text("Begeleiding aan huis")
        expect(offers.nth(1)).to_contain_text("gepland")
        _no_sideways_scroll(parent, PHONE_WIDTH)
        assert_accessible(parent, axe_violations)

        # She agrees to be discussed in a case consultation: the network may use it.
        parent.get_by_role("button", name="Ik stem in met een casusoverleg").click()
        expect(parent.locator("#consent")).to_contain_text("Je stemde in op")
        assert _ask_hook(world, reference, {limburg}).given is True

        # She withdraws her consent to the referral, confirms, and sees it withdrawn.
        parent.get_by_role("button", name="Mijn toestemming intrekken").click()
        expect(parent.locator("main")).to_contain_text("Wil je je toestemming")
        assert_accessible(parent, axe_violations)
        parent.get_by_role("button", name="Ja, mijn toestemming intrekken").click()
        expect(parent.locator("#consent")).to_contain_text("Je trok je toestemming in op")
        expect(parent.get_by_role("button", name="Mijn toestemming intrekken")).to_have_count(0)
        _no_sideways_scroll(parent, PHONE_WIDTH)
        assert_accessible(parent, axe_violations)
        parent.context.close()
    # The case consultation asks again, and is told the consent is gone.
    answer = _ask_hook(world, reference, {limburg})
    assert (answer.given, answer.basis) == (False, "withdrawn")
    log.assert_clean()
