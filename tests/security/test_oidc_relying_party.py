"""The relying party against a strict, recording provider: what a standard OpenID provider
expects (issue 12, point 5) and every refusal that comes with it."""

from __future__ import annotations

import base64
import logging
from urllib.parse import quote_plus, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlmodel import select

from core.identity.models import Membership, User
from core.request_context import RequestIdFilter
from tests.support.apps import probe_app, tenant_id
from tests.support.recording_provider import FULL_CLAIMS, RecordingProvider

SECRET_ENV = "OPVANGPLEIN_IDP_RECORDING_SECRET"
# Every character RFC 6749 §2.3.1 makes a client form-urlencode before base64.
AWKWARD_SECRET = "s3cr+t/with:colon%25and=equals&amp more"


def tenant_file(provider: RecordingProvider, auth_method: str) -> str:
    secret = f'client_secret_env = "{SECRET_ENV}"\n' if "secret" in auth_method else ""
    return (
        'name = "Aalst"\ncontact_email = "beheer@aalst.test"\nplugins = ["probe"]\n'
        f'[[identity_providers]]\nkey = "stad"\nlabel_nl = "Aanmelden (stad)"\n'
        f'issuer = "{provider.issuer}"\nclient_id = "{provider.client_id}"\n{secret}'
        f'token_endpoint_auth_method = "{auth_method}"\nroles_claim = "realm_access.roles"\n'
        '[identity_providers.role_map]\n"aalst-admin" = "tenant_admin"\n'
    )


@pytest.fixture
def provider():
    recording = RecordingProvider(client_secret=AWKWARD_SECRET)
    yield recording
    recording.stop()


@pytest.fixture
def make_app(sqlite_settings, provider, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, AWKWARD_SECRET)

    def build(auth_method: str = "client_secret_basic"):
        provider.auth_method = auth_method
        tenants = {
            "aalst": tenant_file(provider, auth_method),
            "brugge": 'name = "Brugge"\nplugins = ["probe"]\n',
        }
        return probe_app(sqlite_settings, tenants=tenants)

    return build


def start(client, headers=None) -> str:
    response = client.get("/t/aalst/aanmelden/stad", headers=headers or {})
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def finish(client, authorize_url: str, headers=None):
    callback = requests.get(authorize_url, allow_redirects=False, timeout=10).headers["Location"]
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}", headers=headers or {})


def sign_in(client, headers=None):
    return finish(client, start(client), headers)


def signed_in_user(app) -> User:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        return db.exec(select(User).where(User.subject == FULL_CLAIMS["sub"])).one()


def assert_refused(client, response, reason: str, refused_by: str) -> None:
    assert response.status_code == 400
    assert "Traceback" not in response.text
    assert f'data-reason="{reason}"' in response.text
    assert f'data-refused-by="{refused_by}"' in response.text
    assert client.get("/t/aalst/beheer/").status_code == 401, "a refused sign-in left a session"


# -- claims from userinfo ----------------------------------------------------------------------


def test_claims_the_provider_serves_only_from_userinfo_are_read(make_app, provider):
    app = make_app()
    client = app.test_client()
    assert sign_in(client).status_code == 302
    user = signed_in_user(app)
    assert (user.name, user.email) == ("Uma Userinfo", "uma@aalst.test")
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        # realm_access.roles (a nested claim, Keycloak style) from userinfo gives the role.
        assert db.exec(select(Membership.claim_roles)).all() == [["tenant_admin"]]
    assert client.get("/t/aalst/beheer/").status_code == 200
    assert len(provider.requests_to("/userinfo")) == 1


def test_userinfo_is_not_asked_when_the_id_token_has_the_claims(make_app, provider):
    provider.id_token_claims = dict(FULL_CLAIMS)
    app = make_app()
    assert sign_in(app.test_client()).status_code == 302
    assert provider.requests_to("/userinfo") == []


def test_userinfo_about_another_subject_is_refused(make_app, provider):
    provider.userinfo_claims = {**FULL_CLAIMS, "sub": "someone-else"}
    app = make_app()
    client = app.test_client()
    assert_refused(client, sign_in(client), "userinfo_mismatch", "platform")
    with app.extensions["opvangplein.db"].session(None) as db:
        assert db.exec(select(User).where(User.email == "uma@aalst.test")).all() == []


def test_a_userinfo_answer_larger_than_the_cap_is_refused(make_app, provider):
    provider.mode = "huge_userinfo"
    client = make_app().test_client()
    assert_refused(client, sign_in(client), "provider_unavailable", "unreachable")


# -- token endpoint authentication -------------------------------------------------------------


def test_client_secret_basic_form_urlencodes_id_and_secret_before_base64(make_app, provider):
    app = make_app("client_secret_basic")
    assert sign_in(app.test_client()).status_code == 302
    (token_request,) = provider.requests_to("/token")
    sent = base64.b64decode(token_request.headers["Authorization"].removeprefix("Basic "))
    assert sent.decode() == f"{quote_plus(provider.client_id)}:{quote_plus(AWKWARD_SECRET)}"
    assert "client_secret" not in token_request.form
    assert provider.client_authenticated == [True]


