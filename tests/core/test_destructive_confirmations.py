"""Destructive admin actions ask first and look dangerous: removing a member needs its second
step (the server refuses without it, changes nothing, 422), erasing needs the address twice,
and both buttons wear the warning style; the confirmation afterwards is a status banner."""

from __future__ import annotations

from sqlmodel import select

from core.identity.models import Membership
from core.models import AuditEntry
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import grant_roles, make_user, signed_in_as


def _setup(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    admin = signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    colleague = make_user(app, "an")
    grant_roles(app, "aalst", colleague, ["staff:loket"])
    return app, client, admin, colleague


def _membership(app, user):
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        return db.exec(select(Membership).where(Membership.user_id == user.id)).first()


def test_removing_a_member_without_the_confirmation_changes_nothing(sqlite_settings):
    app, client, _admin, colleague = _setup(sqlite_settings)
    membership = _membership(app, colleague)
    refused = client.post(f"/t/aalst/beheer/leden/{membership.id}/verwijderen")
    assert refused.status_code == 422
    assert "Bevestig dat je dit lid wilt verwijderen" in refused.get_data(as_text=True)
    assert _membership(app, colleague).roles == ["staff:loket"]


def test_a_confirmed_removal_removes_the_member_audits_and_says_so(sqlite_settings):
    app, client, _admin, colleague = _setup(sqlite_settings)
    membership = _membership(app, colleague)
    page = client.post(
        f"/t/aalst/beheer/leden/{membership.id}/verwijderen",
        data={"confirm": "yes"},
        follow_redirects=True,
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'role="status"' in html and "An is geen lid meer." in html
    assert _membership(app, colleague) is None
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        entry = db.exec(select(AuditEntry).where(AuditEntry.action == "member.removed")).one()
    assert entry.detail == {"roles": ["staff:loket"]}


def test_an_admin_cannot_remove_themselves(sqlite_settings):
    app, client, admin, _colleague = _setup(sqlite_settings)
    own = _membership(app, admin)
    refused = client.post(f"/t/aalst/beheer/leden/{own.id}/verwijderen", data={"confirm": "yes"})
    assert refused.status_code == 422
    assert _membership(app, admin) is not None


def test_only_an_admin_removes_members(sqlite_settings):
    app, _client, _admin, colleague = _setup(sqlite_settings)
    other = app.test_client()
    signed_in_as(other, app, "aalst", "loketmedewerker", ["staff:loket"])
    membership = _membership(app, colleague)
    answer = other.post(
        f"/t/aalst/beheer/leden/{membership.id}/verwijderen", data={"confirm": "yes"}
    )
    assert answer.status_code == 403
    assert _membership(app, colleague) is not None


def test_destructive_buttons_wear_the_warning_style(sqlite_settings):
    app, client, _admin, colleague = _setup(sqlite_settings)
    members = client.get("/t/aalst/beheer/leden").get_data(as_text=True)
    assert '<details class="confirm-step">' in members
    assert "button--warning" in members and "Ja, verwijder An" in members
    privacy = client.get("/t/aalst/beheer/privacy").get_data(as_text=True)
    assert (
        'utrecht-button--secondary-action utrecht-button--warning" type="submit">Wissen<' in privacy
    )
