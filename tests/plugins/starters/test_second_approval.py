"""Four eyes (issue 21): above the amount a municipality sets, an approval needs a second staff
member who is not the one who proposed it."""

from __future__ import annotations

from sqlmodel import select

from core.audit import AuditEntry
from core.models import TenantPlugin
from plugins.starters.models import Application, DecisionLetter, RequestedMeasure
from tests.plugins.starters.conftest import add_measure, client_as, submitted_application, tenant_db


def detail(application_id) -> str:
    return f"/t/aalst/starters/aanvragen/{application_id}"


def with_second_approval_above(app, amount: int) -> None:
    with tenant_db(app) as db:
        row = db.exec(select(TenantPlugin).where(TenantPlugin.plugin == "starters")).one()
        row.settings = {**row.settings, "second_approval_above_eur": amount}
        db.add(row)


def premium_application(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    with tenant_db(app) as db:
        row = db.exec(
            select(RequestedMeasure).where(RequestedMeasure.application_id == application_id)
        ).one()
    return sofie, application_id, row.id


def the_row(app, row_id) -> RequestedMeasure:
    with tenant_db(app) as db:
        return db.get(RequestedMeasure, row_id)


def test_a_large_amount_waits_for_a_second_staff_member_who_is_not_the_first(app):
    with_second_approval_above(app, 3000)
    sofie, application_id, row_id = premium_application(app)
    els = client_as(app, "els", ["staff:starters"])
    response = els.post(
        f"{detail(application_id)}/maatregelen/{row_id}/beslissing",
        data={"decision": "approved", "amount": "4000"},
    )
    assert response.status_code == 303
    assert the_row(app, row_id).decision == "proposed"
    with tenant_db(app) as db:
        assert db.get(Application, application_id).status == "submitted"
        assert db.exec(select(DecisionLetter)).all() == []
    # The starter does not read a proposal as a decision.
    starter_page = sofie.get(detail(application_id)).get_data(as_text=True)
    assert "4000" not in starter_page and "Nog niet beslist" in starter_page
    # The same person cannot approve twice: not on the page, not by posting.
    own_page = els.get(detail(application_id)).get_data(as_text=True)
    assert "/tweede-goedkeuring" not in own_page
    second = f"{detail(application_id)}/maatregelen/{row_id}/tweede-goedkeuring"
    refused = els.post(second, data={"confirm": "y"})
    assert refused.status_code == 422
    assert "een andere medewerker" in refused.get_data(as_text=True)
    assert the_row(app, row_id).decision == "proposed"
    # A starter cannot give it either; HEAD is no way around the POST.
    assert sofie.post(second, data={"confirm": "y"}).status_code == 403
    piet = client_as(app, "piet", ["staff:starters"])
    # The second staff member finds it in the work list.
    work_list = piet.get("/t/aalst/starters/behandelen").get_data(as_text=True)
    assert "wacht op een tweede goedkeuring" in work_list
    assert piet.head(second).status_code in (404, 405)
    unticked = piet.post(second, data={})
    assert unticked.status_code == 422
    assert f'href="#second-{row_id}-confirm"' in unticked.get_data(as_text=True)
    assert "/tweede-goedkeuring" in piet.get(detail(application_id)).get_data(as_text=True)
    confirmed = piet.post(second, data={"confirm": "y"})
    assert confirmed.status_code == 303
    row = the_row(app, row_id)
    assert row.decision == "approved" and row.amount_granted_eur == 4000
    assert row.second_approved_by_user_id is not None
    assert row.second_approved_by_user_id != row.decided_by_user_id
    with tenant_db(app) as db:
        assert db.get(Application, application_id).status == "decided"
        assert len(db.exec(select(DecisionLetter)).all()) == 1
        actions = {entry.action for entry in db.exec(select(AuditEntry))}
    assert {"starters.measure_proposed", "starters.measure_second_approved"} <= actions
    # Once approved there is nothing left to approve a second time.
    again = piet.post(second, data={"confirm": "y"})
    assert again.status_code == 422
    assert "wacht niet op een tweede goedkeuring" in again.get_data(as_text=True)


def test_an_amount_at_or_below_the_limit_and_a_refusal_count_at_once(app):
    with_second_approval_above(app, 4000)
    _sofie, application_id, row_id = premium_application(app)
    els = client_as(app, "els", ["staff:starters"])
    response = els.post(
        f"{detail(application_id)}/maatregelen/{row_id}/beslissing",
        data={"decision": "approved", "amount": "4000"},
    )
    assert response.status_code == 303
    assert the_row(app, row_id).decision == "approved"


def test_without_the_setting_every_approval_counts_at_once(app):
    _sofie, application_id, row_id = premium_application(app)
    els = client_as(app, "els", ["staff:starters"])
    els.post(
        f"{detail(application_id)}/maatregelen/{row_id}/beslissing",
        data={"decision": "approved", "amount": "5000"},
    )
    assert the_row(app, row_id).decision == "approved"


def test_another_tenant_cannot_give_the_second_approval(app):
    with_second_approval_above(app, 1000)
    _sofie, application_id, row_id = premium_application(app)
    els = client_as(app, "els", ["staff:starters"])
    els.post(
        f"{detail(application_id)}/maatregelen/{row_id}/beslissing",
        data={"decision": "approved", "amount": "4000"},
    )
    bea = client_as(app, "bea", ["staff:starters"], slug="brugge")
    response = bea.post(
        f"/t/brugge/starters/aanvragen/{application_id}/maatregelen/{row_id}/tweede-goedkeuring",
        data={"confirm": "y"},
    )
    assert response.status_code == 404
    assert the_row(app, row_id).decision == "proposed"


def test_the_second_staff_member_sends_a_proposal_back_with_the_reason(app):
    with_second_approval_above(app, 1000)
    _sofie, application_id, row_id = premium_application(app)
    els = client_as(app, "els", ["staff:starters"])
    els.post(
        f"{detail(application_id)}/maatregelen/{row_id}/beslissing",
        data={"decision": "approved", "amount": "4000"},
    )
    piet = client_as(app, "piet", ["staff:starters"])
    url = f"{detail(application_id)}/maatregelen/{row_id}/terugsturen"
    no_reason = piet.post(url, data={"reason": " "})
    assert no_reason.status_code == 422
    assert f'href="#send-back-{row_id}-reason"' in no_reason.get_data(as_text=True)
    assert piet.post(url, data={"reason": "Bedrag te hoog voor 14 plaatsen."}).status_code == 303
    row = the_row(app, row_id)
    assert (row.decision, row.amount_granted_eur, row.decided_by_user_id) == ("pending", None, None)
    page = els.get(detail(application_id)).get_data(as_text=True)
    assert "Bedrag te hoog voor 14 plaatsen." in page
    # Back to the start: a new decision can be made.
    assert 'name="decision"' in page
    again = piet.post(url, data={"reason": "Nog eens."})
    assert again.status_code == 422
