"""The municipality's home page for a visitor without cookies is rendered once per tenant cache
period (#18): it is the page most visitors open first and the same for all of them. Anyone who
carries a cookie (signed in, a language chosen, a flash message waiting) gets it rendered."""

from __future__ import annotations

import dataclasses
import time

import pytest

from core import page_cache
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as
from tests.support.queries import app_engines, counted_statements

HOME = "/t/aalst/"


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app(sqlite_settings):
    return probe_app(dataclasses.replace(sqlite_settings, tenant_cache_seconds=5.0))


@pytest.fixture
def clock(app):
    clock = Clock()
    page_cache.cache_of(app).clock = clock
    return clock


def _rename(app, name: str) -> None:
    from sqlmodel import select

    from core.models import Tenant

    with app.extensions["opvangplein.db"].session() as db:
        tenant = db.exec(select(Tenant).where(Tenant.slug == "aalst")).one()
        tenant.name = name
        db.add(tenant)
        db.commit()


def test_a_second_anonymous_visit_is_served_without_rendering_or_queries(app, clock):
    first = app.test_client().get(HOME)
    assert first.status_code == 200
    with counted_statements(*app_engines(app)) as log:
        second = app.test_client().get(HOME)
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert log.count == 0, str(log)
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in second.headers


def test_a_signed_in_visitor_never_gets_the_anonymous_page(app, clock):
    anonymous = app.test_client().get(HOME).get_data(as_text=True)
    assert "Afmelden" not in anonymous
    member = app.test_client()
    signed_in_as(member, app, "aalst", "lid", ["tenant_admin"])
    page = member.get(HOME).get_data(as_text=True)
    assert "Afmelden" in page


def test_a_visitor_who_chose_english_gets_the_english_page(app, clock):
    app.test_client().get(HOME)
    visitor = app.test_client()
    visitor.get("/taal/en?next=" + HOME)
    page = visitor.get(HOME).get_data(as_text=True)
    assert 'lang="en"' in page


def test_a_change_by_another_worker_shows_once_the_period_is_over(sqlite_settings):
    app = probe_app(dataclasses.replace(sqlite_settings, tenant_cache_seconds=1.5))
    assert "Aalst" in app.test_client().get(HOME).get_data(as_text=True)
    _rename(app, "Stad Aalst")  # as another worker would: this process forgets nothing
    assert "Stad Aalst" not in app.test_client().get(HOME).get_data(as_text=True)
    time.sleep(1.6)
    assert "Stad Aalst" in app.test_client().get(HOME).get_data(as_text=True)


def test_a_change_made_in_this_process_shows_at_once(app, clock):
    """The admin pages forget the tenant directory after a change; the pages go with it."""
    app.test_client().get(HOME)
    _rename(app, "Stad Aalst")
    app.extensions["opvangplein.tenants"].forget()
    assert "Stad Aalst" in app.test_client().get(HOME).get_data(as_text=True)


def test_an_htmx_request_or_another_municipality_is_not_served_the_cached_page(app, clock):
    app.test_client().get(HOME)
    other = app.test_client().get("/t/brugge/").get_data(as_text=True)
    assert "Brugge" in other
    fragment = app.test_client().get(HOME, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)


def test_without_a_tenant_cache_nothing_is_kept(sqlite_settings):
    app = probe_app(sqlite_settings)  # tenant_cache_seconds=0, as in the other tests
    app.test_client().get(HOME)
    with counted_statements(*app_engines(app)) as log:
        app.test_client().get(HOME)
    assert log.count > 0


def test_a_page_that_wrote_a_session_is_never_kept(app, clock):
    """A page with a form would hold this visitor's CSRF token and set their cookie."""
    from flask import session

    renders = []

    def render_with_token() -> str:
        renders.append(1)
        session["csrf_token"] = f"token-{len(renders)}"
        return f"page {len(renders)}"

    with app.test_request_context(HOME):
        from flask import g

        g.tenant = type("T", (), {"id": "aalst"})()
        assert page_cache.anonymous_page(render_with_token) == "page 1"
    with app.test_request_context(HOME):
        g.tenant = type("T", (), {"id": "aalst"})()
        assert page_cache.anonymous_page(render_with_token) == "page 2"