def test_client_secret_post_sends_the_secret_in_the_body_only(make_app, provider):
    app = make_app("client_secret_post")
    assert sign_in(app.test_client()).status_code == 302
    (token_request,) = provider.requests_to("/token")
    assert "Authorization" not in token_request.headers
    assert token_request.form["client_secret"] == AWKWARD_SECRET
    assert provider.client_authenticated == [True]


def test_a_public_client_sends_no_secret_only_pkce(make_app, provider):
    app = make_app("none")
    assert sign_in(app.test_client()).status_code == 302
    (token_request,) = provider.requests_to("/token")
    assert "Authorization" not in token_request.headers
    assert "client_secret" not in token_request.form and token_request.form["code_verifier"]
    assert provider.client_authenticated == [True]


def test_private_key_jwt_is_signed_with_the_tenants_key_published_at_the_jwks_url(
    make_app, provider
):
    app = make_app("private_key_jwt")
    client = app.test_client()
    published = client.get("/t/aalst/oidc/jwks.json")
    assert published.status_code == 200 and published.mimetype == "application/json"
    keys = published.get_json()
    assert [key["kty"] for key in keys["keys"]] == ["RSA"]
    assert all("d" not in key and "p" not in key for key in keys["keys"]), "private parts leak"
    provider.client_jwks = keys
    assert sign_in(client).status_code == 302
    assert provider.client_authenticated == [True]
    (token_request,) = provider.requests_to("/token")
    assert (
        "Authorization" not in token_request.headers and "client_secret" not in token_request.form
    )
    assertion = jwt.decode(token_request.form["client_assertion"], KeySet.import_key_set(keys))
    assert assertion.header["kid"] == keys["keys"][0]["kid"]
    assert assertion.claims["aud"] == f"{provider.issuer}/token"
    # Another tenant has its own key.
    other = client.get("/t/brugge/oidc/jwks.json").get_json()
    assert other["keys"][0]["kid"] != keys["keys"][0]["kid"]


def test_the_private_signing_key_is_stored_sealed(make_app, provider):
    from core.identity.signing_keys import TenantSigningKey

    app = make_app("private_key_jwt")
    app.test_client().get("/t/aalst/oidc/jwks.json")
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        (row,) = db.exec(select(TenantSigningKey)).all()
    assert row.private_key_sealed.startswith("v1.")
    assert "PRIVATE KEY" not in row.private_key_sealed


def test_the_secret_never_travels_with_private_key_jwt_or_to_userinfo(make_app, provider):
    app = make_app("client_secret_basic")
    sign_in(app.test_client())
    userinfo = provider.requests_to("/userinfo")[0]
    assert "Basic" not in userinfo.headers.get("Authorization", "")
    received = "".join(repr(r.__dict__) for r in provider.requests if r.path != "/token")
    assert AWKWARD_SECRET not in received and quote_plus(AWKWARD_SECRET) not in received


# -- the provider's keys -----------------------------------------------------------------------


def test_a_key_rotated_under_the_same_kid_does_not_break_sign_in(make_app, provider):
    app = make_app()
    assert sign_in(app.test_client()).status_code == 302
    assert provider.jwks_fetches == 1
    provider.rotate_key(kid="k1")
    assert sign_in(app.test_client()).status_code == 302
    assert provider.jwks_fetches == 2


def test_a_key_under_a_new_kid_is_fetched_once(make_app, provider):
    app = make_app()
    assert sign_in(app.test_client()).status_code == 302
    provider.rotate_key(kid="k2")
    assert sign_in(app.test_client()).status_code == 302
    assert provider.jwks_fetches == 2


def test_a_jwks_larger_than_the_cap_is_refused(make_app, provider):
    provider.mode = "huge_jwks"
    client = make_app().test_client()
    assert_refused(client, sign_in(client), "provider_unavailable", "unreachable")


# -- pending sign-ins in the session cookie ----------------------------------------------------


def session_cookie_size(client, app) -> int:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], path="/")
    return len(cookie.value) if cookie else 0


def test_abandoned_sign_ins_do_not_grow_the_session_cookie(make_app, provider):
    app = make_app()
    client = app.test_client()
    for number in range(20):
        # With the longest page to return to an attacker's link could name.
        response = client.get(f"/t/aalst/aanmelden/stad?next=/{number}{'x' * 5000}")
        assert response.status_code == 302
    assert session_cookie_size(client, app) < 4096
    assert client.get("/t/aalst/").status_code == 200


