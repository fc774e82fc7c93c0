"""Roles, permissions, sign-in sessions and the tenant admin's access pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.db import utcnow
from core.identity.access import permissions_for
from core.identity.models import Membership, Organisation, OrganisationGrant, SignInSession
from core.identity.sessions import Lifetimes, active_session, open_session
from core.models import AuditEntry
from core.plugin_types import Permission
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_partner, make_user, sign_in, signed_in_as

DECLARED = [
    ("core", Permission("core.admin", "", roles=())),
    ("loket", Permission("loket.view", "", roles=("staff", "partner", "parent"))),
    ("loket", Permission("loket.allocate", "", roles=("staff",))),
    ("starters", Permission("starters.apply", "", roles=("starter",))),
]


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (["tenant_admin"], {"core.admin", "loket.view", "loket.allocate", "starters.apply"}),
        (["staff:loket"], {"loket.view", "loket.allocate"}),
        (["partner:loket"], {"loket.view"}),
        (["parent"], {"loket.view"}),
        (["starter"], {"starters.apply"}),
        (["staff:ckg"], set()),
        ([], set()),
    ],
)
def test_roles_grant_the_permissions_their_kind_holds(roles, expected):
    assert permissions_for(roles, DECLARED) == expected


def test_a_platform_admin_holds_every_permission():
    assert permissions_for([], DECLARED, is_platform_admin=True) == {p.name for _, p in DECLARED}


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings)


def test_sessions_end_after_the_idle_and_the_absolute_lifetime(app):
    lifetimes = Lifetimes(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    user = make_user(app, "slaper")
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        token = open_session(db, user_id=user.id, provider="test", id_token="")
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        now = utcnow()
        assert active_session(db, token, lifetimes, now + timedelta(minutes=29)) is not None
        assert active_session(db, token, lifetimes, now + timedelta(minutes=29 + 31)) is None
        assert db.exec(select(SignInSession)).one().ended_at is not None
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        token = open_session(db, user_id=user.id, provider="test", id_token="")
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        start = utcnow()
        for step in range(1, 36):  # active every 20 minutes, up to 11 h 40 …
            assert (
                active_session(db, token, lifetimes, start + timedelta(minutes=20 * step))
                is not None
            )
        # … and still it ends at 12 hours
        assert active_session(db, token, lifetimes, start + timedelta(hours=12, minutes=1)) is None


def test_a_platform_admin_may_administer_any_tenant(app):
    client = app.test_client()
    user = make_user(app, "platform", platform_admin=True)
    sign_in(client, app, "brugge", user)
    assert client.get("/t/brugge/beheer/").status_code == 200


def test_a_partner_gets_the_modules_granted_to_the_organisation(app):
    client = app.test_client()
    user = make_user(app, "karim")
    make_partner(app, "aalst", user, "ckg-limburg", ["probe"])
    sign_in(client, app, "aalst", user)
    page = client.get("/t/aalst/")
    assert page.status_code == 200 and "Karim" in page.text
    assert client.get("/t/aalst/beheer/").status_code == 403


def test_admin_changes_roles_and_the_change_is_audited(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    other = make_user(app, "lotte")
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        membership = Membership(user_id=other.id, roles=["parent"], claim_roles=[])
        db.add(membership)
    response = client.post(
        f"/t/aalst/beheer/leden/{membership.id}", data={"roles": ["staff:probe", "parent", "bogus"]}
    )
    assert response.status_code == 302
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        assert db.get(Membership, membership.id).roles == ["parent", "staff:probe"]
        entry = db.exec(select(AuditEntry).where(AuditEntry.action == "member.roles_changed")).one()
        assert entry.detail == {"before": ["parent"], "after": ["parent", "staff:probe"]}
    audit_page = client.get("/t/aalst/beheer/audit?soort=members")
    assert "Wijzigde de rollen van een lid" in audit_page.text  # words, not the code


def test_an_admin_cannot_remove_their_own_admin_role(app):
    client = app.test_client()
    admin = signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        membership = db.exec(select(Membership).where(Membership.user_id == admin.id)).one()
    response = client.post(f"/t/aalst/beheer/leden/{membership.id}", data={"roles": ["parent"]})
    assert response.status_code == 422 and "eigen beheerdersrol" in response.text


def test_adding_a_member_sends_an_invitation_and_bad_input_is_refused_with_a_message(app):
    # Members are invited by a single-use link (tests/security/test_verified_email.py): the
    # address is not looked up, so whether anyone uses it already makes no difference.
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    bad = client.post("/t/aalst/beheer/leden", data={"email": "geen-adres", "roles": ["parent"]})
    assert bad.status_code == 422 and 'id="error-summary"' in bad.text
    invited = client.post(
        "/t/aalst/beheer/leden", data={"email": "Sofie@example.be", "roles": ["starter"]}
    )
    assert invited.status_code == 200 and 'id="invitation-sent"' in invited.text
    assert "sofie@example.be" in client.get("/t/aalst/beheer/leden").text


def test_admin_grants_an_organisation_access_to_modules(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        organisation = Organisation(slug="cvo-limburg", name="CVO Limburg", kind="school")
        db.add(organisation)
    assert "CVO Limburg" in client.get("/t/aalst/beheer/organisaties").text
    client.post(
        f"/t/aalst/beheer/organisaties/{organisation.id}", data={"modules": ["probe", "starters"]}
    )
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        assert db.exec(select(OrganisationGrant.modules)).one() == [
            "probe"
        ]  # starters is not enabled
    with app.extensions["opvangplein.db"].session(tenant_id(app, "brugge")) as db:
        assert db.exec(select(OrganisationGrant)).all() == []
    client.post(f"/t/aalst/beheer/organisaties/{organisation.id}", data={})
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        assert db.exec(select(OrganisationGrant)).all() == []


def test_a_provider_with_invalid_settings_is_refused_with_a_message(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    response = client.post(
        "/t/aalst/beheer/aanmelden",
        data={"key": "Fout Sleutel", "issuer": "ftp://x", "client_id": "x", "scopes": "openid"},
    )
    assert response.status_code == 422 and "gebruik kleine letters, cijfers" in response.text
    response = client.post(
        "/t/aalst/beheer/aanmelden",
        data={
            "key": "staf",
            "issuer": "https://login.example.be",
            "client_id": "x",
            "scopes": "openid",
            "role_map": "a = koning",
        },
    )
    assert response.status_code == 422 and "onbekende rollen koning" in response.text


def test_a_partner_acts_for_the_organisations_granted_in_that_module(app):
    from flask import g

    from core.identity.access import acting_organisations

    client = app.test_client()
    user = make_user(app, "karim")
    make_partner(app, "aalst", user, "ckg-limburg", ["probe"])
    sign_in(client, app, "aalst", user)

    @app.get("/who-do-i-act-for")
    def who():
        return {
            "probe": [o.slug for o in acting_organisations("probe")],
            "loket": [o.slug for o in acting_organisations("loket")],
            "roles": sorted(g.roles),
        }

    assert client.get("/t/aalst/who-do-i-act-for").json == {
        "probe": ["ckg-limburg"],
        "loket": [],
        "roles": ["partner:probe"],
    }
