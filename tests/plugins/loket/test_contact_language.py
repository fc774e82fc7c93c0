"""Issue 19: the loket offered Turkish or Arabic as a language and then changed nothing. The
language of the platform's pages and e-mails offers only what the interface speaks (Dutch,
English); the language a family prefers for a conversation with the counter is a field of its
own, which staff see on the request."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlmodel import select

from plugins.loket.models import ChildcareRequest
from tests.plugins.loket.conftest import LOKET_TENANTS, make_location, tenant_db
from tests.plugins.loket.test_views import parent, request_form, staff
from tests.support.apps import probe_app


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _options(page: str, name: str) -> list[str]:
    select_html = page.split(f'name="{name}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"', select_html)


def _only_request(app) -> ChildcareRequest:
    with tenant_db(app) as db:
        return db.exec(select(ChildcareRequest)).one()


def test_the_mail_language_offers_only_what_the_interface_speaks(app):
    client = app.test_client()
    parent(app, client)
    page = client.get("/t/aalst/loket/aanvraag/nieuw").get_data(as_text=True)
    assert _options(page, "language") == ["nl", "en"]
    contact = _options(page, "contact_language")
    assert {"tr", "ar", "fr", "pl"} <= set(contact) and "" in contact
    assert "Taal van onze e-mails" in page and "Taal voor een gesprek met het loket" in page


def test_a_family_that_prefers_turkish_for_a_conversation_gets_dutch_mail_and_staff_see_it(
    app, mail_sink
):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    client = app.test_client()
    parent(app, client)
    sent = client.post(
        "/t/aalst/loket/aanvraag/nieuw",
        data=request_form(location, language="nl", contact_language="tr"),
    )
    assert sent.status_code == 302
    row = _only_request(app)
    assert (row.language, row.contact_language) == ("nl", "tr")
    [mail] = mail_sink.messages
    assert "We hebben je opvangvraag voor Lotte ontvangen" in mail.get_content()
    office = app.test_client()
    staff(app, office)
    detail = office.get(f"/t/aalst/loket/aanvragen/{row.id}").get_data(as_text=True)
    assert "Taal voor een gesprek" in detail and "Türkçe" in detail


def test_a_crafted_interface_language_the_platform_does_not_speak_is_refused(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    client = app.test_client()
    parent(app, client)
    answer = client.post(
        "/t/aalst/loket/aanvraag/nieuw", data=request_form(location, language="tr")
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'href="#language"' in page  # the error summary points at the field
    with tenant_db(app) as db:
        assert db.exec(select(ChildcareRequest)).all() == []
