"""Issue 12, point 3: an e-mail address counts only when it is proven.

The attacker signs in through a real OpenID provider (our hostile test provider, whose claims the
test chooses) with an *unverified* e-mail claim equal to someone else's address, and tries to get
what the platform hands out on that address: the roles a tenant admin grants by e-mail, and that
person's "Mijn gegevens" export. The address counts only when the provider says
``email_verified: true`` or the person opened a single-use link mailed to it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.identity.models import EmailConfirmation, Membership, User
from core.mail import OutboxMessage
from plugins.loket.models import ChildcareRequest
from tests.core.test_sign_in import consent_at_hostile
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_user, signed_in_as
from tests.support.identity_providers import SECRET_ENV
from tests.support.pages import without_csrf_tokens

VICTIM = "noor.ouder@example.be"
LINK = re.compile(r"https?://\S+")


def _provider(key: str, issuer: str, default_roles: str = "") -> str:
    return (
        f'[[identity_providers]]\nkey = "{key}"\nlabel_nl = "Aanmelden ({key})"\n'
        f'issuer = "{issuer}"\nclient_id = "opvangplein-aalst"\n'
        f'client_secret_env = "{SECRET_ENV}"\ndefault_roles = [{default_roles}]\n'
    )


@pytest.fixture
def hostile(providers):
    provider = providers["hostile"]
    saved = dict(provider.claims)
    provider.mode = "valid"
    yield provider
    provider.claims = saved


@pytest.fixture
def app(sqlite_settings, hostile, monkeypatch):
    return make_app(sqlite_settings, hostile, monkeypatch)


def make_app(settings, hostile, monkeypatch):
    """Aalst (loket, two sign-in services at the hostile provider) and Brugge."""
    monkeypatch.setenv(SECRET_ENV, "test-secret")
    tenants = {
        "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "loket"]\n'
        + _provider("vijandig", hostile.issuer)
        + _provider("burger", hostile.issuer, '"parent"'),
        "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe"]\n',
    }
    return probe_app(settings, tenants=tenants)


def sign_in_with_claims(client, hostile, key: str, next: str = "", **claims):
    """Sign in at Aalst through the hostile provider, which asserts exactly ``claims``."""
    hostile.claims = {"name": "Vera Vijand", **claims}
    started = client.get(f"/t/aalst/aanmelden/{key}", query_string={"next": next} if next else {})
    assert started.status_code == 302, started.text
    callback = urlsplit(consent_at_hostile(started.headers["Location"]))
    return client.get(f"{callback.path}?{callback.query}")


def user_with_subject(app, subject: str) -> User | None:
    with app.extensions["opvangplein.db"].session(None) as db:
        return db.exec(select(User).where(User.subject == subject)).first()


def roles_at_aalst(app, user_id) -> list[str]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        membership = db.exec(select(Membership).where(Membership.user_id == user_id)).first()
        return sorted(membership.roles) if membership else []


def mails_to(app, address: str) -> list[OutboxMessage]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        return list(
            db.exec(
                select(OutboxMessage)
                .where(OutboxMessage.to_address == address)
                .order_by(OutboxMessage.created_at)
            )
        )


def link_path(message: OutboxMessage) -> str:
    [link] = LINK.findall(message.body)
    return urlsplit(link).path


def childcare_request_of_victim(app) -> None:
    """The victim asked for childcare at the counter: the request carries only her address."""
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        db.add(
            ChildcareRequest(
                child_first_name="Noor",
                child_last_name="Peeters",
                birth_date=date(2026, 3, 1),
                desired_start=date(2026, 9, 1),
                days=["mon-morning"],
                situation=[],
                status="open",
                parent_email=VICTIM,
                parent_name="Ouder van Noor",
                parent_phone="0470 11 22 33",
                submitted_at=datetime.now(UTC),
            )
        )


def my_download(client) -> str:
    response = client.get("/t/aalst/mijn-gegevens/download")
    assert response.status_code == 200, response.text
    return response.get_data(as_text=True)


# -- roles granted by e-mail -------------------------------------------------------------------


def test_an_unverified_email_claim_does_not_get_the_roles_an_admin_grants_to_that_address(
    app, hostile
):
    attacker = app.test_client()
    # The attacker signs in once (refused: no role yet), so that an account with the address exists.
    sign_in_with_claims(attacker, hostile, "vijandig", sub="vera", email=VICTIM)
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    admin.post("/t/aalst/beheer/leden", data={"email": VICTIM, "roles": ["staff:loket"]})

    response = sign_in_with_claims(
        attacker, hostile, "vijandig", sub="vera", email=VICTIM, email_verified=False
    )

    assert roles_at_aalst(app, user_with_subject(app, "vera").id) == []
    assert response.status_code == 403
    assert attacker.get("/t/aalst/beheer/").status_code == 401
    # What the admin did instead: an invitation went to the address itself.
    [invitation] = mails_to(app, VICTIM)
    assert "/uitnodiging/" in invitation.body


def test_a_verified_email_claim_alone_does_not_get_the_roles_either_only_the_link_does(
    app, hostile
):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    admin.post("/t/aalst/beheer/leden", data={"email": VICTIM, "roles": ["staff:loket"]})
    person = app.test_client()
    response = sign_in_with_claims(
        person, hostile, "vijandig", sub="noor", email=VICTIM, email_verified=True
    )
    assert response.status_code == 403
    assert roles_at_aalst(app, user_with_subject(app, "noor").id) == []


def test_an_invitation_link_works_for_someone_who_never_signed_in_and_only_once(app, hostile):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    admin.post("/t/aalst/beheer/leden", data={"email": VICTIM, "roles": ["staff:loket"]})
    path = link_path(mails_to(app, VICTIM)[0])

    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and "aanmelden/vijandig" in page.text
    # Signing in from the invitation page is let through although she has no role yet …
    next_path = path.removeprefix("/t/aalst")
    arrived = sign_in_with_claims(
        newcomer, hostile, "vijandig", next=next_path, sub="nieuw", email="n@elders.be"
    )
    assert arrived.status_code == 302 and arrived.headers["Location"] == path
    # … opening the link shows what it does; the button does it.
    assert newcomer.get(path).status_code == 200
    assert roles_at_aalst(app, user_with_subject(app, "nieuw").id) == []
    assert newcomer.post(path).status_code == 200
    assert roles_at_aalst(app, user_with_subject(app, "nieuw").id) == ["staff:loket"]

    # The link is used up: a second person (or a second click) gets nothing.
    other = app.test_client()
    signed_in_as(other, app, "aalst", "iemand", ["parent"])
    assert other.post(path).status_code == 404
    assert roles_at_aalst(app, user_with_subject(app, "iemand").id) == ["parent"]


def test_a_signed_in_user_without_a_role_is_not_let_in_by_a_made_up_invitation_link(app, hostile):
    client = app.test_client()
    response = sign_in_with_claims(
        client, hostile, "vijandig", next="/uitnodiging/verzonnen", sub="vera", email="v@x.be"
    )
    assert response.status_code == 403
    assert client.get("/t/aalst/uitnodiging/verzonnen").status_code == 404


def test_a_withdrawn_invitation_grants_nothing(app):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    admin.post("/t/aalst/beheer/leden", data={"email": VICTIM, "roles": ["tenant_admin"]})
    path = link_path(mails_to(app, VICTIM)[0])
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        invitation = db.exec(select(EmailConfirmation)).one()
    assert VICTIM in admin.get("/t/aalst/beheer/leden").text
    withdrawn = admin.post(f"/t/aalst/beheer/leden/uitnodigingen/{invitation.id}/intrekken")
    assert withdrawn.status_code == 303
    assert VICTIM not in admin.get("/t/aalst/beheer/leden").text

    person = app.test_client()
    signed_in_as(person, app, "aalst", "noor", ["parent"])
    assert person.post(path).status_code == 404
    assert roles_at_aalst(app, user_with_subject(app, "noor").id) == ["parent"]


def test_only_the_token_hash_is_stored(app):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    admin.post("/t/aalst/beheer/leden", data={"email": VICTIM, "roles": ["parent"]})
    token = link_path(mails_to(app, VICTIM)[0]).rsplit("/", 1)[1]
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        row = db.exec(select(EmailConfirmation)).one()
    assert token not in json.dumps(row.model_dump(mode="json"))


def test_the_member_form_answers_the_same_for_a_known_and_an_unknown_address(app):
    make_user(app, "bestaand", email="bestaand@example.be")
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])

    def answer(address: str):
        response = admin.post("/t/aalst/beheer/leden", data={"email": address, "roles": ["parent"]})
        body = without_csrf_tokens(response.get_data(as_text=True)).replace(address, "ADDRESS")
        # Each answer lists the invitations pending so far: compare the part above that list.
        return response.status_code, body.split('id="pending-invitations"')[0]

    assert answer("bestaand@example.be") == answer("onbekend@example.be")


# -- "Mijn gegevens" ---------------------------------------------------------------------------


def test_an_unverified_email_claim_does_not_export_another_persons_childcare_requests(app, hostile):
    childcare_request_of_victim(app)
    attacker = app.test_client()
    sign_in_with_claims(attacker, hostile, "burger", sub="vera", email=VICTIM, email_verified=False)
    download = my_download(attacker)
    assert "Noor" not in download and "0470 11 22 33" not in download
    # The page says why, and offers to prove the address instead.
    page = attacker.get("/t/aalst/mijn-gegevens").text
    assert 'id="address-unconfirmed"' in page


def test_a_verified_email_claim_exports_the_requests_made_with_that_address(app, hostile):
    childcare_request_of_victim(app)
    person = app.test_client()
    sign_in_with_claims(person, hostile, "burger", sub="noor", email=VICTIM, email_verified=True)
    assert "Noor" in my_download(person)
    assert 'id="address-unconfirmed"' not in person.get("/t/aalst/mijn-gegevens").text


def test_a_confirmed_link_proves_the_address_once_and_only_for_the_account_that_asked(app, hostile):
    childcare_request_of_victim(app)
    person = app.test_client()
    sign_in_with_claims(person, hostile, "burger", sub="noor", email=VICTIM)
    assert "Noor" not in my_download(person)
    sent = person.post("/t/aalst/mijn-gegevens/bevestigen")
    assert sent.status_code == 200 and 'id="confirmation-sent"' in sent.text
    path = link_path(mails_to(app, VICTIM)[0])

    # Someone else who got hold of the link cannot use it to vouch for their own account.
    stranger = app.test_client()
    sign_in_with_claims(stranger, hostile, "burger", sub="vera", email=VICTIM)
    assert stranger.post(path).status_code == 404
    assert "Noor" not in my_download(stranger)

    assert person.get(path).status_code == 200
    assert "Noor" not in my_download(person)  # opening it shows a button; only that confirms
    assert person.post(path).status_code == 200
    assert "Noor" in my_download(person)
    assert person.post(path).status_code == 404  # used once
    assert user_with_subject(app, "noor").email_verified_via == "link"


def test_an_address_that_changes_is_unverified_again(app, hostile):
    client = app.test_client()
    sign_in_with_claims(
        client, hostile, "burger", sub="noor", email="oud@example.be", email_verified=True
    )
    assert user_with_subject(app, "noor").email_verified_via == "provider"
    sign_in_with_claims(client, hostile, "burger", sub="noor", email=VICTIM, email_verified=False)
    changed = user_with_subject(app, "noor")
    assert (changed.email, changed.email_verified_via) == (VICTIM, "")
    childcare_request_of_victim(app)
    assert "Noor" not in my_download(client)
