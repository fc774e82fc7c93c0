"""Staff review: questions to the starter (mailed), answers, a decision per measure, the timeline,
the licence checklist and premium conditions from the loket."""

from __future__ import annotations

import dataclasses
import time

from sqlmodel import select

from core.mail import OutboxMessage
from plugins.loket.models import Location
from plugins.starters.models import RequestedMeasure, TimelineEntry
from tests.plugins.starters.conftest import (
    add_measure,
    client_as,
    make_app,
    stored,
    submitted_application,
    tenant_db,
)


def detail(application_id, slug="aalst") -> str:
    return f"/t/{slug}/starters/aanvragen/{application_id}"


def requested_rows(app, application_id) -> dict:
    with tenant_db(app) as db:
        rows = db.exec(
            select(RequestedMeasure).where(RequestedMeasure.application_id == application_id)
        ).all()
        return {row.measure_id: row for row in rows}


def timeline(app, application_id) -> list[str]:
    with tenant_db(app) as db:
        return [
            entry.action
            for entry in db.exec(
                select(TimelineEntry)
                .where(TimelineEntry.application_id == application_id)
                .order_by(TimelineEntry.at)
            )
        ]


def test_staff_ask_for_information_the_starter_is_mailed_and_answers(
    sqlite_settings, mail_sink, tmp_path
):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    app = make_app(settings, STARTERS_UPLOAD_DIR=str(tmp_path / "up"))
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    staff = client_as(app, "els", ["staff:starters"])
    assert (
        staff.get("/t/aalst/starters/behandelen").get_data(as_text=True).count(str(application_id))
    )
    response = staff.post(
        detail(application_id) + "/vragen", data={"question": "Hoeveel begeleiders voorzie je?"}
    )
    assert response.status_code == 303
    assert stored(app, application_id).status == "information_requested"
    deadline = time.monotonic() + 5
    while not mail_sink.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [mail] = mail_sink.messages
    assert mail["To"] == "sofie@example.be"
    assert "Hoeveel begeleiders voorzie je?" in mail.get_content()
    assert str(application_id) in mail.get_content()

    page = sofie.get(detail(application_id)).get_data(as_text=True)
    assert "Hoeveel begeleiders voorzie je?" in page
    question_id = page.split("/vragen/")[1].split("/antwoord")[0]
    empty = sofie.post(detail(application_id) + f"/vragen/{question_id}/antwoord", data={})
    assert empty.status_code == 422
    assert f'href="#answer-{question_id}"' in empty.get_data(as_text=True)
    answered = sofie.post(
        detail(application_id) + f"/vragen/{question_id}/antwoord",
        data={"answer": "Drie kinderbegeleiders."},
    )
    assert answered.status_code == 303
    assert stored(app, application_id).status == "submitted"
    again = sofie.post(
        detail(application_id) + f"/vragen/{question_id}/antwoord", data={"answer": "Vier."}
    )
    assert again.status_code == 422
    assert "Drie kinderbegeleiders." in staff.get(detail(application_id)).get_data(as_text=True)


def test_each_measure_is_approved_or_refused_with_reason_and_amount(app):
    premium = add_measure(app)
    coaching = add_measure(app, title="Coaching", kind="coaching", required_documents=[])
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [premium, coaching])
    rows = requested_rows(app, application_id)
    staff = client_as(app, "els", ["staff:starters"])
    decide = detail(application_id) + "/maatregelen/{}/beslissing"

    no_reason = staff.post(decide.format(rows[coaching].id), data={"decision": "refused"})
    assert no_reason.status_code == 422
    assert f'href="#decision-{rows[coaching].id}-reason"' in no_reason.get_data(as_text=True)
    too_much = staff.post(
        decide.format(rows[premium].id), data={"decision": "approved", "amount": "9000"}
    )
    assert too_much.status_code == 422
    assert 'value="9000"' in too_much.get_data(as_text=True)
    not_a_number = staff.post(
        decide.format(rows[premium].id), data={"decision": "approved", "amount": "veel"}
    )
    assert not_a_number.status_code == 422
    assert requested_rows(app, application_id)[premium].decision == "pending"

    approved = staff.post(
        decide.format(rows[premium].id), data={"decision": "approved", "amount": "4000"}
    )
    assert approved.status_code == 303
    assert stored(app, application_id).status == "submitted"
    refused = staff.post(
        decide.format(rows[coaching].id),
        data={"decision": "refused", "reason": "Geen coaches vrij dit jaar."},
    )
    assert refused.status_code == 303
    decided = requested_rows(app, application_id)
    assert decided[premium].amount_granted_eur == 4000
    assert decided[coaching].reason == "Geen coaches vrij dit jaar."
    assert stored(app, application_id).status == "decided"
    assert timeline(app, application_id)[-5:] == [
        "measure_approved",
        "measure_refused",
        "decided",
        "letter_issued",
        "starter_notified",  # the decision mail, with the letter
    ]
    with tenant_db(app) as db:
        [mail] = db.exec(select(OutboxMessage).where(OutboxMessage.purpose == "starters.decided"))
    assert mail.to_address == "sofie@example.be" and str(application_id) in mail.body
    twice = staff.post(decide.format(rows[coaching].id), data={"decision": "approved"})
    assert twice.status_code == 422
    page = sofie.get(detail(application_id)).get_data(as_text=True)
    assert "Geen coaches vrij dit jaar." in page and "4000" in page


