"""Attack 1: a tenant admin tries to make the platform send server secrets to its own provider.

The admin controls a provider (a rogue process that records every request) and the sign-in
service form. Whatever the admin types, no platform secret and no value of any environment
variable may reach that provider, and the issuer cannot be an address that is not a provider.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from sqlmodel import select

from core.config import Settings
from core.crypto import SecretBox, SecretUnavailable, parse_keys
from core.identity import outbound
from core.models import AuditEntry, Tenant
from core.tenant_files import TenantFile, TenantFileError
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as
from tests.support.identity_providers import SECRET_ENV
from tests.support.rogue_provider import RogueProvider

PLATFORM_SECRET = "platform-secret-key-that-must-stay-home-0123456789"
OWNER_URL = "postgresql://owner:owner-password-0123@db.internal/opvangplein"
OTHER_TENANTS_SECRET = "brugge-idp-secret-0123456789"


@pytest.fixture
def rogue():
    provider = RogueProvider()
    yield provider
    provider.stop()


@pytest.fixture
def app(sqlite_settings, monkeypatch):
    monkeypatch.setenv("OPVANGPLEIN_SECRET_KEY", PLATFORM_SECRET)
    monkeypatch.setenv("OPVANGPLEIN_MIGRATION_DATABASE_URL", OWNER_URL)
    monkeypatch.setenv(SECRET_ENV, OTHER_TENANTS_SECRET)
    settings = Settings(**{**sqlite_settings.__dict__, "secret_key": PLATFORM_SECRET})
    return probe_app(settings)


@pytest.fixture
def admin(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    return client


def provider_form(issuer: str, **extra) -> dict:
    return {
        "key": "eigen",
        "label_nl": "Eigen dienst",
        "issuer": issuer,
        "client_id": "opvangplein-aalst",
        "scopes": "openid profile email",
        **extra,
    }


def sign_in_at(app: Flask, key: str = "eigen") -> bool:
    """A visitor signs in through the service: the platform goes on to the token endpoint.
    Returns whether the platform started the sign-in at all (it refuses a service that needs a
    secret it does not have)."""
    client = app.test_client()
    authorize = client.get(f"/t/aalst/aanmelden/{key}")
    if authorize.status_code != 302:
        assert 'data-reason="provider_misconfigured"' in authorize.text
        return False
    callback = requests.get(authorize.headers["Location"], allow_redirects=False, timeout=10)
    parts = urlsplit(callback.headers["Location"])
    client.get(f"{parts.path}?{parts.query}")
    return True


def stored_providers(app: Flask) -> list[dict]:
    with app.extensions["opvangplein.db"].session() as db:
        return db.get(Tenant, tenant_id(app, "aalst")).identity_providers


@pytest.mark.parametrize(
    "variable",
    ["OPVANGPLEIN_SECRET_KEY", "OPVANGPLEIN_MIGRATION_DATABASE_URL", SECRET_ENV],
)
def test_naming_an_environment_variable_in_the_form_sends_nothing_of_it(
    app, admin, rogue, variable
):
    answer = admin.post(
        "/t/aalst/beheer/aanmelden",
        data=provider_form(
            rogue.issuer,
            client_secret_env=variable,
            token_endpoint_auth_method="client_secret_basic",
        ),
    )
    assert answer.status_code in (302, 422)
    assert all(not entry.get("client_secret_env") for entry in stored_providers(app))
    if answer.status_code == 302:
        sign_in_at(app)
    # And as a public client, so the platform certainly completes a sign-in with the provider.
    public = provider_form(
        rogue.issuer, client_secret_env=variable, token_endpoint_auth_method="none"
    )
    assert admin.post("/t/aalst/beheer/aanmelden", data=public).status_code == 302
    assert sign_in_at(app)
    assert rogue.received, "the platform never talked to the provider: the test proves nothing"
    assert rogue.leaked_environment() == {}
    for value in (PLATFORM_SECRET, OWNER_URL, OTHER_TENANTS_SECRET):
        assert value not in rogue.everything_received()


def test_a_typed_secret_is_sealed_never_shown_never_audited_and_reaches_only_its_issuer(
    app, admin, rogue
):
    typed = "typed-by-the-admin-+/:%=&-secret"
    assert (
        admin.post(
            "/t/aalst/beheer/aanmelden", data=provider_form(rogue.issuer, client_secret=typed)
        ).status_code
        == 302
    )
    stored = json.dumps(stored_providers(app))
    assert typed not in stored and "client_secret_sealed" in stored
    page = admin.get("/t/aalst/beheer/aanmelden").text
    assert typed not in page and "v1." not in page
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        details = json.dumps([entry.detail for entry in db.exec(select(AuditEntry)).all()])
    assert typed not in details and "v1." not in details

    sign_in_at(app)
    assert typed in rogue.everything_received(), "the provider it was entered for receives it"

    elsewhere = RogueProvider()
    try:
        # The admin points the same service at another issuer without typing the secret again.
        moved = admin.post("/t/aalst/beheer/aanmelden", data=provider_form(elsewhere.issuer))
        assert moved.status_code == 302
        assert "client_secret_sealed" not in json.dumps(stored_providers(app))
        sign_in_at(app)
        assert elsewhere.received
        assert typed not in elsewhere.everything_received()
    finally:
        elsewhere.stop()


def test_a_sealed_secret_copied_to_another_tenant_or_issuer_does_not_open(app, admin, rogue):
    admin.post("/t/aalst/beheer/aanmelden", data=provider_form(rogue.issuer, client_secret="s3"))
    sealed = stored_providers(app)[-1]["client_secret_sealed"]
    box = app.extensions["opvangplein.secret_box"]
    aalst, brugge = tenant_id(app, "aalst"), tenant_id(app, "brugge")
    assert box.open(sealed, context=f"idp-secret|{aalst}|eigen|{rogue.issuer}") == "s3"
    for context in (
        f"idp-secret|{brugge}|eigen|{rogue.issuer}",
        f"idp-secret|{aalst}|eigen|https://evil.example",
        f"idp-secret|{aalst}|ander|{rogue.issuer}",
    ):
        with pytest.raises(SecretUnavailable):
            box.open(sealed, context=context)


def test_a_secret_sealed_under_an_old_key_opens_after_rotation_and_reseals_under_the_new():
    old = parse_keys("k1:" + "A" * 43)
    rotated = SecretBox({"k2": b"\x01" * 32, **old})
    sealed = SecretBox(old).seal("geheim", context="c")
    assert rotated.open(sealed, context="c") == "geheim"
    resealed = rotated.reseal(sealed, context="c")
    assert resealed.split(".")[1] == "k2" and rotated.open(resealed, context="c") == "geheim"
    with pytest.raises(SecretUnavailable):
        SecretBox({"k2": b"\x01" * 32}).open(sealed, context="c")


def test_a_new_service_works_at_once_on_another_worker(app, admin, rogue, sqlite_settings):
    other_worker = probe_app(
        Settings(**{**sqlite_settings.__dict__, "secret_key": PLATFORM_SECRET})
    )
    other_worker.test_client().get("/t/aalst/aanmelden")  # the other worker has served this tenant
    admin.post("/t/aalst/beheer/aanmelden", data=provider_form(rogue.issuer, client_secret="s"))
    answer = other_worker.test_client().get("/t/aalst/aanmelden/eigen")
    assert answer.status_code == 302 and answer.headers["Location"].startswith(rogue.issuer)


@pytest.mark.parametrize(
    "issuer",
    [
        "http://localhost@evil.example",
        "https://localhost@evil.example",
        "http://127.0.0.1.nip.io",
        "http://evil.example",
        "ftp://127.0.0.1/",
        "https://idp.example/?x=1",
        "https://idp.example/#frag",
        "https://user:password@idp.example",
        "https://idp.example\x00.evil",
        "javascript:alert(1)",
        "",
    ],
)
def test_an_issuer_that_is_not_a_plain_provider_url_is_refused_with_a_message(admin, issuer):
    answer = admin.post("/t/aalst/beheer/aanmelden", data=provider_form(issuer))
    assert answer.status_code == 422 and "Traceback" not in answer.text
    summary = answer.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "issuer" in summary.lower()


def test_internal_services_cannot_be_probed_through_the_issuer(app, admin):
    """In development loopback providers are allowed, but a service that is no provider only
    ever yields 'cannot be reached' — never its answer, and the page stays a page."""
    import redis

    redis.Redis(host="127.0.0.1", port=6379).ping()
    admin.post("/t/aalst/beheer/aanmelden", data=provider_form("http://127.0.0.1:6379"))
    answer = app.test_client().get("/t/aalst/aanmelden/eigen")
    assert answer.status_code == 400 and 'data-reason="provider_unavailable"' in answer.text
    assert "redis" not in answer.text.lower() and "Traceback" not in answer.text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9400",
        "https://127.0.0.1:6379",
        "https://10.0.0.5",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://localhost/",
        "https://192.168.1.10/",
    ],
)
def test_production_refuses_plain_http_and_internal_addresses(url):
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_url(url, production=True)


def test_production_allows_an_internal_provider_the_platform_admin_listed():
    outbound.check_url(
        "https://10.0.0.5/realms/gemeente", production=True, allowed_private_hosts=("10.0.0.0/8",)
    )
    outbound.check_url("https://localhost/", production=True, allowed_private_hosts=("localhost",))


def test_the_guard_refuses_at_request_time_and_caps_answers(rogue):
    app = Flask("guard")
    app.extensions["opvangplein.settings"] = Settings(env="production")
    with app.app_context(), pytest.raises(outbound.OutboundRefused):
        outbound.guarded_session().get(rogue.issuer + "/.well-known/openid-configuration")
    app.extensions["opvangplein.settings"] = Settings()
    with app.app_context():
        assert outbound.guarded_session().get(rogue.issuer + "/jwks").json()["keys"]
        with pytest.raises(outbound.OutboundRefused):
            outbound.guarded_session().get(rogue.issuer + "/large")


def test_tenant_files_may_name_only_opvangplein_idp_variables(tmp_path):
    path = tmp_path / "aalst.toml"
    for name in ("OPVANGPLEIN_SECRET_KEY", "OPVANGPLEIN_MIGRATION_DATABASE_URL", "HOME"):
        path.write_text(
            'name = "Aalst"\n[[identity_providers]]\nkey = "x"\nissuer = "https://idp.example"\n'
            f'client_id = "c"\nclient_secret_env = "{name}"\n',
            encoding="utf-8",
        )
        with pytest.raises(TenantFileError, match="OPVANGPLEIN_IDP_"):
            TenantFile.read(path, set())


def test_rotating_the_platform_key_keeps_secrets_working(sqlite_settings, rogue):
    from core.crypto import new_key_line

    old, new = new_key_line("k1"), new_key_line("k2")
    before = probe_app(Settings(**{**sqlite_settings.__dict__, "secrets_keys": old}))
    admin = before.test_client()
    signed_in_as(admin, before, "aalst", "beheerder", ["tenant_admin"])
    admin.post("/t/aalst/beheer/aanmelden", data=provider_form(rogue.issuer, client_secret="r0t"))
    during = probe_app(Settings(**{**sqlite_settings.__dict__, "secrets_keys": f"{new},{old}"}))
    result = during.test_cli_runner().invoke(args=["secrets", "reseal"])
    assert result.exit_code == 0 and "1 secret(s) resealed under key k2" in result.output
    after = probe_app(Settings(**{**sqlite_settings.__dict__, "secrets_keys": new}))
    assert stored_providers(after)[-1]["client_secret_sealed"].startswith("v1.k2.")
    sign_in_at(after)
    assert "r0t" in rogue.everything_received()


def test_production_refuses_to_start_without_platform_secrets_keys():
    from core.config import ConfigurationError

    production = {
        "env": "production",
        "secret_key": "y" * 40,
        "database_url": "postgresql://app@db/x",
        "platform_database_url": "postgresql://platform@db/x",
        "secure_cookies": True,
        "smtp_host": "relay.gemeente.be",
        "redis_url": "redis://redis:6379/0",
        "public_url": "https://opvangplein.gemeente.be",
    }
    with pytest.raises(ConfigurationError, match="SECRETS_KEYS"):
        Settings(**production).check()
    Settings(**production, secrets_keys="k1:" + "A" * 43).check()


def test_a_secret_with_a_nul_byte_or_too_long_is_refused_with_a_message_and_nothing_saved(
    app, admin, rogue
):
    for secret in ("a\x00b", "x" * 1001):
        answer = admin.post(
            "/t/aalst/beheer/aanmelden", data=provider_form(rogue.issuer, client_secret=secret)
        )
        assert answer.status_code == 422 and 'id="error-summary"' in answer.text
        assert "Traceback" not in answer.text
    assert all(entry.get("key") != "eigen" for entry in stored_providers(app))
