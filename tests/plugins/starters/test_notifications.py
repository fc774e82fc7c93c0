"""Mail about an application: the question to the starter, the answer to the staff member who
asked, the decision to the starter — each in the recipient's language with a working link."""

from __future__ import annotations

import dataclasses
import time
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.identity.models import User
from tests.plugins.starters.conftest import (
    add_measure,
    client_as,
    make_app,
    submitted_application,
)


@pytest.fixture
def mailing_app(sqlite_settings, mail_sink, tmp_path):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return make_app(settings, STARTERS_UPLOAD_DIR=str(tmp_path / "up"))


def wait_for(mail_sink, count: int) -> list:
    deadline = time.monotonic() + 5
    while len(mail_sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail_sink.messages) == count, [m["Subject"] for m in mail_sink.messages]
    return list(mail_sink.messages)


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def link_in(mail) -> str:
    [link] = [word for word in text_of(mail).split() if "://" in word]
    return urlsplit(link).path


def detail(application_id) -> str:
    return f"/t/aalst/starters/aanvragen/{application_id}"


def set_language(app, subject: str, language: str) -> None:
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        user = db.exec(select(User).where(User.subject == subject)).one()
        user.language = language
        db.add(user)


def test_question_answer_and_decision_each_reach_the_other_side_with_a_link(mailing_app, mail_sink):
    app = mailing_app
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    els = client_as(app, "els", ["staff:starters"])

    asked = els.post(detail(application_id) + "/vragen", data={"question": "Hoeveel bedden?"})
    assert asked.status_code == 303
    [question] = wait_for(mail_sink, 1)
    assert question["To"] == "sofie@example.be"
    assert question["Subject"] == "Aalst vraagt meer informatie over je aanvraag"
    assert "De gemeente vraagt:" in text_of(question) and "Hoeveel bedden?" in text_of(question)
    assert link_in(question) == detail(application_id)
    page = sofie.get(link_in(question))
    assert page.status_code == 200
    question_id = page.get_data(as_text=True).split("/vragen/")[1].split("/antwoord")[0]

    answered = sofie.post(
        detail(application_id) + f"/vragen/{question_id}/antwoord", data={"answer": "Veertien."}
    )
    assert answered.status_code == 303
    answer = wait_for(mail_sink, 2)[1]
    assert answer["To"] == "els@example.be"  # the staff member who asked
    assert "antwoordde op je vraag" in answer["Subject"]
    assert "Hoeveel bedden?" in text_of(answer) and "Veertien." in text_of(answer)
    assert link_in(answer) == detail(application_id)
    assert els.get(link_in(answer)).status_code == 200

    [requested_id] = {
        part.split("/beslissing")[0]
        for part in els.get(detail(application_id))
        .get_data(as_text=True)
        .split("/maatregelen/")[1:]
        if "/beslissing" in part
    }
    decided = els.post(
        detail(application_id) + f"/maatregelen/{requested_id}/beslissing",
        data={"decision": "approved", "amount": "4000"},
    )
    assert decided.status_code == 303
    decision = wait_for(mail_sink, 3)[2]
    assert decision["To"] == "sofie@example.be"
    assert decision["Subject"] == "Aalst heeft over je aanvraag beslist"
    assert link_in(decision) == detail(application_id)
    assert sofie.get(link_in(decision)).status_code == 200
    assert {mail["Content-Language"] for mail in mail_sink.messages} == {"nl-BE"}


def test_each_side_reads_its_own_language(mailing_app, mail_sink):
    app = mailing_app
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    els = client_as(app, "els", ["staff:starters"])
    set_language(app, "sofie", "en")
    assert (
        els.post(detail(application_id) + "/vragen", data={"question": "Hoeveel?"}).status_code
        == 303
    )
    [question] = wait_for(mail_sink, 1)
    assert question["Subject"] == "Aalst asks for more information about your application"
    assert question["Content-Language"] == "en"
    # The staff member still reads Dutch: the mail follows its recipient, not the sender.
    page = sofie.get(detail(application_id)).get_data(as_text=True)
    question_id = page.split("/vragen/")[1].split("/antwoord")[0]
    sofie.post(detail(application_id) + f"/vragen/{question_id}/antwoord", data={"answer": "Vier"})
    answer = wait_for(mail_sink, 2)[1]
    assert "antwoordde op je vraag" in answer["Subject"]
    assert answer["Content-Language"] == "nl-BE"
