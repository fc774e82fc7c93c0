"""The tenant admin sees mail that waits and mail given up, sends a dead letter again, and sets
how long sent mail is kept — for their own municipality only."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import select

from core.db import utcnow
from core.mail import MAX_ATTEMPTS, Mailer, OutboxMessage, deliver_pending, queue_mail
from core.models import Tenant
from core.testing import sign_in
from tests.support.apps import probe_app, tenant_id


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings)


def give_up_on_a_message(app, slug: str, address: str) -> None:
    database = app.extensions["opvangplein.db"]
    working, database.mailer = database.mailer, Mailer(host="127.0.0.1", port=1, sender="x@y.z")
    with database.tenant_session(tenant_id(app, slug)) as db:
        queue_mail(db, to=address, subject="Uw plaats", body="x")
    for attempt in range(MAX_ATTEMPTS):
        later = utcnow() + timedelta(days=attempt + 1)
        deliver_pending(database, database.mailer, tenant_id(app, slug), now=later)
    database.mailer = working


def test_a_dead_letter_is_listed_with_its_error_and_can_be_sent_again(app, mail_sink):
    give_up_on_a_message(app, "aalst", "an@ouders.test")
    give_up_on_a_message(app, "brugge", "geheim@brugge.test")
    client = app.test_client()
    sign_in(client, app, "aalst", roles=["tenant_admin"])
    page = client.get("/t/aalst/beheer/post/")
    assert page.status_code == 200
    assert "an@ouders.test" in page.text and "ConnectionRefusedError" in page.text
    assert "geheim@brugge.test" not in page.text, "another municipality's mail"
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        [dead] = db.exec(select(OutboxMessage)).all()
    response = client.post(f"/t/aalst/beheer/post/{dead.id}/opnieuw")
    assert response.status_code == 302
    assert [message["To"] for message in mail_sink.messages] == ["an@ouders.test"]
    assert "opnieuw verstuurd" in client.get("/t/aalst/beheer/post/").text
    with app.extensions["opvangplein.db"].session(tenant_id(app, "brugge")) as db:
        [other] = db.exec(select(OutboxMessage)).all()
    assert client.post(f"/t/aalst/beheer/post/{other.id}/opnieuw").status_code == 404


def test_only_the_tenant_admin_sees_the_mail_page(app):
    client = app.test_client()
    assert client.get("/t/aalst/beheer/post/").status_code in {302, 401}
    sign_in(client, app, "aalst", roles=["staff:loket"])
    assert client.get("/t/aalst/beheer/post/").status_code == 403


def test_the_retention_is_set_and_bad_input_gets_a_clear_message(app):
    client = app.test_client()
    sign_in(client, app, "aalst", roles=["tenant_admin"])
    refused = client.post("/t/aalst/beheer/post/bewaartermijn", data={"mail_retention_days": "0"})
    assert refused.status_code == 422 and 'id="error-summary"' in refused.text
    saved = client.post("/t/aalst/beheer/post/bewaartermijn", data={"mail_retention_days": "14"})
    assert saved.status_code == 302
    with app.extensions["opvangplein.db"].session() as db:
        retention = {tenant.slug: tenant.mail_retention_days for tenant in db.exec(select(Tenant))}
    assert retention == {"aalst": 14, "brugge": 30}
