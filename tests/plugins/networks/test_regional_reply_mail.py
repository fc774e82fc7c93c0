"""The other municipality hears every answer to a regional invitation: accepted, declined,
withdrawn or ended, each in its own outbox, once, with a link to its regional page."""

from __future__ import annotations

import dataclasses
import time
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.mail import OutboxMessage
from plugins.networks.models import RegionalPartnership
from tests.plugins.networks.conftest import NETWORK_TENANTS, add_network, build_world, networks_app
from tests.support.apps import tenant_id


@pytest.fixture()
def region(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    world = build_world(networks_app(settings, tenants=NETWORK_TENANTS))
    app = world.app
    aalst_network = add_network(app, "aalst", "Regionaal overleg Leie", "regional_cooperation")
    brugge_network = add_network(app, "brugge", "Regio Brugge", "regional_cooperation")
    aalst = world.client("admin-aalst", roles=["tenant_admin"])
    brugge = world.client("admin-brugge", "brugge", roles=["tenant_admin"])
    response = aalst.post(
        f"/t/aalst/netwerken/{aalst_network}/regio",
        data={"partner_tenant": str(tenant_id(app, "brugge"))},
    )
    assert response.status_code == 303
    wait_for(mail_sink, 1)  # the invitation itself
    mail_sink.messages.clear()
    with app.extensions["opvangplein.db"].session(None) as db:
        partnership_id = db.exec(select(RegionalPartnership)).one().id
    return {
        "app": app,
        "aalst": aalst,
        "brugge": brugge,
        "brugge_network": brugge_network,
        "partnership_id": partnership_id,
        "sink": mail_sink,
    }


def wait_for(mail_sink, count: int) -> list:
    deadline = time.monotonic() + 5
    while len(mail_sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # and nothing more arrives
    assert len(mail_sink.messages) == count, [m["Subject"] for m in mail_sink.messages]
    return list(mail_sink.messages)


def accept(region):
    response = region["brugge"].post(
        f"/t/brugge/netwerken/beheer/regio/{region['partnership_id']}/aanvaarden",
        data={"counterpart": str(region["brugge_network"])},
    )
    assert response.status_code == 303


def withdraw(region, side: str):
    response = region[side].post(
        f"/t/{side}/netwerken/beheer/regio/{region['partnership_id']}/intrekken"
    )
    assert response.status_code == 303


def only_mail(region, to: str):
    [mail] = wait_for(region["sink"], 1)
    assert mail["To"] == to
    text = mail.get_body(("plain",)).get_content()
    [link] = [word for word in text.split() if "://" in word]
    tenant = to.split("@")[0].removeprefix("admin-")
    assert urlsplit(link).path == f"/t/{tenant}/netwerken/beheer/regio"
    return mail["Subject"], text


def outbox_purposes(region, tenant: str) -> list[str]:
    database = region["app"].extensions["opvangplein.db"]
    with database.session(tenant_id(region["app"], tenant)) as db:
        return sorted(row.purpose for row in db.exec(select(OutboxMessage)))


def test_the_inviter_hears_that_the_invitation_was_accepted(region):
    accept(region)
    subject, text = only_mail(region, "admin-aalst@example.be")
    assert subject == "Brugge aanvaardt je regionale samenwerking"
    assert "Regio Brugge" in text
    assert outbox_purposes(region, "aalst") == ["networks.regional_accepted"]
    # Brugge's outbox holds only the invitation it received.
    assert outbox_purposes(region, "brugge") == ["networks.regional_invitation"]


def test_the_inviter_hears_a_declined_invitation(region):
    withdraw(region, "brugge")
    subject, _ = only_mail(region, "admin-aalst@example.be")
    assert subject == "Brugge gaat niet in op je uitnodiging voor een regionale samenwerking"


def test_the_invited_side_hears_that_the_invitation_was_withdrawn(region):
    withdraw(region, "aalst")
    subject, _ = only_mail(region, "admin-brugge@example.be")
    assert subject == "Aalst trekt zijn uitnodiging voor een regionale samenwerking in"


def test_an_ended_cooperation_is_announced_once_even_after_two_clicks(region):
    accept(region)
    wait_for(region["sink"], 1)
    region["sink"].messages.clear()
    withdraw(region, "aalst")
    withdraw(region, "aalst")  # a second click, or the back button and again
    subject, text = only_mail(region, "admin-brugge@example.be")
    assert subject == "Aalst beëindigt de regionale samenwerking"
    assert "Regionaal overleg Leie" in text


def test_withdrawing_takes_a_post_only(region):
    path = f"/t/aalst/netwerken/beheer/regio/{region['partnership_id']}/intrekken"
    assert region["aalst"].head(path).status_code == 405
    assert region["aalst"].get(path).status_code == 405
    time.sleep(0.3)
    assert region["sink"].messages == []


def test_the_withdrawal_date_is_the_day_in_belgium(region):
    from datetime import UTC, datetime

    withdraw(region, "aalst")
    database = region["app"].extensions["opvangplein.db"]
    with database.tenant_session(None) as db:
        partnership = db.get(RegionalPartnership, region["partnership_id"])
        partnership.withdrawn_at = datetime(2027, 1, 31, 23, 30, tzinfo=UTC)  # 00:30 in Brussels
        db.add(partnership)
    page = region["aalst"].get("/t/aalst/netwerken/beheer/regio").get_data(as_text=True)
    assert "Ingetrokken op 01/02/2027." in page
