"""Signing in and out in Chromium through providers that are not built on Authlib.

Issue 12, point 4: ``form-action 'self'`` made Chromium cancel the redirect from ``POST
/afmelden`` to the provider's end-session endpoint, so the provider's session lived on and the next
person at a shared computer was signed in silently. Point 5: the OpenID-certified
``oidc-provider`` (its defaults: claims only from userinfo, PKCE checked when sent) with
``private_key_jwt`` and ``client_secret_basic``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from core.identity.registration import client_registration
from core.localnet import free_port
from core.models import Tenant
from tests.support.apps import probe_app, tenant_id
from tests.support.browser import serve
from tests.support.certified_provider import CertifiedProvider
from tests.support.identity_providers import SECRET_ENV, sign_in_tenants

pytestmark = pytest.mark.browser

AWKWARD_SECRET = "s3cr+t/with:colon%and=equals&more"
NODE_SECRET_ENV = "OPVANGPLEIN_IDP_NODE_SECRET"
ADMIN = {
    "sub": "beheerder-aalst",
    "name": "Anna Beheer",
    "email": "anna@aalst.test",
    "email_verified": True,
    "roles": ["aalst-admin"],
}


@contextmanager
def serve_on(app, port: int) -> Iterator[str]:
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        app.extensions["opvangplein.db"].engine.dispose()


def new_page(browser, base_url: str) -> Page:
    context = browser.new_context(base_url=base_url, locale="nl-BE")
    context.set_default_timeout(15_000)
    # oidc-provider's default pages import a web font; there is no internet here.
    context.route("https://fonts.googleapis.com/**", lambda route: route.abort())
    return context.new_page()


def authorization_requests(page: Page, issuer: str) -> list[dict]:
    seen: list[dict] = []

    def watch(request):
        if request.url.startswith(issuer + "/auth?"):
            seen.append({k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()})

    page.on("request", watch)
    return seen


def log_in_at_provider(page: Page) -> None:
    page.locator("input[name=login]").fill(ADMIN["sub"])
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    consent = page.get_by_role("button", name="Continue")
    if consent.count():
        consent.click()


@pytest.mark.parametrize("auth_method", ["private_key_jwt", "client_secret_basic"])
def test_sign_in_and_out_through_the_certified_oidc_provider(
    browser, sqlite_settings, monkeypatch, auth_method
):
    app_port, provider_port = free_port(), free_port()
    public_url = f"http://127.0.0.1:{app_port}"
    settings = dataclasses.replace(sqlite_settings, public_url=public_url)
    monkeypatch.setenv(NODE_SECRET_ENV, AWKWARD_SECRET)
    secret = f'client_secret_env = "{NODE_SECRET_ENV}"\n' if "secret" in auth_method else ""
    tenants = {
        "aalst": 'name = "Aalst"\ncontact_email = "beheer@aalst.test"\nplugins = ["probe"]\n'
        f'[[identity_providers]]\nkey = "node"\nlabel_nl = "Aanmelden (node)"\n'
        f'issuer = "http://127.0.0.1:{provider_port}"\nclient_id = "opvangplein-aalst"\n{secret}'
        f'token_endpoint_auth_method = "{auth_method}"\nroles_claim = "roles"\n'
        '[identity_providers.role_map]\n"aalst-admin" = "tenant_admin"\n',
        "brugge": 'name = "Brugge"\nplugins = ["probe"]\n',
    }
    app = probe_app(settings, config={"WTF_CSRF_ENABLED": True}, tenants=tenants)
    with app.app_context(), app.extensions["opvangplein.db"].session(None) as db:
        # What the admin page tells the municipality to register is what the provider gets.
        registration = client_registration(db.get(Tenant, tenant_id(app, "aalst")), "node")
    client = {
        "client_id": "opvangplein-aalst",
        "redirect_uris": [registration["redirect_uri"]],
        "post_logout_redirect_uris": [registration["post_logout_redirect_uri"]],
        "token_endpoint_auth_method": auth_method,
    }
    with serve_on(app, app_port) as base_url:
        if auth_method == "private_key_jwt":
            # What the provider would fetch from jwks_uri, fetched from there over HTTP. Inline:
            # oidc-provider refuses to fetch from loopback addresses (its SSRF guard), and its
            # defaults stay unchanged.
            client["jwks"] = requests.get(registration["jwks_uri"], timeout=10).json()
        else:
            client["client_secret"] = AWKWARD_SECRET
        provider = CertifiedProvider(provider_port, [client], [ADMIN])
        try:
            page = new_page(browser, base_url)
            requested = authorization_requests(page, provider.issuer)
            page.goto("/t/aalst/aanmelden")
            page.get_by_role("link", name="Aanmelden (node)").click()
            log_in_at_provider(page)
            # Name and roles exist only in the provider's userinfo answer.
            expect(page.locator(".signed-in-as")).to_have_text("Aangemeld als Anna Beheer")
            assert page.goto("/t/aalst/beheer/").status == 200
            assert requested[0]["code_challenge_method"] == "S256"
            assert len(requested[0]["code_challenge"]) >= 43

            page.get_by_role("button", name="Afmelden").click()
            # The provider's own confirmation page: reached, so the CSP let the browser go.
            page.get_by_role("button", name="Yes, sign me out").click()
            status = page.locator("#sign-out-status")
            expect(status).to_have_attribute("data-provider-confirmed", "true")
            assert page.url.startswith(registration["post_logout_redirect_uri"])
            assert page.goto("/t/aalst/beheer/").status == 401

            # The provider's session is gone: the next sign-in asks for credentials again.
            page.goto("/t/aalst/aanmelden")
            page.get_by_role("link", name="Aanmelden (node)").click()
            expect(page.locator("input[name=login]")).to_be_visible()
            log_in_at_provider(page)
            expect(page.locator(".signed-in-as")).to_have_text("Aangemeld als Anna Beheer")
            page.context.close()
        except Exception:
            print(provider.log())
            raise
        finally:
            provider.stop()


@pytest.fixture
def mock_provider_server(sqlite_settings, providers, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "test-secret")
    tenants = sign_in_tenants(sqlite_settings.tenants_dir, providers)
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=tenants)
    with serve(app) as server:
        yield server


def test_sign_out_reaches_the_mock_providers_end_session_endpoint_in_chromium(
    browser, mock_provider_server, providers
):
    page = new_page(browser, mock_provider_server.url)
    reached: list[str] = []
    page.on(
        "request",
        lambda request: (
            reached.append(request.url)
            if request.url.startswith(providers["aalst"].issuer + "/oauth2/end_session")
            else None
        ),
    )
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto("/t/aalst/aanmelden")
    page.get_by_role("link", name="Aanmelden (organisatie)").click()
    page.get_by_role("button", name="beheerder-aalst").click()
    expect(page.locator(".signed-in-as")).to_have_text("Aangemeld als Anna Beheer")
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(lambda url: "end_session" in url or "/afgemeld" in url)
    assert reached, "the browser never reached the provider's end-session endpoint"
    assert "id_token_hint=" in reached[0]
    assert csp_violations == []
    assert page.goto("/t/aalst/beheer/").status == 401
    page.context.close()
