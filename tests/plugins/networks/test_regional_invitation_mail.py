"""A regional invitation is mailed to the invited municipality's administrators, in its own outbox."""

from __future__ import annotations

import dataclasses
import time
from urllib.parse import urlsplit

from sqlmodel import select

from core.identity.models import User
from core.mail import OutboxMessage
from plugins.networks.models import RegionalPartnership
from tests.plugins.networks.conftest import NETWORK_TENANTS, add_network, build_world, networks_app
from tests.support.apps import tenant_id

TENANTS = {
    **NETWORK_TENANTS,
    "brugge": NETWORK_TENANTS["brugge"] + 'contact_email = "kinderopvang@brugge.be"\n',
}


def wait_for(mail_sink, count: int) -> list:
    deadline = time.monotonic() + 5
    while len(mail_sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail_sink.messages) == count, [m["To"] for m in mail_sink.messages]
    return list(mail_sink.messages)


def test_the_invited_municipalitys_admins_get_the_invitation_and_the_inviter_never_sees_them(
    sqlite_settings, mail_sink
):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    world = build_world(networks_app(settings, tenants=TENANTS))
    app = world.app
    network_id = add_network(app, "aalst", "Regionaal overleg Leie", "regional_cooperation")
    aalst_admin = world.client("admin-aalst", roles=["tenant_admin"])
    brugge_admin = world.client("admin-brugge", "brugge", roles=["tenant_admin"])
    world.client("bram", "brugge", roles=["staff:networks"])  # staff, not an admin: not told
    unproven = world.user("admin-unproven", "brugge", ["tenant_admin"])
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        user = db.get(User, unproven.id)
        user.email_verified_via = ""
        db.add(user)

    response = aalst_admin.post(
        f"/t/aalst/netwerken/{network_id}/regio",
        data={"partner_tenant": str(tenant_id(app, "brugge")), "invitation": "Samen de Leie"},
    )
    assert response.status_code == 303

    mails = {mail["To"]: mail for mail in wait_for(mail_sink, 2)}
    assert set(mails) == {"admin-brugge@example.be", "kinderopvang@brugge.be"}
    mail = mails["admin-brugge@example.be"]
    assert mail["Subject"] == "Aalst nodigt je uit voor een regionale samenwerking"
    text = mail.get_body(("plain",)).get_content()
    assert "Aalst nodigt Brugge uit om zijn regionale netwerk" in text
    assert "Regionaal overleg Leie" in text and "Samen de Leie" in text
    [link] = [word for word in text.split() if "://" in word]
    path = urlsplit(link).path
    assert path == "/t/brugge/netwerken/beheer/regio"
    page = brugge_admin.get(path)
    assert page.status_code == 200
    assert "Samen de Leie" in page.get_data(as_text=True)

    database = app.extensions["opvangplein.db"]
    with database.session(tenant_id(app, "aalst")) as aalst:
        assert aalst.exec(select(OutboxMessage)).all() == []
    with database.session(tenant_id(app, "brugge")) as brugge:
        stored = brugge.exec(select(OutboxMessage)).all()
        assert {row.to_address for row in stored} == set(mails)
        assert {row.purpose for row in stored} == {"networks.regional_invitation"}
    # The inviting admin's page names the invitation, never the other side's addresses.
    network_page = aalst_admin.get(f"/t/aalst/netwerken/{network_id}").get_data(as_text=True)
    assert "admin-brugge@example.be" not in network_page
    assert "kinderopvang@brugge.be" not in network_page
    with database.session(None) as db:
        assert db.exec(select(RegionalPartnership)).one().invitation == "Samen de Leie"


def test_a_refused_invitation_mails_no_one(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    world = build_world(networks_app(settings, tenants=TENANTS))
    world.client("admin-brugge", "brugge", roles=["tenant_admin"])
    aalst_admin = world.client("admin-aalst", roles=["tenant_admin"])
    # Not a regional cooperation: refused, so nothing is announced.
    response = aalst_admin.post(
        f"/t/aalst/netwerken/{world.network_id}/regio",
        data={"partner_tenant": str(tenant_id(world.app, "brugge"))},
    )
    assert response.status_code == 422
    time.sleep(0.3)
    assert mail_sink.messages == []
