"""The page shell (links, menu) is built once per tenant, language and kind of visitor, and
follows a module switch at once; the templates' translations are looked up once per request."""

from __future__ import annotations

import flask_babel
import pytest

from core import i18n
from tests.core import probe_plugin
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as


@pytest.fixture
def app(sqlite_settings):
    # The tenant cache on, as in production (tests default to 0 s).
    sqlite_settings = type(sqlite_settings)(
        **{**sqlite_settings.__dict__, "tenant_cache_seconds": 60.0}
    )
    return probe_app(sqlite_settings)


def _menu_builds() -> int:
    return sum(1 for name, slug in probe_plugin.calls if name == "menu_items" and slug == "aalst")


def test_the_menu_is_built_once_per_tenant_and_language(app):
    client = app.test_client()
    probe_plugin.calls.clear()
    pages = [client.get("/t/aalst/").get_data(as_text=True) for _ in range(3)]
    assert _menu_builds() == 1
    assert all('href="/t/aalst/probe/">Proefmodule</a>' in page for page in pages)
    client.get("/t/aalst/taal/en?next=/")
    english = client.get("/t/aalst/").get_data(as_text=True)
    client.get("/t/aalst/")
    assert _menu_builds() == 2
    assert ">Home</a>" in english and 'href="/t/aalst/probe/"' in english


def test_each_tenant_has_its_own_shell(app):
    client = app.test_client()
    aalst = client.get("/t/aalst/").get_data(as_text=True)
    brugge = client.get("/t/brugge/").get_data(as_text=True)
    assert 'href="/t/aalst/probe/"' in aalst and "/t/brugge/" not in aalst
    assert 'href="/t/brugge/probe/"' in brugge and "/t/aalst/" not in brugge
    assert 'href="/t/brugge/privacy"' in brugge


def test_a_signed_in_visitor_gets_a_shell_of_their_own_kind(app):
    visitor, admin = app.test_client(), app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    anonymous_page = visitor.get("/t/aalst/").get_data(as_text=True)
    admin_page = admin.get("/t/aalst/").get_data(as_text=True)
    assert 'href="/t/aalst/afmelden"' not in anonymous_page
    assert 'action="/t/aalst/afmelden"' in admin_page
    assert 'href="/t/aalst/beheer/"' in admin_page
    assert 'href="/t/aalst/beheer/"' not in visitor.get("/t/aalst/").get_data(as_text=True)


def test_switching_a_module_off_takes_it_out_of_the_menu_on_the_next_page(app):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    assert 'href="/t/aalst/probe/"' in admin.get("/t/aalst/").get_data(as_text=True)
    response = admin.post("/t/aalst/beheer/modules/probe", data={"enabled": "", "confirm": "1"})
    assert response.status_code in (302, 303)
    assert 'href="/t/aalst/probe/"' not in admin.get("/t/aalst/").get_data(as_text=True)
    admin.post("/t/aalst/beheer/modules/probe", data={"enabled": "1"})
    assert 'href="/t/aalst/probe/"' in admin.get("/t/aalst/").get_data(as_text=True)


def test_translations_are_looked_up_once_per_request(app, monkeypatch):
    client = app.test_client()
    # A visitor with a cookie: the home page is rendered for them, not served from the cache
    # kept for visitors without one (core.page_cache).
    client.set_cookie("seen", "1")
    client.get("/t/aalst/")
    selected, looked_up = [], []
    real_select, real_lookup = i18n.select_locale, flask_babel.Domain.get_translations
    monkeypatch.setattr(
        app.extensions["babel"], "locale_selector", lambda: selected.append(1) or real_select()
    )
    monkeypatch.setattr(
        flask_babel.Domain,
        "get_translations",
        lambda self: looked_up.append(1) or real_lookup(self),
    )
    page = client.get("/t/aalst/").get_data(as_text=True)
    assert "Naar de hoofdinhoud" in page
    # The page translates more than ten texts; the catalog is found once.
    assert page.count("utrecht-link") > 3
    assert (len(selected), len(looked_up)) == (1, 1)
