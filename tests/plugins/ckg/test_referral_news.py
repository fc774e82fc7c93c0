"""The referrer and the family hear of every step the CKG takes and of its message, with a link
behind a sign-in and nothing of the family's situation in the mail."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, users
from tests.plugins.ckg.helpers import family_confirms, step, submit
from tests.support.apps import probe_app

INTAKE_ON = (date.today() + timedelta(days=7)).isoformat()


@pytest.fixture
def world(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return build_world(probe_app(settings, tenants=CKG_TENANTS))


def news_to(sink, address: str) -> list:
    return [
        message
        for message in sink.messages
        if message["To"] == address
        and "Doorverwijzing CKG-" in message["Subject"]
        or message["To"] == address
        and "Nieuw bericht" in message["Subject"]
    ]


def test_the_referrer_hears_each_step_and_follows_the_link(world, mail_sink):
    people = users(world)
    sara, karim = world.client_for(people["sara"]), world.client_for(people["karim"])
    referral_id = submit(sara)
    assert news_to(mail_sink, "sara@example.be") == []
    assert step(karim, referral_id, "received").status_code == 303
    [received] = news_to(mail_sink, "sara@example.be")
    assert "ontvangen" in received["Subject"]
    body = received.get_content()
    assert "Sofie" not in body and "Lotte" not in body and "uitgeput" not in body
    path = f"/t/aalst/ckg/doorverwijzingen/{referral_id}"
    assert f"/t/aalst/ckg/doorverwijzingen/{referral_id}" in body and "http" in body
    assert sara.get(path).status_code == 200
    step(karim, referral_id, "intake_planned", intake_on=INTAKE_ON)
    assert "intake gepland" in news_to(mail_sink, "sara@example.be")[-1]["Subject"]


def test_the_family_hears_only_once_it_confirmed_its_address(world, mail_sink):
    people = users(world)
    karim = world.client_for(people["karim"])
    referral_id = submit(world.client_for(people["sara"]))
    step(karim, referral_id, "received")
    assert news_to(mail_sink, "sofie@example.be") == [], "an unconfirmed address hears nothing"
    family_confirms(world.app)
    step(karim, referral_id, "intake_planned", intake_on=INTAKE_ON)
    [news] = news_to(mail_sink, "sofie@example.be")
    assert "intake gepland" in news["Subject"]


def test_a_message_from_the_ckg_reaches_the_referrer(world, mail_sink):
    people = users(world)
    karim = world.client_for(people["karim"])
    referral_id = submit(world.client_for(people["sara"]))
    response = karim.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/bericht",
        data={"message": "We bellen de mama deze week."},
    )
    assert response.status_code == 303
    [message] = news_to(mail_sink, "sara@example.be")
    assert "Nieuw bericht" in message["Subject"]
    assert "We bellen" not in message.get_content(), "the message itself stays behind sign-in"


def test_a_referrer_who_chose_english_reads_english(world, mail_sink):
    people = users(world)
    sara = world.client_for(people["sara"])
    sara.get("/t/aalst/taal/en")
    referral_id = submit(sara)
    step(world.client_for(people["karim"]), referral_id, "received")
    [news] = [m for m in mail_sink.messages if m["To"] == "sara@example.be"]
    assert news["Subject"].endswith(": received") and news["Content-Language"] == "en"
