"""The loket in Chromium: a parent registers, staff run a round, the provider confirms, the
parent accepts — with real CSRF, the strict CSP and no serious accessibility problems."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from core.identity.models import (
    Membership,
    Organisation,
    OrganisationGrant,
    OrganisationMember,
    User,
)
from core.identity.sessions import open_session
from core.identity.web import AUTH_KEY
from tests.plugins.loket.conftest import make_location, tenant_db
from tests.support.apps import tenant_id
from tests.support.browser import BROWSER_TIMEOUT_MS, BrowserLog, LiveServer

pytestmark = pytest.mark.browser
SEVERE_IMPACTS = {"serious", "critical"}


def session_cookie(server: LiveServer, subject: str, roles: list[str], organisation=None) -> dict:
    """A signed session cookie as a completed sign-in leaves it (sign-in is tested elsewhere)."""
    app = server.app
    tenant = tenant_id(app, "aalst")
    database = app.extensions["opvangplein.db"]
    with database.tenant_session(None) as db:
        user = User(
            issuer="https://idp.browser.test",
            subject=subject,
            name=subject.title(),
            email=f"{subject}@example.be",
        )
        db.add(user)
        db.flush()
        if organisation is not None:
            db.add(OrganisationMember(organisation_id=organisation, user_id=user.id))
    with database.tenant_session(tenant) as db:
        db.add(Membership(user_id=user.id, roles=roles))
        token = open_session(db, user_id=user.id, provider="browser-test", id_token="")
    serializer = app.session_interface.get_signing_serializer(app)
    return {
        "name": app.config["SESSION_COOKIE_NAME"],
        "value": serializer.dumps({AUTH_KEY: {str(tenant): token}}),
        "url": server.url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def open_as(browser: Browser, server: LiveServer, log: BrowserLog, cookie: dict) -> Page:
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    context.add_cookies([cookie])
    page = context.new_page()
    log.watch(page)
    return page


def assert_accessible(page: Page, axe_violations, where: str) -> None:
    severe = [v for v in axe_violations(page) if v["impact"] in SEVERE_IMPACTS]
    assert not severe, f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in severe)


def test_request_round_confirmation_and_acceptance_in_the_browser(
    browser, live_server, browser_log, axe_violations
):
    app = live_server.app
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        organisation = Organisation(slug="kdv-browser", name="KDV Browser", kind="provider")
        db.add(organisation)
    with tenant_db(app) as db:
        db.add(OrganisationGrant(organisation_id=organisation.id, modules=["loket"]))
        make_location(db, "Zonnebloem", places=1, organisation_id=organisation.id)

    parent = open_as(
        browser, live_server, browser_log, session_cookie(live_server, "an", ["parent"])
    )
    parent.goto("/t/aalst/loket/aanvraag/nieuw")
    assert_accessible(parent, axe_violations, "request form")
    # The first child's fields; a brother or sister has the same labels in its own group.
    child = parent.get_by_role("group", name="Het kind")
    child.get_by_label("Voornaam").fill("Lotte")
    child.get_by_label("Familienaam").fill("Claes")
    child.get_by_label("Geboortedatum", exact=True).fill(
        (date.today() - timedelta(days=100)).isoformat()
    )
    parent.get_by_label("Gewenste startdatum").fill((date.today() + timedelta(days=30)).isoformat())
    parent.get_by_label("maandag voormiddag").check()
    parent.get_by_label("Keuze 1").select_option(label="Zonnebloem (Groepsopvang, 9300)")
    parent.get_by_label("Ouders werken of volgen een opleiding").check()
    parent.get_by_role("button", name="Aanvraag versturen").click()
    banner = parent.get_by_role("status")
    expect(banner).to_contain_text("Je aanvraag is verstuurd.")
    expect(banner).to_contain_text(re.compile(r"Lotte Claes: referentie LK-[0-9A-F]{8}"))
    expect(parent.get_by_role("heading", name="Wat er nu gebeurt")).to_be_visible()
    expect(parent.get_by_role("button", name=re.compile("intrekken", re.I))).to_have_count(0)
    assert_accessible(parent, axe_violations, "request sent")

    staff = open_as(
        browser, live_server, browser_log, session_cookie(live_server, "loket", ["staff:loket"])
    )
    staff.goto("/t/aalst/loket/rondes")
    staff.get_by_role("button", name="Een ronde starten").click()
    staff.get_by_role("button", name="Ja, start de ronde").click()  # the second step
    expect(staff.get_by_text("De ronde deed 1 voorstellen.")).to_be_visible()
    expect(staff.get_by_text("voorrangsgroep 1")).to_be_visible()
    assert_accessible(staff, axe_violations, "rounds")

    provider = open_as(
        browser,
        live_server,
        browser_log,
        session_cookie(live_server, "pieter", [], organisation=organisation.id),
    )
    provider.goto("/t/aalst/loket/plaatsen")
    assert_accessible(provider, axe_violations, "free places")
    provider.get_by_role("button", name="Bevestigen").click()
    expect(provider.get_by_text("Je hebt het voorstel bevestigd")).to_be_visible()

    parent.goto("/t/aalst/loket/mijn-aanvragen")
    parent.get_by_role("button", name="De plaats aanvaarden").click()
    expect(parent.get_by_text("Je hebt de plaats aanvaard.")).to_be_visible()
    expect(parent.get_by_role("heading", name="Lotte Claes — Geplaatst")).to_be_visible()
    assert_accessible(parent, axe_violations, "placed request")

    staff.goto("/t/aalst/loket/monitoring")
    assert_accessible(staff, axe_violations, "monitoring")
    browser_log.assert_clean()


def test_a_large_import_runs_to_the_end_by_itself_with_htmx(
    browser, live_server, browser_log, axe_violations, tmp_path
):
    from tests.plugins.loket.test_location_import import large_csv

    upload = tmp_path / "opgroeien.csv"
    upload.write_text(large_csv(rows=450, broken=(7,)), encoding="utf-8")
    staff = open_as(
        browser, live_server, browser_log, session_cookie(live_server, "loket", ["staff:loket"])
    )
    staff.goto("/t/aalst/loket/locaties")
    staff.locator("#csv_file").set_input_files(str(upload))
    staff.get_by_role("button", name="Voorbeeld bekijken").click()
    expect(staff.get_by_text("Lijn 8: De postcode moet vier cijfers hebben.")).to_be_visible()
    staff.get_by_role("button", name="De correcte rijen importeren").click()
    # The first chunk was applied by the button; htmx asks for the other two by itself.
    expect(staff.get_by_text("200 van 450 rijen ingelezen.")).to_be_visible()
    assert_accessible(staff, axe_violations, "import progress")
    expect(
        staff.get_by_text("Klaar: 450 locaties toegevoegd, 0 bijgewerkt, 1 rijen overgeslagen.")
    ).to_be_visible(timeout=15_000)
    expect(staff.locator("#import-bar")).to_have_attribute("value", "450")
    browser_log.assert_clean()
