"""The tenant admin's main journey of issue 21, in Chromium on a 390 px phone.

The admin invites someone who has never signed in here; that person opens the mailed link in
their own browser, signs in through the municipality's real OpenID provider and accepts; the
admin then reads the new member and the audit trail in words. On the way: the staff of a partner
organisation listed per organisation, a warning before a module is switched off, and an audit
filter for every module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from core.mail import OutboxMessage
from tests.support.apps import probe_app, tenant_id
from tests.support.browser import (
    BROWSER_TIMEOUT_MS,
    BrowserLog,
    LiveServer,
    assert_accessible,
    serve,
    tenant_admin_session_cookie,
    wait_until_settled,
)
from tests.support.identity_providers import SECRET_ENV, sign_in_tenants

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
INVITEE = "olivier.onbekend@example.be"  # "onbekende" at the provider: never signed in here
CKG_STAFF = "Medewerker van Centrum voor Kinderzorg en Gezinsondersteuning"
LINK = re.compile(r"https?://\S+")


@pytest.fixture
def invitation_server(sqlite_settings, providers, monkeypatch) -> Iterator[LiveServer]:
    """Aalst with CKG and networks on, signing in through the test providers; CKG Limburg, whose
    own accounts live at the same provider, is granted the CKG module."""
    monkeypatch.setenv(SECRET_ENV, "test-secret")
    tenants = sign_in_tenants(sqlite_settings.tenants_dir, providers)
    tenants["aalst"] = tenants["aalst"].replace(
        'plugins = ["probe", "ckg"]', 'plugins = ["probe", "ckg", "networks"]'
    )
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=tenants)
    with serve(app) as server:
        yield server


def phone_page(browser, server: LiveServer, log: BrowserLog) -> Page:
    context = browser.new_context(base_url=server.url, locale="nl-BE", viewport=PHONE)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    log.watch(page)
    return page


def sign_in_at_provider(page: Page, account: str) -> None:
    page.get_by_role("link", name="Aanmelden (organisatie)").click()
    page.get_by_role("button", name=account).click()


def check_page(page: Page, axe_violations) -> None:
    """No serious axe violation, and nothing wider than the phone."""
    wait_until_settled(page)
    assert_accessible(page, axe_violations)
    assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways at 390 px"


def invitation_link_path(server: LiveServer, address: str) -> str:
    app = server.app
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        [message] = db.exec(select(OutboxMessage).where(OutboxMessage.to_address == address))
    [link] = LINK.findall(message.body)
    return urlsplit(link).path


def test_an_admin_invites_someone_who_never_signed_in_and_reads_it_back_in_words(
    browser, invitation_server, axe_violations
):
    log = BrowserLog()
    # A CKG Limburg worker signs in once: the organisation's own provider says she works there.
    partner = phone_page(browser, invitation_server, log)
    partner.goto("/t/aalst/aanmelden")
    sign_in_at_provider(partner, "ckg-karim")
    expect(partner.locator(".signed-in-as")).to_have_text("Aangemeld als Karim CKG")
    partner.context.close()

    admin = phone_page(browser, invitation_server, log)
    admin.context.add_cookies([tenant_admin_session_cookie(invitation_server, "aalst")])
    admin.goto("/t/aalst/beheer/leden")
    check_page(admin, axe_violations)
    partners = admin.locator("#partner-staff")
    expect(partners.get_by_role("heading", name="CKG Limburg")).to_be_visible()
    expect(partners).to_contain_text("Modules: Centrum voor Kinderzorg en Gezinsondersteuning")
    expect(partners.get_by_role("listitem").filter(has_text="Karim CKG")).to_be_visible()

    admin.get_by_label("E-mailadres").fill(INVITEE)
    admin.locator("#new-roles").get_by_label(CKG_STAFF, exact=True).check()
    admin.get_by_role("button", name="Uitnodiging versturen").click()
    expect(admin.locator("#invitation-sent")).to_contain_text(INVITEE)
    pending = admin.locator("#pending-invitations")
    expect(pending.get_by_role("row").filter(has_text=INVITEE)).to_contain_text(CKG_STAFF)
    check_page(admin, axe_violations)

    # The invited person, in a browser of their own, with only the mail.
    invitee = phone_page(browser, invitation_server, log)
    invitee.goto(invitation_link_path(invitation_server, INVITEE))
    expect(invitee.get_by_role("main")).to_contain_text(CKG_STAFF)
    check_page(invitee, axe_violations)
    sign_in_at_provider(invitee, "onbekende")
    accept = invitee.get_by_role("button", name="De uitnodiging aanvaarden")
    expect(accept).to_be_visible()
    check_page(invitee, axe_violations)
    accept.click()
    expect(invitee.locator("#invitation-accepted")).to_contain_text(CKG_STAFF)
    check_page(invitee, axe_violations)
    invitee.context.close()

    admin.goto("/t/aalst/beheer/leden")
    olivier = admin.get_by_role("row").filter(has_text="Olivier Onbekend")
    expect(olivier.get_by_label(CKG_STAFF, exact=True)).to_be_checked()
    expect(admin.locator("body")).not_to_contain_text("staff:ckg")
    expect(pending).to_contain_text("Geen openstaande uitnodigingen")
    check_page(admin, axe_violations)

    admin.goto("/t/aalst/beheer/audit")
    filter_options = admin.locator("#audit-kind option")
    values = filter_options.evaluate_all("options => options.map(o => o.value)")
    assert {"ckg", "networks"} <= set(values)
    labels = filter_options.all_inner_texts()
    assert {"Centrum voor Kinderzorg en Gezinsondersteuning", "Samenwerkingsnetwerken"} <= set(
        labels
    )
    invited = admin.get_by_role("row").filter(has_text="Nodigde een lid uit")
    expect(invited).to_contain_text("Beheerder")
    accepted = admin.get_by_role("row").filter(has_text="Aanvaardde een uitnodiging")
    expect(accepted).to_contain_text("Olivier Onbekend")
    expect(admin.locator("main")).not_to_contain_text("member.invit")
    check_page(admin, axe_violations)

    # Switching a module off first says what stops working; keeping it on changes nothing.
    admin.goto("/t/aalst/beheer/")
    wait_until_settled(admin)
    admin.locator("#plugin-networks-toggle").click()
    warning = admin.locator("#plugin-networks-warning")
    expect(warning).to_contain_text("Als je Samenwerkingsnetwerken uitschakelt:")
    expect(warning).to_contain_text("ook links die al per mail verstuurd zijn")
    expect(admin.locator("#plugin-networks .plugin-status")).to_contain_text("Ingeschakeld")
    check_page(admin, axe_violations)
    warning.get_by_role("link", name="Ingeschakeld laten").click()
    expect(warning).to_have_count(0)
    expect(admin.locator("#plugin-networks .plugin-status")).to_contain_text("Ingeschakeld")
    admin.context.close()

    log.assert_clean()
