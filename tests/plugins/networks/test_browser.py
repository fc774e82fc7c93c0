"""In Chromium: a coordinator plans a meeting with an agenda, a member adds an action, a parent
finds a service on the social map; axe-core finds no serious or critical violation."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import expect

from tests.plugins.networks.conftest import build_world, networks_app
from tests.support.auth import make_user
from tests.support.browser import (
    BrowserLog,
    assert_accessible,
    serve,
    signed_in_page,
    user_session_cookie,
)

pytestmark = pytest.mark.browser


def test_a_meeting_with_an_agenda_an_action_and_a_service_found(
    browser, sqlite_settings, axe_violations
):
    app = networks_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True})
    world = build_world(app)
    els, sara = make_user(app, "els"), make_user(app, "sara")
    log = BrowserLog()
    with serve(app) as server:
        coordinator = signed_in_page(browser, server, log, els)
        coordinator.goto("/t/aalst/netwerken/")
        assert_accessible(coordinator, axe_violations)
        coordinator.get_by_role("link", name="Huis van het Kind Aalst").click()
        assert_accessible(coordinator, axe_violations)
        coordinator.get_by_role("link", name="Een overleg plannen").click()
        coordinator.get_by_role("button", name="Overleg plannen").click()
        expect(coordinator.locator("#error-summary")).to_be_visible()
        assert_accessible(coordinator, axe_violations)
        coordinator.fill("#held_on", "2026-12-03")
        coordinator.fill("#place", "Gemeentehuis Aalst, raadzaal")
        coordinator.fill("#agenda", "Welkom nieuwe partners\nSociale tarieven kinderopvang")
        coordinator.get_by_role("button", name="Overleg plannen").click()
        expect(coordinator.locator(".meeting-agenda li")).to_have_text(
            ["Welkom nieuwe partners", "Sociale tarieven kinderopvang"]
        )
        coordinator.fill("#minutes-text", "**Afspraak**: de school volgt de wenmomenten op.")
        coordinator.get_by_role("button", name="Verslag bewaren").click()
        expect(coordinator.locator(".meeting-minutes strong")).to_have_text("Afspraak")
        meeting_url = coordinator.url.split("#")[0]
        assert_accessible(coordinator, axe_violations)

        member = signed_in_page(browser, server, log, sara)
        member.goto(meeting_url)
        expect(member.locator(".meeting-minutes")).to_contain_text("wenmomenten")
        expect(member.locator("#minutes-text")).to_have_count(0)  # members read, coordinators write
        member.fill("#action-title", "Wenmomenten voor nieuwe kleuters plannen")
        member.select_option("#action-owner", label="School De Klimop")
        member.fill("#action-due_on", "2026-12-20")
        member.get_by_role("button", name="Actie toevoegen").click()
        expect(member.locator(".meeting-actions tbody")).to_contain_text(
            "Wenmomenten voor nieuwe kleuters plannen"
        )
        assert_accessible(member, axe_violations)

        member.goto("/t/aalst/netwerken/sociale-kaart/nieuw")
        member.fill("#service-name", "Huiswerkklas De Klimop")
        member.fill("#service-target_group", "Kinderen van 6 tot 12 jaar")
        member.select_option("#service-category", "education")
        member.check("#language-fr")
        member.check("#cost-free")
        member.check("#service-public")
        assert_accessible(member, axe_violations)
        member.get_by_role("button", name="Dienst bewaren").click()
        expect(member.locator("#results")).to_contain_text("Huiswerkklas De Klimop")

        parent = signed_in_page(browser, server, log)
        parent.goto("/t/aalst/netwerken/sociale-kaart")
        assert_accessible(parent, axe_violations)
        parent.fill("#q", "huiswerk")
        with parent.expect_navigation():  # the search button submits the form as a page
            parent.get_by_role("button", name="Zoeken").click()
        expect(parent.locator("#results h3")).to_have_text(["Huiswerkklas De Klimop"])
        with parent.expect_response(lambda r: "language=fr" in r.url):
            parent.select_option("#language", "fr")  # htmx narrows the results in place
        expect(parent.locator("#results h3")).to_have_text(["Huiswerkklas De Klimop"])
        # A parent who changes the filter again before the first answer came back gets the
        # answer to the last choice, not the first one (nor nothing).
        held = []
        parent.route(lambda url: "language=nl" in url, lambda route: held.append(route))
        parent.select_option("#language", "nl")
        parent.select_option("#language", "ar")
        expect(parent.locator("#results h3")).to_have_count(0)
        for route in held:
            with contextlib.suppress(Exception):  # the browser gave up the superseded request
                route.continue_()
        parent.wait_for_timeout(300)
        expect(parent.locator("#results h3")).to_have_count(0)
        assert_accessible(parent, axe_violations)
        for page in (coordinator, member, parent):
            page.context.close()
    log.assert_clean()
    assert world.network_id


def test_regional_agreement_and_case_consultation_pages_are_accessible(
    browser, sqlite_settings, axe_violations
):
    from tests.plugins.networks.conftest import add_network
    from tests.support.auth import grant_roles

    app = networks_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True})
    world = build_world(app)
    regional_aalst = add_network(app, "aalst", "Regionaal overleg Leie", "regional_cooperation")
    add_network(app, "brugge", "Regio Brugge in de Leie", "regional_cooperation")
    admin_aalst, admin_brugge = make_user(app, "admin-aalst"), make_user(app, "admin-brugge")
    grant_roles(app, "aalst", admin_aalst, ["tenant_admin"])
    grant_roles(app, "brugge", admin_brugge, ["tenant_admin"])
    log = BrowserLog()
    with serve(app) as server:
        owner = signed_in_page(browser, server, log, admin_aalst)
        owner.goto(f"/t/aalst/netwerken/{regional_aalst}")
        owner.select_option("#partner_tenant", label="Brugge")
        owner.fill("#invitation", "Samen de wachtlijsten in de Leiestreek bekijken")
        owner.get_by_role("button", name="Uitnodigen en instemmen").click()
        expect(owner.locator("#regional")).to_contain_text("wacht op de instemming")
        assert_accessible(owner, axe_violations)

        partner = browser.new_context(base_url=server.url, locale="nl-BE")
        partner.add_cookies([user_session_cookie(server, admin_brugge.id, "brugge")])
        partner_page = partner.new_page()
        log.watch(partner_page)
        partner_page.goto("/t/brugge/netwerken/beheer/regio")
        expect(partner_page.locator(".regional-invitation")).to_have_text(
            "Samen de wachtlijsten in de Leiestreek bekijken"
        )
        assert_accessible(partner_page, axe_violations)
        partner_page.get_by_role("button", name="Instemmen namens Brugge").click()
        expect(partner_page.locator(".regional-state").first).to_contain_text("Beide gemeenten")
        assert_accessible(partner_page, axe_violations)

        owner.goto(f"/t/aalst/netwerken/{regional_aalst}")
        owner.get_by_role("link", name="Overleggen en acties van Brugge").click()
        expect(owner.locator("h1")).to_contain_text("Regio Brugge in de Leie")
        assert_accessible(owner, axe_violations)

        owner.goto(f"/t/aalst/netwerken/{world.network_id}")
        owner.locator("#cases summary").click()
        owner.fill("#case-purpose", "Overgang naar de kleuterschool afstemmen")
        owner.check(f"#participant-{world.ckg_member_id}")
        owner.get_by_role("button", name="Casusoverleg starten").click()
        expect(owner.locator("h1")).to_contain_text("CASE-")
        assert_accessible(owner, axe_violations)
        owner.get_by_role("button", name="Toestemming registreren").click()
        expect(owner.locator("#error-summary")).to_be_visible()
        assert_accessible(owner, axe_violations)
        owner.context.close()
        partner.close()
    log.assert_clean()


def _invitation_path(world, address: str) -> str:
    from urllib.parse import urlsplit

    from sqlmodel import select

    from core.mail import OutboxMessage

    with world.db() as db:
        [mail] = db.exec(
            select(OutboxMessage).where(
                OutboxMessage.to_address == address,
                OutboxMessage.purpose == "networks.contact_invitation",
            )
        ).all()
    [link] = [word for word in mail.body.split() if "/uitnodiging/" in word]
    return urlsplit(link).path


def test_a_coordinator_plans_a_meeting_and_invites_a_partner_contact_who_adds_an_action(
    browser, sqlite_settings, axe_violations
):
    """Issue 21: the police (a partner without an account) is invited by mail and then acts."""
    app = networks_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True})
    world = build_world(app)
    # The municipality's networks officer coordinates (as in Herenthout).
    greet = world.user("greet", "aalst", ["staff:networks"])
    log = BrowserLog()
    with serve(app) as server:
        coordinator = signed_in_page(browser, server, log, greet)
        coordinator.goto(f"/t/aalst/netwerken/{world.network_id}")
        coordinator.get_by_role("link", name="Een overleg plannen").click()
        coordinator.fill("#held_on", "2026-12-17")
        coordinator.fill("#starts_at", "14:00")
        coordinator.fill("#ends_at", "16:00")
        coordinator.fill("#place", "Gemeentehuis Aalst, raadzaal")
        coordinator.fill("#agenda", "Samenwerking met de wijkpolitie")
        coordinator.get_by_role("button", name="Overleg plannen").click()
        expect(coordinator.get_by_role("status")).to_contain_text("Overleg gepland")
        meeting_url = coordinator.url.split("#")[0]
        assert_accessible(coordinator, axe_violations)

        coordinator.goto(f"/t/aalst/netwerken/{world.network_id}")
        member_id = world.police_member_id
        coordinator.locator("summary", has_text="Wijkpolitie Aalst").click()
        coordinator.fill(f"#contact-{member_id}-name", "Wijkagent Jan")
        coordinator.fill(f"#contact-{member_id}-email", "jan@politie.be")
        coordinator.locator(f"form[action$='/leden/{member_id}/contactpersonen']").get_by_role(
            "button", name="Contactpersoon toevoegen"
        ).click()
        expect(coordinator.get_by_role("status")).to_contain_text("Wijkagent Jan toegevoegd")
        coordinator.get_by_role(
            "button", name="Wijkagent Jan uitnodigen om mee te werken in het netwerk"
        ).click()
        expect(coordinator.get_by_role("status")).to_contain_text(
            "Uitnodiging verstuurd naar jan@politie.be"
        )
        assert_accessible(coordinator, axe_violations)

        # Jan forwards the mail to a colleague: her own account does not get his invitation.
        lies = signed_in_page(browser, server, log, make_user(app, "lies", email="lies@politie.be"))
        lies.goto(_invitation_path(world, "jan@politie.be"))
        expect(lies.get_by_role("alert")).to_contain_text("lies@politie.be")
        expect(lies.get_by_role("button", name="De uitnodiging aanvaarden")).to_have_count(0)
        assert_accessible(lies, axe_violations)

        jan = signed_in_page(browser, server, log, make_user(app, "jan", email="jan@politie.be"))
        jan.goto(_invitation_path(world, "jan@politie.be"))
        jan.get_by_role("button", name="De uitnodiging aanvaarden").click()
        jan.goto(meeting_url)
        jan.fill("#action-title", "Buurtwerking inlichten over de wenmomenten")
        jan.select_option("#action-owner", label="Wijkpolitie Aalst")
        jan.fill("#action-due_on", "2026-12-20")
        jan.get_by_role("button", name="Actie toevoegen").click()
        expect(jan.get_by_role("status")).to_contain_text(
            "Actie toegevoegd: Buurtwerking inlichten over de wenmomenten."
        )
        expect(jan.locator(".meeting-actions tbody")).to_contain_text("Wijkpolitie Aalst")
        assert_accessible(jan, axe_violations)

        coordinator.goto(f"/t/aalst/netwerken/{world.network_id}")
        expect(coordinator.locator("#members")).to_contain_text("werkt mee in het netwerk")
        for page in (coordinator, lies, jan):
            page.context.close()
    log.assert_clean()
