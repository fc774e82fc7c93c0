"""Payment follow-up of a granted premium (issue 21): requested, paid, recovered, each with its
date, audited, and shown to staff and the starter."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from core.audit import AuditEntry
from plugins.starters.models import RequestedMeasure
from tests.plugins.starters.conftest import add_measure, client_as, submitted_application, tenant_db

TODAY = date.today()


def detail(application_id, slug="aalst") -> str:
    return f"/t/{slug}/starters/aanvragen/{application_id}"


def granted_premium(app, amount="4000"):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    with tenant_db(app) as db:
        row_id = (
            db.exec(
                select(RequestedMeasure).where(RequestedMeasure.application_id == application_id)
            )
            .one()
            .id
        )
    staff = client_as(app, "els", ["staff:starters"])
    response = staff.post(
        f"{detail(application_id)}/maatregelen/{row_id}/beslissing",
        data={"decision": "approved", "amount": amount},
    )
    assert response.status_code == 303
    return sofie, staff, application_id, row_id


def the_row(app, row_id) -> RequestedMeasure:
    with tenant_db(app) as db:
        return db.get(RequestedMeasure, row_id)


def test_the_starter_asks_payment_staff_record_paid_and_recovered_both_see_the_dates(app):
    sofie, staff, application_id, row_id = granted_premium(app)
    base = f"{detail(application_id)}/maatregelen/{row_id}"
    assert "Nog geen betaling aangevraagd" in sofie.get(detail(application_id)).get_data(
        as_text=True
    )
    asked = sofie.post(f"{base}/betaling-aanvragen")
    assert asked.status_code == 303
    row = the_row(app, row_id)
    assert row.payment_status == "requested" and row.payment_requested_on == TODAY
    # Asking twice is explained, not a second request.
    twice = sofie.post(f"{base}/betaling-aanvragen")
    assert twice.status_code == 409
    assert "stap voor stap" in twice.get_data(as_text=True)

    paid_on = TODAY - timedelta(days=0)
    paid = staff.post(f"{base}/betaling", data={"status": "paid", "on": paid_on.isoformat()})
    assert paid.status_code == 303
    no_reason = staff.post(
        f"{base}/betaling", data={"status": "recovered", "on": TODAY.isoformat()}
    )
    assert no_reason.status_code == 422
    assert f'href="#payment-{row_id}-note"' in no_reason.get_data(as_text=True)
    recovered = staff.post(
        f"{base}/betaling",
        data={
            "status": "recovered",
            "on": TODAY.isoformat(),
            "note": "Niet aangesloten bij het loket binnen het jaar.",
        },
    )
    assert recovered.status_code == 303
    row = the_row(app, row_id)
    assert (row.payment_status, row.paid_on, row.recovered_on) == ("recovered", TODAY, TODAY)
    with tenant_db(app) as db:
        actions = [
            entry.action
            for entry in db.exec(select(AuditEntry).order_by(AuditEntry.at))
            if entry.action.startswith("starters.payment_")
        ]
    assert actions == [
        "starters.payment_requested",
        "starters.payment_paid",
        "starters.payment_recovered",
    ]
    shown = TODAY.strftime("%d/%m/%Y")
    for client in (sofie, staff):
        page = client.get(detail(application_id)).get_data(as_text=True)
        assert "Teruggevorderd" in page and f"Betaald op {shown}" in page
        assert "Niet aangesloten bij het loket binnen het jaar." in page


def test_payment_steps_keep_their_order_and_dates_are_checked(app):
    _sofie, staff, application_id, row_id = granted_premium(app)
    url = f"{detail(application_id)}/maatregelen/{row_id}/betaling"
    skipped = staff.post(url, data={"status": "paid", "on": TODAY.isoformat()})
    assert skipped.status_code == 422
    assert "stap voor stap" in skipped.get_data(as_text=True)
    future = staff.post(
        url, data={"status": "requested", "on": (TODAY + timedelta(days=3)).isoformat()}
    )
    assert future.status_code == 422
    assert "niet in de toekomst" in future.get_data(as_text=True)
    assert staff.post(url, data={"status": "requested", "on": TODAY.isoformat()}).status_code == 303
    before = staff.post(url, data={"status": "paid", "on": (TODAY - timedelta(days=5)).isoformat()})
    assert before.status_code == 422
    assert "niet voor de vorige stap" in before.get_data(as_text=True)
    for bad in (
        {"status": "paid\x00", "on": TODAY.isoformat()},
        {"status": "paid", "on": "gisteren"},
    ):
        response = staff.post(url, data=bad)
        assert response.status_code == 422
        assert "Traceback" not in response.get_data(as_text=True)
    assert the_row(app, row_id).payment_status == "requested"


def test_others_cannot_touch_the_payment(app):
    _sofie, _staff, application_id, row_id = granted_premium(app)
    base = f"{detail(application_id)}/maatregelen/{row_id}"
    jan = client_as(app, "jan", ["starter"])
    assert jan.post(f"{base}/betaling-aanvragen").status_code == 404
    assert jan.post(f"{base}/betaling", data={"status": "requested"}).status_code == 403
    bea = client_as(app, "bea", ["staff:starters"], slug="brugge")
    response = bea.post(
        f"{detail(application_id, 'brugge')}/maatregelen/{row_id}/betaling",
        data={"status": "requested", "on": TODAY.isoformat()},
    )
    assert response.status_code == 404
    staff = client_as(app, "els", ["staff:starters"])
    assert staff.head(f"{base}/betaling").status_code in (404, 405)
    assert the_row(app, row_id).payment_status == ""