def test_a_starter_cannot_decide_or_ask_questions(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    row = requested_rows(app, application_id)[measure]
    assert (
        sofie.post(
            detail(application_id) + f"/maatregelen/{row.id}/beslissing",
            data={"decision": "approved", "amount": "5000"},
        ).status_code
        == 403
    )
    assert sofie.post(detail(application_id) + "/vragen", data={"question": "?"}).status_code == 403
    assert requested_rows(app, application_id)[measure].decision == "pending"


def test_the_licence_checklist_tracks_progress(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    staff = client_as(app, "els", ["staff:starters"])
    response = staff.post(
        detail(application_id) + "/vergunning",
        data={"done": ["enterprise_number", "business_plan", "not-a-step"]},
    )
    assert response.status_code == 303
    page = sofie.get(detail(application_id)).get_data(as_text=True)
    assert "2 van de 11 stappen gezet" in page
    assert timeline(app, application_id)[-1] == "licence_updated"
    # Progress per application, at a glance in the staff's work list.
    other = submitted_application(app, client_as(app, "jan", ["starter"]), [measure])
    rows = staff.get("/t/aalst/starters/behandelen").get_data(as_text=True).split("<tr")
    row_of = {key: next(row for row in rows if str(key) in row) for key in (application_id, other)}
    assert "2 van de 11 stappen gezet" in row_of[application_id]
    assert "0 van de 11 stappen gezet" in row_of[other]


def test_a_starter_sees_a_waiting_question_in_their_list_until_answered(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    notice = "De gemeente stelt je een vraag"
    assert notice not in sofie.get("/t/aalst/starters/aanvragen").get_data(as_text=True)
    staff = client_as(app, "els", ["staff:starters"])
    staff.post(detail(application_id) + "/vragen", data={"question": "Welk pand?"})
    page = sofie.get("/t/aalst/starters/aanvragen").get_data(as_text=True)
    assert notice in page and f"{application_id}#questions-heading" in page
    with tenant_db(app) as db:
        from plugins.starters.models import InformationRequest

        asked = db.exec(select(InformationRequest)).one()
    sofie.post(
        detail(application_id) + f"/vragen/{asked.id}/antwoord",
        data={"answer": "Dat aan de Markt."},
    )
    assert notice not in sofie.get("/t/aalst/starters/aanvragen").get_data(as_text=True)
    assert timeline(app, application_id)[-3:] == [
        "information_requested",
        "starter_notified",
        "information_given",
    ]


def test_premium_conditions_show_loket_participation_once_a_location_is_linked(app):
    measure = add_measure(app, requires_loket_participation=True)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    with tenant_db(app) as db:
        location = Location(
            name="Kinderdagverblijf Zonnetje",
            kind="groepsopvang",
            tariff="income_related",
            postcode="9300",
            municipality="Aalst",
            address="Kerkstraat 1",
            import_key="zonnetje|9300",
            participates=True,
        )
        db.add(location)
    staff = client_as(app, "els", ["staff:starters"])
    page = staff.get(detail(application_id)).get_data(as_text=True)
    assert 'id="compliance-heading"' in page and "Kinderdagverblijf Zonnetje" in page
    assert staff.post(detail(application_id) + "/locatie", data={}).status_code == 422
    linked = staff.post(detail(application_id) + "/locatie", data={"location_id": str(location.id)})
    assert linked.status_code == 303
    page = staff.get(detail(application_id)).get_data(as_text=True)
    assert '--html-dd">0</dd>' in page  # free places reported and requests answered, from the loket
    # The starter does not see the compliance block: it is staff's follow-up.
    assert 'id="compliance-heading"' not in sofie.get(detail(application_id)).get_data(as_text=True)


def test_premium_conditions_are_not_available_without_the_loket(app):
    measure = add_measure(app, "brugge", requires_loket_participation=True)
    sofie = client_as(app, "sofie", ["starter"], "brugge")
    application_id = submitted_application(app, sofie, [measure], slug="brugge")
    staff = client_as(app, "els", ["staff:starters"], "brugge")
    page = staff.get(detail(application_id, "brugge")).get_data(as_text=True)
    assert 'id="compliance-heading"' in page
    assert "Niet beschikbaar" in page