def test_the_newest_pending_sign_ins_complete_and_the_oldest_is_dropped(make_app, provider):
    app = make_app()
    client = app.test_client()
    oldest, second, third, newest = (start(client) for _ in range(4))
    assert_refused(client, finish(client, oldest), "state_mismatch", "platform")
    # Two tabs: the one started first finishes after the other was started.
    assert finish(client, second).status_code == 302
    assert client.get("/t/aalst/beheer/").status_code == 200


# -- failures: logged with the request id, and who refused ----------------------------------------


@pytest.fixture
def app_log():
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    return handler, records


def test_a_refusal_by_the_provider_is_logged_with_the_request_id_and_says_so(
    make_app, provider, app_log
):
    handler, records = app_log
    app = make_app()
    app.logger.addHandler(handler)
    provider.mode = "token_error"
    client = app.test_client()
    headers = {"X-Request-ID": "req-oidc-refusal-1"}
    response = sign_in(client, headers)
    assert_refused(client, response, "provider_error", "provider")
    assert "req-oidc-refusal-1" in response.text
    logged = [r for r in records if "sign-in failed" in r.getMessage()]
    assert logged and logged[0].request_id == "req-oidc-refusal-1"
    assert "invalid_grant" in logged[0].getMessage()


def test_a_refusal_at_the_authorization_endpoint_names_the_provider(make_app, provider):
    app = make_app()
    client = app.test_client()
    authorize = start(client)
    state = dict(p.split("=", 1) for p in urlsplit(authorize).query.split("&"))["state"]
    response = client.get(f"/t/aalst/aanmelden/stad/terug?error=access_denied&state={state}")
    assert_refused(client, response, "provider_error", "provider")


def test_a_failed_check_names_the_platform_as_refusing(make_app, provider, app_log):
    handler, records = app_log
    app = make_app()
    app.logger.addHandler(handler)
    client = app.test_client()
    response = client.get("/t/aalst/aanmelden/stad/terug?code=x&state=forged")
    assert_refused(client, response, "state_mismatch", "platform")
    assert any("state_mismatch" in r.getMessage() for r in records)


# -- sign-out ------------------------------------------------------------------------------------


def test_sign_out_ends_our_session_then_leaves_through_a_get_page_with_a_narrow_policy(
    make_app, provider
):
    app = make_app()
    client = app.test_client()
    sign_in(client)
    response = client.post("/t/aalst/afmelden")
    assert response.status_code == 303
    assert client.get("/t/aalst/beheer/").status_code == 401, "our session must end first"
    onward = client.get(response.headers["Location"])
    assert onward.status_code == 200
    policy = onward.headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer};" in policy
    assert "*" not in policy
    assert f'content="0; url={provider.issuer}/logout?' in onward.text
    assert onward.headers["Referrer-Policy"] == "no-referrer"
    # Only this page widens the policy.
    assert "form-action 'self';" in client.get("/t/aalst/").headers["Content-Security-Policy"]
    end_session = requests.get(
        onward.text.split('content="0; url=')[1].split('"')[0].replace("&amp;", "&"),
        allow_redirects=False,
        timeout=10,
    )
    back = urlsplit(end_session.headers["Location"])
    landing = client.get(f"{back.path}?{back.query}")
    assert 'data-signed-out="true" data-provider-confirmed="true"' in landing.text


def test_the_signed_out_page_does_not_claim_a_sign_out_that_did_not_happen(make_app, provider):
    app = make_app()
    client = app.test_client()
    sign_in(client)
    page = client.get("/t/aalst/afgemeld?state=guessed")
    assert 'data-signed-out="false"' in page.text
    assert client.get("/t/aalst/beheer/").status_code == 200
    client.post("/t/aalst/afmelden")
    # Back from the provider without the state we sent: signed out here, not confirmed there.
    page = client.get("/t/aalst/afgemeld?state=guessed")
    assert 'data-signed-out="true" data-provider-confirmed="false"' in page.text


def test_the_registration_values_are_the_uris_the_platform_uses(make_app, provider):
    from core.identity.registration import client_registration
    from core.models import Tenant

    app = make_app()
    client = app.test_client()
    authorize = start(client)
    with app.test_request_context("/"):
        with app.extensions["opvangplein.db"].session(None) as db:
            tenant = db.get(Tenant, tenant_id(app, "aalst"))
        registration = client_registration(tenant, "stad")
    redirect_uri = dict(p.split("=", 1) for p in urlsplit(authorize).query.split("&"))[
        "redirect_uri"
    ]
    # Outside the tenant's own request the public address is used; the path is the one signed
    # in through.
    public_url = app.extensions["opvangplein.settings"].public_url
    assert registration["redirect_uri"].startswith(public_url)
    assert (
        urlsplit(requests.utils.unquote(redirect_uri)).path
        == urlsplit(registration["redirect_uri"]).path
    )
    assert registration["post_logout_redirect_uri"].endswith("/t/aalst/afgemeld")
    assert registration["jwks_uri"].endswith("/t/aalst/oidc/jwks.json")
    assert client.get(urlsplit(registration["jwks_uri"]).path).status_code == 200
