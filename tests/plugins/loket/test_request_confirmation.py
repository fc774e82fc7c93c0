"""Issue 19: after sending a request the parent sees a confirmation banner with the request's
reference number and what happens next; withdrawing is not on that page at all, and on the
parent's list it stays a warning-styled secondary step, never the main button."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlmodel import select

from plugins.loket.models import ChildcareRequest
from tests.plugins.loket.conftest import LOKET_TENANTS, make_location, tenant_db
from tests.plugins.loket.test_views import parent, request_form
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as


def _send(app, client, **changes):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    return client.post("/t/aalst/loket/aanvraag/nieuw", data=request_form(location, **changes))


def _only_request(app) -> ChildcareRequest:
    with tenant_db(app) as db:
        [row] = db.exec(select(ChildcareRequest)).all()
        return row


def test_a_sent_request_shows_a_banner_with_its_reference_and_the_next_steps(app):
    client = app.test_client()
    parent(app, client)
    sent = _send(app, client)
    row = _only_request(app)
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"/t/aalst/loket/aanvraag/{row.id}/verstuurd")
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    banner = page.split('class="utrecht-alert utrecht-alert--ok notification-banner"')[1]
    banner = banner.split("</div>")[0]
    assert 'role="status"' in page
    assert "Je aanvraag is verstuurd." in banner
    assert re.fullmatch(r"LK-[0-9A-F]{8}", row.reference)
    assert row.reference in banner and "Lotte Claes" in banner
    steps = page.split('<ol class="utrecht-ordered-list next-steps">')[1].split("</ol>")[0]
    assert steps.count("<li") >= 3
    assert "ouder-an@example.be" in steps and "voorstel" in steps
    assert "Mijn aanvragen" in page
    # Withdrawing is not what this page is about.
    assert "intrekken" not in page.split("<main")[1].lower()


def test_the_reference_stays_on_the_parents_list_and_withdrawing_is_a_secondary_warning(app):
    client = app.test_client()
    parent(app, client)
    _send(app, client)
    row = _only_request(app)
    page = client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert f"Referentie {row.reference}" in page
    withdraw = page.split('<details class="withdraw-confirm">')[1].split("</summary>")[0]
    assert "utrecht-button--warning" in withdraw and "utrecht-button--secondary-action" in withdraw
    assert "primary-action" not in withdraw


def test_a_draft_has_no_confirmation_and_another_parent_sees_none(app):
    client = app.test_client()
    parent(app, client)
    saved = _send(app, client, action="draft")
    row = _only_request(app)
    assert saved.headers["Location"].endswith("/t/aalst/loket/mijn-aanvragen")
    draft_page = client.get(f"/t/aalst/loket/aanvraag/{row.id}/verstuurd")
    assert draft_page.status_code == 302
    assert draft_page.headers["Location"].endswith("/t/aalst/loket/mijn-aanvragen")
    other = app.test_client()
    signed_in_as(other, app, "aalst", "ouder-bo", ["parent"])
    assert other.get(f"/t/aalst/loket/aanvraag/{row.id}/verstuurd").status_code == 404


@pytest.fixture
def mailing_app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def test_the_confirmation_mail_names_the_same_reference(mailing_app, mail_sink):
    client = mailing_app.test_client()
    parent(mailing_app, client)
    _send(mailing_app, client)
    row = _only_request(mailing_app)
    [mail] = mail_sink.messages
    assert f"Je referentie: {row.reference}." in mail.get_content()
