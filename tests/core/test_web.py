"""Requests: tenant resolution, the per-tenant plugin switch, admin, headers, errors, language."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from core.config import ConfigurationError, Settings
from core.models import AuditEntry
from core.security import CONTENT_SECURITY_POLICY
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin_client(app):
    """A client signed in as tenant admin of Aalst."""
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    return client


def test_tenant_is_found_by_host_and_by_path_prefix(client):
    by_host = client.get("/", headers={"Host": "brugge.test"})
    by_path = client.get("/t/aalst/")
    assert by_host.status_code == 200 and "Brugge" in by_host.text
    assert by_path.status_code == 200 and "Aalst" in by_path.text


def test_links_stay_inside_the_path_prefixed_tenant(client):
    page = client.get("/t/aalst/").text
    assert 'href="/t/aalst/probe/"' in page
    assert 'href="/t/aalst/static/vendor/htmx-2.0.11.min.js"' not in page  # static is shared
    assert "/static/vendor/htmx-2.0.11.min.js" in page


def test_an_unknown_tenant_gets_a_404_page_never_another_tenant(client):
    for response in (client.get("/t/gent/"), client.get("/", headers={"Host": "gent.test"})):
        assert response.status_code == 404
        assert "Aalst" not in response.text and "Brugge" not in response.text


def test_a_malformed_slug_is_a_404(client):
    assert client.get("/t/AA..%2F/").status_code == 404


def test_the_platform_page_lists_tenants_and_no_tenant_data(app, client):
    db = app.extensions["opvangplein.db"]
    from tests.core.probe_plugin import ProbeFamily

    with db.tenant_session(tenant_id(app, "aalst")) as session:
        session.add(ProbeFamily(name="Familie Geheim"))
    page = client.get("/").text
    assert "Aalst" in page and "Brugge" in page
    assert "Familie Geheim" not in page


def test_platform_host_does_not_serve_tenant_pages(client):
    assert client.get("/probe/").status_code == 404
    assert client.get("/beheer/").status_code == 404


def test_disabled_plugin_routes_answer_404_for_that_tenant_only(client):
    assert client.get("/t/aalst/loket/").status_code == 200
    assert client.get("/t/brugge/loket/").status_code == 404
    assert client.get("/t/brugge/ckg/").status_code == 200


def test_disabling_a_plugin_at_run_time_hides_routes_and_navigation_for_that_tenant(admin_client):
    client = admin_client
    assert 'href="/t/aalst/probe/"' in client.get("/t/aalst/").text
    response = client.post("/t/aalst/beheer/modules/probe", data={"enabled": "0", "confirm": "1"})
    assert response.status_code == 302
    assert client.get("/t/aalst/probe/").status_code == 404
    assert 'href="/t/aalst/probe/"' not in client.get("/t/aalst/").text
    assert client.get("/t/brugge/probe/").status_code == 200
    client.post("/t/aalst/beheer/modules/probe", data={"enabled": "1"})
    assert client.get("/t/aalst/probe/").status_code == 200


def test_toggling_a_plugin_with_htmx_returns_only_the_module_list(admin_client):
    client = admin_client
    response = client.post(
        "/t/aalst/beheer/modules/probe", data={"enabled": "0"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="plugin-list">')
    assert "<html" not in response.text


def test_a_plugin_cannot_be_enabled_before_what_it_requires(app, admin_client):
    client = admin_client
    registry = app.extensions["opvangplein.plugins"]
    registry.manifests["probe"] = type(registry.manifests["probe"])(
        name="probe", title_nl="Proefmodule", title_en="Probe module", requires=("starters",)
    )
    client.post("/t/aalst/beheer/modules/probe", data={"enabled": "0", "confirm": "1"})
    response = client.post("/t/aalst/beheer/modules/probe", data={"enabled": "1"})
    assert response.status_code == 409
    assert "starters" in response.text
    assert client.get("/t/aalst/probe/").status_code == 404


def test_toggling_an_unknown_plugin_is_a_404(admin_client):
    client = admin_client
    assert client.post("/t/aalst/beheer/modules/nothing", data={"enabled": "1"}).status_code == 404


def test_plugin_settings_are_validated_and_saved(admin_client):
    client = admin_client
    bad = client.post(
        "/t/aalst/beheer/modules/probe/instellingen", data={"max_children": "veel", "mode": "calm"}
    )
    assert bad.status_code == 422
    assert 'id="error-summary"' in bad.text and 'href="#setting-probe-max_children"' in bad.text
    good = client.post(
        "/t/aalst/beheer/modules/probe/instellingen", data={"max_children": "6", "mode": "busy"}
    )
    assert good.status_code == 302
    page = client.get("/t/aalst/beheer/").text
    assert 'value="6"' in page
    assert '<option value="busy" selected>Druk</option>' in page  # choices read as words


def test_theme_changes_apply_at_once_and_bad_colours_are_refused(app, admin_client):
    client = admin_client
    bad = client.post(
        "/t/aalst/beheer/thema",
        data={"primary": "rood", "primary_text": "#ffffff", "accent": "#eeeeee"},
    )
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    assert (
        client.post(
            "/t/aalst/beheer/thema",
            data={"primary": "#123456", "primary_text": "#ffffff", "accent": "#eeeeee"},
        ).status_code
        == 302
    )
    theme_css = client.get("/t/aalst/theme.css").text
    assert "--opvangplein-primary: #123456;" in theme_css
    # Secondary buttons take the municipality's colour too, not Utrecht's default blue.
    assert "--utrecht-button-secondary-action-color: #123456;" in theme_css
    assert "--utrecht-button-secondary-action-border-color: #123456;" in theme_css
    assert "#123456" not in client.get("/t/brugge/theme.css").text
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as session:
        actions = session.exec(select(AuditEntry.action)).all()
    assert "theme.updated" in actions


def test_admin_pages_need_sign_in_and_the_admin_permission(app, client):
    assert client.get("/t/aalst/beheer/").status_code == 401
    signed_in_as(client, app, "aalst", "ouder", ["parent"])
    assert client.get("/t/aalst/beheer/").status_code == 403
    assert client.post("/t/aalst/beheer/modules/probe", data={"enabled": "0"}).status_code == 403


def test_a_tenant_admin_of_one_tenant_is_nobody_at_another(app, admin_client):
    assert admin_client.get("/t/aalst/beheer/").status_code == 200
    assert admin_client.get("/t/brugge/beheer/").status_code == 401


def test_production_refuses_development_defaults():
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings(env="production", database_url="postgresql://db/x", secure_cookies=True).check()
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        Settings(env="production", secret_key="y" * 40, secure_cookies=True).check()


def test_production_refuses_to_start_without_a_mail_relay_or_a_job_queue():
    """Without them mail would wait for ever, unsent, and nobody would hear of it."""
    ready = Settings(
        env="production",
        secret_key="y" * 40,
        database_url="postgresql+psycopg://app@db/opvangplein",
        platform_database_url="postgresql+psycopg://platform@db/opvangplein",
        secure_cookies=True,
        secrets_keys="k1:" + "A" * 44,
        smtp_host="relay.gemeente.be",
        redis_url="redis://redis:6379/0",
        public_url="https://opvangplein.gemeente.be",
    )
    ready.check()
    with pytest.raises(ConfigurationError, match="SMTP_HOST"):
        dataclasses.replace(ready, smtp_host="").check()
    with pytest.raises(
        ConfigurationError, match="OPVANGPLEIN_BROKER_URL: nor OPVANGPLEIN_REDIS_URL"
    ):
        dataclasses.replace(ready, redis_url="").check()


def test_production_refuses_the_default_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPVANGPLEIN_ENV", "production")
    monkeypatch.delenv("OPVANGPLEIN_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        Settings.from_environ()


def test_state_changing_requests_need_a_csrf_token(sqlite_settings):
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True})
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    refused = client.post("/t/aalst/beheer/modules/probe", data={"enabled": "0"})
    assert refused.status_code == 400
    assert "Traceback" not in refused.text
    page = client.get("/t/aalst/beheer/").text
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    accepted = client.post(
        "/t/aalst/beheer/modules/probe",
        data={"enabled": "0"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert accepted.status_code == 200


def test_every_response_carries_security_headers_and_a_request_id(client):
    response = client.get("/t/aalst/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert (
        "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
        and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.headers["X-Request-ID"]) == 32


def test_session_cookie_flags(sqlite_settings):
    app = probe_app(sqlite_settings)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_an_anonymous_page_sets_no_cookie(client):
    response = client.get("/t/aalst/")
    assert "Set-Cookie" not in response.headers and "X-CSRFToken" not in response.text


def test_pages_have_no_inline_scripts_or_styles(admin_client):
    client = admin_client
    page = client.get("/t/aalst/beheer/").text
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert 'class="utrecht-skip-link" href="#main"' in page and '<main id="main"' in page


def test_errors_are_json_for_json_clients_and_pages_for_browsers(client):
    as_json = client.get("/t/aalst/niets", headers={"Accept": "application/json"})
    assert as_json.status_code == 404
    assert as_json.json["error"]["status"] == 404 and as_json.json["error"]["request_id"]
    as_page = client.get("/t/aalst/niets")
    assert as_page.status_code == 404 and "<html" in as_page.text and "Aalst" in as_page.text


def test_unexpected_errors_show_a_500_page_without_a_stack_trace(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/t/aalst/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_healthz_is_liveness_and_readyz_reports_the_database(client):
    assert client.get("/healthz").json == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["database"] == "reachable"


def test_dutch_by_default_and_english_on_request(client):
    dutch = client.get("/t/aalst/")
    assert '<html lang="nl-BE"' in dutch.text
    assert "Naar de hoofdinhoud" in dutch.text
    client.get("/t/aalst/taal/en?next=/")
    english = client.get("/t/aalst/")
    assert '<html lang="en"' in english.text and "Skip to main content" in english.text


def test_language_switch_never_redirects_off_site(client):
    response = client.get("/t/aalst/taal/en?next=//evil.example/")
    assert response.headers["Location"] in ("/t/aalst/", "http://localhost/t/aalst/")


def test_the_tenant_cache_serves_repeat_requests_and_admin_changes_apply_at_once(tmp_path):
    import dataclasses

    from core.models import TenantPlugin
    from core.tenancy import plugin_row

    url = f"sqlite:///{tmp_path / 'cached.sqlite3'}"
    settings = Settings(database_url=url, migration_database_url=url, tenants_dir=tmp_path)
    app = probe_app(dataclasses.replace(settings, tenant_cache_seconds=60))
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    assert client.get("/t/aalst/probe/").status_code == 200
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        row: TenantPlugin = plugin_row(db, "probe")
        row.enabled = False  # behind the platform's back: the cache may still serve the old answer
        db.add(row)
    assert client.get("/t/aalst/probe/").status_code == 200
    client.post(
        "/t/aalst/beheer/modules/probe", data={"enabled": "0", "confirm": "1"}
    )  # through the admin: at once
    assert client.get("/t/aalst/probe/").status_code == 404


def test_external_links_outside_a_request_use_the_public_url(sqlite_settings):
    from dataclasses import replace
    from uuid import uuid4

    FAMILY_ID = uuid4()  # noqa: N806

    from core.models import Tenant
    from core.web import external_url

    settings = replace(sqlite_settings, public_url="https://kinderopvang.example.be/platform")
    app = probe_app(settings)
    with app.extensions["opvangplein.db"].session() as session:
        aalst = session.get(Tenant, tenant_id(app, "aalst"))
    with app.app_context():
        link = external_url(aalst, "probe.family_detail", family_id=FAMILY_ID)
    assert link == f"https://kinderopvang.example.be/platform/t/aalst/probe/families/{FAMILY_ID}"
    with app.test_request_context("/probe/", base_url="http://aalst.test/"):
        app.preprocess_request()
        assert external_url(aalst, "probe.family_list") == "http://aalst.test/probe/"


@pytest.mark.parametrize(
    ("colours", "field", "ratio"),
    [
        # The theme: white text on yellow.
        (
            {"primary": "#ffd700", "primary_text": "#ffffff", "accent": "#1d4f91"},
            "primary_text",
            "1,4",
        ),
        # Pale links on the white page.
        ({"primary": "#9ec5fe", "primary_text": "#000000", "accent": "#ffffff"}, "primary", "1,8"),
        # Dark navigation background under the dark menu text.
        ({"primary": "#1d4f91", "primary_text": "#ffffff", "accent": "#333333"}, "accent", "1,4"),
    ],
)
def test_a_theme_people_cannot_read_is_refused_with_its_contrast(
    app, admin_client, colours, field, ratio
):
    before = admin_client.get("/t/aalst/theme.css").text
    response = admin_client.post("/t/aalst/beheer/thema", data=colours)
    assert response.status_code == 422
    assert f"{ratio}:1" in response.text and "4,5:1" in response.text
    assert f'id="theme-{field}"' in response.text
    assert admin_client.get("/t/aalst/theme.css").text == before
