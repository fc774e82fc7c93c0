"""An invitation's roles go only to the person at the address it was mailed to (issue 21).

The attacker got hold of an invitation link: it was forwarded to a colleague, pasted in a ticket,
sent by another municipality, used before, or is old. None of these may hand the roles (or the
invited address) to the account that opens it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.db import utcnow
from core.identity.models import EmailConfirmation
from core.models import AuditEntry
from tests.security import test_verified_email as verified_email_tests
from tests.security.test_verified_email import (
    VICTIM,
    link_path,
    mails_to,
    roles_at_aalst,
    sign_in_with_claims,
    user_with_subject,
)
from tests.support.apps import tenant_id
from tests.support.auth import make_user, sign_in, signed_in_as

hostile = verified_email_tests.hostile  # the fixture


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, hostile, monkeypatch):
    """On PostgreSQL too: there row-level security also keeps Brugge from Aalst's links."""
    settings = request.getfixturevalue(f"{request.param}_settings")
    return verified_email_tests.make_app(settings, hostile, monkeypatch)


def invite_victim(app, roles=("staff:loket",)) -> str:
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    admin.post("/t/aalst/beheer/leden", data={"email": VICTIM, "roles": list(roles)})
    return link_path(mails_to(app, VICTIM)[0])


def client_of(app, subject: str, *, email: str, verified: bool, slug: str = "aalst"):
    user = make_user(app, subject, email=email, email_verified=verified)
    client = app.test_client()
    sign_in(client, app, slug, user)
    return client, user


def audit_actions(app) -> list[str]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        return [entry.action for entry in db.exec(select(AuditEntry)).all()]


def test_a_forwarded_link_gives_a_colleague_with_another_verified_address_nothing(app):
    path = invite_victim(app)
    colleague, user = client_of(app, "collega", email="collega@example.be", verified=True)

    shown = colleague.get(path)
    assert shown.status_code == 403
    assert 'id="invitation-refused"' in shown.text
    assert "collega@example.be" in shown.text  # it says which account is signed in …
    assert VICTIM not in shown.text  # … but does not reveal the invited address
    assert "<form" not in shown.text.split('id="invitation-refused"')[1]
    tried = colleague.post(path)
    assert tried.status_code == 403 and 'id="invitation-refused"' in tried.text

    assert roles_at_aalst(app, user.id) == []
    refreshed = user_with_subject(app, "collega")
    assert (refreshed.email, refreshed.email_verified_via) == ("collega@example.be", "provider")
    assert "member.invitation_refused" in audit_actions(app)
    # The admin reads it in the audit log, in words.
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    assert (
        "Kreeg een uitnodiging voor een ander adres geweigerd"
        in admin.get("/t/aalst/beheer/audit").text
    )

    # The link still works for the person it was mailed to.
    invited, noor = client_of(app, "noor", email="Noor.Ouder@Example.be", verified=True)
    assert invited.post(path).status_code == 200
    assert roles_at_aalst(app, noor.id) == ["staff:loket"]


def test_a_brand_new_person_without_a_verified_address_joins_and_the_link_proves_it(app, hostile):
    path = invite_victim(app)
    newcomer = app.test_client()
    sign_in_with_claims(
        newcomer,
        hostile,
        "vijandig",
        next=path.removeprefix("/t/aalst"),
        sub="nieuw",
        email="n@elders.be",
    )
    assert newcomer.post(path).status_code == 200
    joined = user_with_subject(app, "nieuw")
    assert roles_at_aalst(app, joined.id) == ["staff:loket"]
    # Her account now carries the address the link reached, proven by that link.
    assert (joined.email, joined.email_verified_via) == (VICTIM, "link")


def test_another_municipalitys_link_is_unknown_here(app):
    path = invite_victim(app)
    token = path.rsplit("/", 1)[1]
    noor, user = client_of(app, "noor", email=VICTIM, verified=True, slug="brugge")
    assert noor.get(f"/t/brugge/uitnodiging/{token}").status_code == 404
    assert noor.post(f"/t/brugge/uitnodiging/{token}").status_code == 404
    assert roles_at_aalst(app, user.id) == []


def test_a_used_link_works_no_second_time_not_even_for_the_invited_person(app):
    path = invite_victim(app, roles=("parent",))
    noor, user = client_of(app, "noor", email=VICTIM, verified=True)
    assert noor.post(path).status_code == 200
    again = noor.post(path)
    assert again.status_code == 404 and 'id="link-message"' in again.text
    colleague, other = client_of(app, "collega", email="collega@example.be", verified=False)
    assert colleague.post(path).status_code == 404
    assert roles_at_aalst(app, other.id) == []


def test_an_expired_link_grants_nothing(app):
    path = invite_victim(app)
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        row = db.exec(select(EmailConfirmation)).one()
        row.expires_at = utcnow() - timedelta(minutes=1)
        db.add(row)
    noor, user = client_of(app, "noor", email=VICTIM, verified=True)
    assert noor.get(path).status_code == 404
    assert noor.post(path).status_code == 404
    assert roles_at_aalst(app, user.id) == []
