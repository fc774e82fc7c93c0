"""A signed-in request reads its identity in one query, and every change to it holds at once."""

from __future__ import annotations

import pytest
from flask import g, request_finished
from sqlmodel import select

from core.identity import access
from core.identity.models import OrganisationGrant
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import grant_roles, make_partner, make_user, sign_in, signed_in_as
from tests.support.queries import app_engines, counted_statements

IDENTITY_TABLES = ("sign_in_session", "user_account", "membership", "organisation")


@pytest.fixture
def app(database_settings):
    return probe_app(database_settings)


def identity_statements(log) -> list[str]:
    return [sql for sql in log.statements if any(table in sql for table in IDENTITY_TABLES)]


def test_a_signed_in_staff_request_reads_its_identity_in_one_query(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "medewerker", ["staff:probe", "tenant_admin"])
    client.get("/t/aalst/probe/")  # warm: compiled statements, resolved tenant
    with counted_statements(*app_engines(app)) as log:
        response = client.get("/t/aalst/probe/")
    assert response.status_code == 200
    assert "Medewerker" in response.get_data(as_text=True)
    assert len(identity_statements(log)) == 1, str(log)


def test_a_partner_request_reads_roles_and_organisations_in_the_same_one_query(app):
    client = app.test_client()
    partner = make_user(app, "partner")
    make_partner(app, "aalst", partner, "ckg-oost", ["probe"])
    make_partner(app, "aalst", partner, "ckg-west", ["probe", "loket"])
    sign_in(client, app, "aalst", partner)
    client.get("/t/aalst/probe/")
    seen = {}

    def remember(sender, response, **extra):
        seen["roles"], seen["organisations"] = g.roles, g.organisations

    with counted_statements(*app_engines(app)) as log, request_finished.connected_to(remember, app):
        assert client.get("/t/aalst/probe/").status_code == 200
    assert len(identity_statements(log)) == 1, str(log)
    assert seen["roles"] == {"partner:probe", "partner:loket"}
    assert sorted(o.slug for o in seen["organisations"]) == ["ckg-oost", "ckg-west"]


def test_the_identity_query_count_does_not_grow_with_roles_or_organisations(app):
    counts = []
    for number, organisations in enumerate((0, 1, 4)):
        client = app.test_client()
        user = make_user(app, f"gebruiker-{number}")
        grant_roles(app, "aalst", user, ["staff:probe"])
        for index in range(organisations):
            make_partner(app, "aalst", user, f"org-{number}-{index}", ["probe"])
        sign_in(client, app, "aalst", user)
        client.get("/t/aalst/probe/")
        with counted_statements(*app_engines(app)) as log:
            assert client.get("/t/aalst/probe/").status_code == 200
        counts.append(log.count)
    assert counts[0] == counts[1] == counts[2], counts


def test_a_revoked_role_is_refused_on_the_very_next_request(app):
    client = app.test_client()
    admin = signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    assert client.get("/t/aalst/beheer/").status_code == 200
    grant_roles(app, "aalst", admin, [])
    assert client.get("/t/aalst/beheer/").status_code == 403


def test_a_withdrawn_organisation_grant_holds_on_the_very_next_request(app):
    client = app.test_client()
    partner = make_user(app, "partner-weg")
    make_partner(app, "aalst", partner, "ckg-weg", ["probe"])
    sign_in(client, app, "aalst", partner)
    seen = []

    def remember(sender, response, **extra):
        seen.append(g.roles)

    with request_finished.connected_to(remember, app):
        client.get("/t/aalst/probe/")
        with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
            for grant in db.exec(select(OrganisationGrant)).all():
                db.delete(grant)
        client.get("/t/aalst/probe/")
    assert seen == [{"partner:probe"}, frozenset()]


def test_a_signed_out_session_is_anonymous_on_the_very_next_request(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "vertrekker", ["tenant_admin"])
    assert client.get("/t/aalst/beheer/").status_code == 200
    with client.session_transaction() as cookie:
        kept = dict(cookie)
    assert client.post("/t/aalst/afmelden").status_code in (302, 303)
    # Even a browser that replays the old cookie is no longer signed in.
    with client.session_transaction() as cookie:
        cookie.update(kept)
    assert client.get("/t/aalst/beheer/").status_code == 401


def test_a_sign_in_at_one_tenant_carries_no_roles_into_another(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "eenzijdig", ["tenant_admin"])
    assert client.get("/t/aalst/beheer/").status_code == 200
    assert client.get("/t/brugge/beheer/").status_code == 401


def test_permissions_are_computed_once_per_request(app, monkeypatch):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "teller", ["tenant_admin"])
    calls = []
    real = access.permissions_for
    monkeypatch.setattr(access, "permissions_for", lambda *a, **k: calls.append(1) or real(*a, **k))
    access._permissions_of.cache_clear()
    for _ in range(3):
        assert client.get("/t/aalst/beheer/").status_code == 200
    assert len(calls) == 1
