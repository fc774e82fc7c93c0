"""Sign-in round trips against real OpenID providers over HTTP, and every refusal case.

Two oidc-provider-mock processes serve two tenants; a hostile provider of our own issues
defective ID tokens. Each refusal must show a clear error page and leave no session behind.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlmodel import select

from core.identity.models import Membership, OrganisationMember, User
from core.models import AuditEntry
from tests.support.apps import probe_app, tenant_id
from tests.support.identity_providers import SECRET_ENV, sign_in_tenants


@pytest.fixture
def app(sqlite_settings, providers, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "test-secret")
    return probe_app(
        sqlite_settings, tenants=sign_in_tenants(sqlite_settings.tenants_dir, providers)
    )


def start(client, slug: str, key: str) -> str:
    response = client.get(f"/t/{slug}/aanmelden/{key}")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def consent_at_mock(authorize_url: str, subject: str) -> str:
    """What the person does at the provider: pick the account; returns the callback URL."""
    answer = requests.post(authorize_url, data={"sub": subject}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def consent_at_hostile(authorize_url: str) -> str:
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    return answer.headers["Location"]


def follow(client, callback_url: str, prefix_from: str | None = None):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def assert_refused(response, reason: str | None, client, slug: str = "aalst"):
    assert response.status_code in (400, 403)
    assert "Traceback" not in response.text
    if reason:
        assert f'data-reason="{reason}"' in response.text
    assert client.get(f"/t/{slug}/beheer/").status_code == 401, "a refused sign-in left a session"


def sign_in(client, slug: str, key: str, subject: str):
    return follow(client, consent_at_mock(start(client, slug, key), subject))


# -- successful round trips --------------------------------------------------------------------


def test_a_tenant_admin_signs_in_through_the_tenants_provider(app):
    client = app.test_client()
    response = sign_in(client, "aalst", "organisatie", "beheerder-aalst")
    assert response.status_code == 302 and response.headers["Location"] == "/t/aalst/"
    assert client.get("/t/aalst/beheer/").status_code == 200
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        user = db.exec(select(User).where(User.subject == "beheerder-aalst")).one()
        assert (user.name, user.email) == ("Anna Beheer", "anna@aalst.test")
        assert db.exec(select(Membership.claim_roles)).all() == [["tenant_admin"]]
        assert "signin.succeeded" in db.exec(select(AuditEntry.action)).all()


def test_two_tenants_sign_in_through_two_providers(app):
    client = app.test_client()
    sign_in(client, "aalst", "organisatie", "beheerder-aalst")
    sign_in(client, "brugge", "organisatie", "beheerder-brugge")
    assert client.get("/t/aalst/beheer/").status_code == 200
    assert client.get("/t/brugge/beheer/").status_code == 200


def test_a_session_made_at_one_tenant_grants_nothing_at_another(app):
    client = app.test_client()
    sign_in(client, "aalst", "organisatie", "beheerder-aalst")
    assert client.get("/t/brugge/beheer/").status_code == 401


def test_the_authorization_request_uses_pkce_s256_state_and_nonce(app):
    query = parse_qs(urlsplit(start(app.test_client(), "aalst", "organisatie")).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 20
    assert query["scope"][0].split()[0] == "openid"


def test_the_code_verifier_matches_the_challenge_at_the_token_endpoint(app, providers):
    hostile = providers["hostile"]
    hostile.mode, hostile.pkce_verified[:] = "valid", []
    client = app.test_client()
    authorize = start(client, "aalst", "vijandig")
    challenge = parse_qs(urlsplit(authorize).query)["code_challenge"][0]
    follow(client, consent_at_hostile(authorize))
    assert hostile.pkce_verified == [True]
    assert challenge != base64.urlsafe_b64encode(hashlib.sha256(b"").digest()).rstrip(b"=").decode()


def test_the_session_is_rotated_at_sign_in(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before sign-in"
    sign_in(client, "aalst", "organisatie", "beheerder-aalst")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_partner_acts_for_the_organisation_the_provider_asserts(app):
    client = app.test_client()
    response = sign_in(client, "aalst", "organisatie", "ckg-karim")
    assert response.status_code == 302
    with app.extensions["opvangplein.db"].session(None) as db:
        assert len(db.exec(select(OrganisationMember)).all()) == 1
    assert client.get("/t/aalst/beheer/").status_code == 403


def test_signing_out_ends_the_session_and_uses_the_providers_end_session_endpoint(app, providers):
    client = app.test_client()
    sign_in(client, "aalst", "organisatie", "beheerder-aalst")
    response = client.post("/t/aalst/afmelden")
    # Our session ends with the POST; a GET page of ours then sends the browser on.
    assert response.status_code == 303
    assert response.headers["Location"] == "/t/aalst/afmelden/aanbieder"
    assert client.get("/t/aalst/beheer/").status_code == 401
    onward = client.get("/t/aalst/afmelden/aanbieder")
    assert onward.status_code == 200
    assert providers["aalst"].issuer + "/oauth2/end_session" in onward.text
    assert "id_token_hint=" in onward.text


def test_a_changed_provider_takes_effect_without_restart(app, providers):
    client = app.test_client()
    sign_in(client, "aalst", "organisatie", "beheerder-aalst")
    form = {
        "key": "organisatie",
        "label_nl": "Nieuw label",
        "issuer": providers["brugge"].issuer,
        "client_id": "opvangplein-aalst",
        "client_secret": "test-secret",
        "scopes": "openid profile email",
        "roles_claim": "roles",
        "role_map": "brugge-admin = tenant_admin",
    }
    assert client.post("/t/aalst/beheer/aanmelden", data=form).status_code == 302
    fresh = app.test_client()
    assert "Nieuw label" in fresh.get("/t/aalst/aanmelden").text
    assert start(fresh, "aalst", "organisatie").startswith(providers["brugge"].issuer)


# -- refusals ----------------------------------------------------------------------------------


def test_a_tampered_state_is_refused(app):
    client = app.test_client()
    callback = consent_at_mock(start(client, "aalst", "organisatie"), "beheerder-aalst")
    assert_refused(follow(client, callback.replace("state=", "state=X")), "state_mismatch", client)


def test_a_replayed_callback_is_refused(app):
    client = app.test_client()
    callback = consent_at_mock(start(client, "aalst", "organisatie"), "beheerder-aalst")
    assert follow(client, callback).status_code == 302
    client.post("/t/aalst/afmelden")
    assert_refused(follow(client, callback), "state_mismatch", client)


@pytest.mark.parametrize(
    "mode",
    [
        "missing_nonce",
        "replayed_nonce",
        "other_issuer",
        "wrong_audience",
        "expired",
        "alg_none",
        "unknown_key",
    ],
)
def test_a_defective_id_token_is_refused(app, providers, mode):
    hostile = providers["hostile"]
    client = app.test_client()
    if mode == "replayed_nonce":  # a first, valid sign-in whose nonce is replayed afterwards
        hostile.mode = "valid"
        hostile.used_nonces[:] = []
        follow(client, consent_at_hostile(start(client, "aalst", "vijandig")))
        client = app.test_client()
    hostile.mode = mode
    try:
        response = follow(client, consent_at_hostile(start(client, "aalst", "vijandig")))
    finally:
        hostile.mode = "valid"
    assert_refused(response, "invalid_id_token", client)
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        failures = db.exec(select(AuditEntry).where(AuditEntry.action == "signin.failed")).all()
    assert failures, "a failed sign-in must be audited"


def test_a_valid_hostile_baseline_is_accepted_so_the_refusals_mean_something(app, providers):
    providers["hostile"].mode = "valid"
    client = app.test_client()
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        user = User(issuer=providers["hostile"].issuer, subject="vijand", name="Vera")
        db.add(user)
        db.flush()
        db.add(Membership(user_id=user.id, roles=["tenant_admin"], claim_roles=[]))
    response = follow(client, consent_at_hostile(start(client, "aalst", "vijandig")))
    assert response.status_code == 302
    assert client.get("/t/aalst/beheer/").status_code == 200


def test_a_callback_at_tenant_b_for_a_sign_in_started_at_tenant_a_is_refused(app):
    client = app.test_client()
    callback = consent_at_mock(start(client, "aalst", "organisatie"), "beheerder-aalst")
    stolen = callback.replace("/t/aalst/", "/t/brugge/")
    assert_refused(follow(client, stolen), "tenant_mismatch", client, slug="brugge")
    assert client.get("/t/aalst/beheer/").status_code == 401


def test_a_user_without_membership_gets_a_403_page_that_says_whom_to_ask(app):
    client = app.test_client()
    response = sign_in(client, "aalst", "organisatie", "onbekende")
    assert response.status_code == 403
    assert "beheer@aalst.test" in response.text
    assert client.get("/t/aalst/").status_code == 200
    assert client.get("/t/aalst/beheer/").status_code == 401
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        assert "signin.refused" in db.exec(select(AuditEntry.action)).all()


def test_an_unreachable_provider_gives_a_clear_page(app, monkeypatch):
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        from core.models import Tenant

        tenant = db.get(Tenant, tenant_id(app, "brugge"))
        tenant.identity_providers = [
            {**tenant.identity_providers[0], "issuer": "http://127.0.0.1:9"}
        ]
        db.add(tenant)
    client = app.test_client()
    response = client.get("/t/brugge/aanmelden/organisatie")
    assert response.status_code == 400 and 'data-reason="provider_unavailable"' in response.text
