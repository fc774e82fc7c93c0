"""Issue 16: withdrawing a request asks to confirm, and says what it costs the family.

Without JavaScript: the withdraw button opens an explanation and a second step; the server
refuses a withdrawal without the ticked box, with a message, and changes nothing.
"""

from __future__ import annotations

import re

from sqlmodel import select

from core.models import AuditEntry
from plugins.loket.models import ChildcareRequest
from tests.plugins.loket.conftest import make_location, make_request, tenant_db
from tests.support.auth import signed_in_as


def _parents_request(app, client, subject="ouder-an"):
    user = signed_in_as(client, app, "aalst", subject, ["parent"])
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
        row = make_request(db, "Lotte", [location], parent_user_id=user.id)
    return row


def _status(app, row) -> str:
    with tenant_db(app) as db:
        return db.get(ChildcareRequest, row.id).status


def _withdrawals(app) -> list:
    with tenant_db(app) as db:
        return list(
            db.exec(select(AuditEntry).where(AuditEntry.action == "loket.request_withdrawn"))
        )


def test_a_withdrawal_without_the_confirmation_is_refused_and_nothing_changes(app):
    client = app.test_client()
    row = _parents_request(app, client)
    response = client.post(f"/t/aalst/loket/aanvraag/{row.id}/intrekken")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vink het vakje aan om te bevestigen dat je de aanvraag wilt intrekken." in page
    assert f'href="#confirm-{row.id}"' in page and "Er is nog niets gewijzigd." in page
    assert _status(app, row) == "open" and _withdrawals(app) == []
    # A crafted "no" is no confirmation either.
    refused = client.post(f"/t/aalst/loket/aanvraag/{row.id}/intrekken", data={"confirm": "no"})
    assert refused.status_code == 422 and _status(app, row) == "open"


def test_the_withdraw_button_explains_what_it_means_and_is_a_warning_not_the_main_action(app):
    client = app.test_client()
    row = _parents_request(app, client)
    page = client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    block = page[page.index('<details class="withdraw-confirm">') :]
    block = block[: block.index("</details>")]
    summary = re.search(r"<summary class=\"([^\"]+)\">", block).group(1)
    assert "utrecht-button--warning" in summary and "primary-action" not in summary
    assert "De aanvraag verliest haar plaats in de volgorde" in block
    assert "de inschrijvingsdatum van" in block and "vervalt" in block
    assert 'name="confirm" value="yes"' in block and f"confirm-{row.id}" in block
    [button] = re.findall(r"<button class=\"([^\"]+)\"", block)
    assert "utrecht-button--warning" in button and "primary-action" not in button


def test_a_confirmed_withdrawal_withdraws_the_request(app):
    client = app.test_client()
    row = _parents_request(app, client)
    response = client.post(f"/t/aalst/loket/aanvraag/{row.id}/intrekken", data={"confirm": "yes"})
    assert response.status_code == 302
    assert _status(app, row) == "withdrawn" and len(_withdrawals(app)) == 1
    page = client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "De aanvraag is ingetrokken." in page
    assert '<details class="withdraw-confirm">' not in page


def test_staff_withdrawing_for_a_parent_confirm_as_well(app):
    parent_client, staff_client = app.test_client(), app.test_client()
    row = _parents_request(app, parent_client)
    signed_in_as(staff_client, app, "aalst", "loket-medewerker", ["staff:loket"])
    detail = staff_client.get(f"/t/aalst/loket/aanvragen/{row.id}").get_data(as_text=True)
    assert '<details class="withdraw-confirm">' in detail
    url = f"/t/aalst/loket/aanvraag/{row.id}/intrekken"
    assert staff_client.post(url).status_code == 422 and _status(app, row) == "open"
    assert staff_client.post(url, data={"confirm": "yes"}).status_code == 302
    assert _status(app, row) == "withdrawn"


def test_another_parent_cannot_withdraw_even_with_the_confirmation(app):
    owner, other = app.test_client(), app.test_client()
    row = _parents_request(app, owner)
    signed_in_as(other, app, "aalst", "ouder-els", ["parent"])
    url = f"/t/aalst/loket/aanvraag/{row.id}/intrekken"
    assert other.post(url, data={"confirm": "yes"}).status_code == 404
    assert other.post(url).status_code == 404
    assert _status(app, row) == "open"
