"""Signing in and out in a real browser, through a real OpenID provider."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.support.apps import probe_app
from tests.support.browser import LiveServer, serve
from tests.support.identity_providers import SECRET_ENV, sign_in_tenants

pytestmark = pytest.mark.browser


@pytest.fixture
def sign_in_server(sqlite_settings, providers, monkeypatch) -> Iterator[LiveServer]:
    """A live app whose tenants sign in through the test providers (fresh database: the shared
    migrated copy holds tenants without providers, and sync keeps existing tenants' choices)."""
    monkeypatch.setenv(SECRET_ENV, "test-secret")
    tenants = sign_in_tenants(sqlite_settings.tenants_dir, providers)
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=tenants)
    with serve(app) as server:
        yield server


@pytest.fixture
def visitor(browser, sign_in_server) -> Iterator[Page]:
    context = browser.new_context(base_url=sign_in_server.url, locale="nl-BE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_tenant_admin_signs_in_and_out_through_the_provider_in_a_browser(visitor, axe_violations):
    visitor.goto("/t/aalst/")
    visitor.get_by_role("link", name="Aanmelden", exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Aanmelden bij Aalst")
    assert not [v for v in axe_violations(visitor) if v["impact"] in ("serious", "critical")]
    visitor.get_by_role("link", name="Aanmelden (organisatie)").click()
    # At the provider: pick the predefined account.
    visitor.get_by_role("button", name="beheerder-aalst").click()
    expect(visitor.locator(".signed-in-as")).to_have_text("Aangemeld als Anna Beheer")
    assert visitor.url.endswith("/t/aalst/")
    visitor.get_by_role("link", name="Beheer").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Beheer van Aalst")
    visitor.get_by_role("link", name="Leden en rollen").click()
    expect(visitor.get_by_role("row", name="Anna Beheer")).to_be_visible()
    serious = [v["id"] for v in axe_violations(visitor) if v["impact"] in ("serious", "critical")]
    assert serious == []
    visitor.get_by_role("button", name="Afmelden").click()
    # The provider's end-session page; our own session has ended already. Wait for it: going on
    # while the sign-out's redirect is under way lets that redirect land last (seen in CI).
    visitor.wait_for_url(re.compile(r"/end_session"))
    visitor.goto("/t/aalst/beheer/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Aanmelden vereist")


def test_a_person_without_a_role_sees_whom_to_ask(visitor):
    visitor.goto("/t/aalst/aanmelden")
    visitor.get_by_role("link", name="Aanmelden (organisatie)").click()
    visitor.get_by_role("button", name="onbekende").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Nog geen toegang tot Aalst")
    expect(visitor.get_by_role("link", name="beheer@aalst.test")).to_be_visible()
