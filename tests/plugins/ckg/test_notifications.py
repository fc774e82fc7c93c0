"""Who hears what about a referral, read from the mailbox: the referrer and (with consent) the
family at each step the CKG takes and at each message of the CKG; the CKG at each message of the
referrer. Every mail is in the recipient's language, names nobody and links to the referral,
which opens for that recipient once signed in."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.identity.models import User
from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, users
from tests.plugins.ckg.helpers import antenna_named, family_confirms, step, submit
from tests.support.apps import probe_app

SARA, KARIM, SOFIE = "sara@example.be", "karim@example.be", "sofie@example.be"
PRIVATE_WORDS = ("Sofie", "Lotte", "uitgeput", "woning", "CAW Limburg", "Bel gerust")


@pytest.fixture
def world(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return build_world(probe_app(settings, tenants=CKG_TENANTS))


def news_to(sink, address: str) -> list:
    """Mails about a referral's progress (not the family's address confirmation)."""
    return [
        message
        for message in sink.messages
        if message["To"] == address and "CKG-" in message["Subject"]
    ]


def link_in(message) -> str:
    [link] = [word for word in message.get_content().split() if "://" in word]
    return urlsplit(link).path


def assert_names_nobody(message) -> None:
    text = message["Subject"] + message.get_content()
    assert not [word for word in PRIVATE_WORDS if word in text], text


def set_language(app, subject: str, language: str) -> None:
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        user = db.exec(select(User).where(User.subject == subject)).one()
        user.language = language
        db.add(user)


def test_the_referrer_hears_each_step_with_a_link_that_opens_the_referral(world, mail_sink):
    people = users(world)
    sara = world.client_for(people["sara"])
    referral_id = submit(sara)
    assert news_to(mail_sink, SARA) == [], "submitting is the referrer's own act"
    karim = world.client_for(people["karim"])

    assert step(karim, referral_id, "received").status_code == 303
    [received] = news_to(mail_sink, SARA)
    assert received["Subject"].startswith("Nieuws over doorverwijzing CKG-")
    assert "De status is nu: ontvangen" in received.get_content()
    assert_names_nobody(received)
    assert link_in(received) == f"/t/aalst/ckg/doorverwijzingen/{referral_id}"
    page = sara.get(link_in(received))
    assert page.status_code == 200 and "ontvangen" in page.get_data(as_text=True)

    step(karim, referral_id, "intake_planned", intake_on="2026-12-01")
    genk = antenna_named(world.app, "Antenne Genk")
    step(karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-15")
    step(karim, referral_id, "in_progress")
    step(karim, referral_id, "closed", outcome="goals_reached")
    bodies = [message.get_content() for message in news_to(mail_sink, SARA)]
    assert len(bodies) == 5
    assert "De status is nu: aanvaard" in bodies[2] and "De status is nu: afgesloten" in bodies[4]
    assert all(f"/doorverwijzingen/{referral_id}" in body for body in bodies)


def test_a_redirection_is_announced_but_its_reason_stays_with_the_ckg(world, mail_sink):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    step(karim, referral_id, "intake_planned", intake_on="2026-12-01")
    response = step(
        karim,
        referral_id,
        "redirected",
        redirected_to="CAW Limburg",
        reason="Bel gerust: het gezin zoekt vooral woonbegeleiding.",
    )
    assert response.status_code == 303
    redirected = news_to(mail_sink, SARA)[-1]
    assert "De status is nu: doorverwezen" in redirected.get_content()
    assert_names_nobody(redirected)


def test_the_referrer_reads_in_their_own_language(world, mail_sink):
    people = users(world)
    set_language(world.app, "sara", "en")
    referral_id = submit(world.client_for(people["sara"]))
    step(world.client_for(people["karim"]), referral_id, "received")
    [received] = news_to(mail_sink, SARA)
    assert received["Subject"].startswith("News on referral CKG-")
    assert "Its status is now: received" in received.get_content()


def test_the_family_hears_once_it_confirmed_its_address_and_follows_the_link(world, mail_sink):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    assert news_to(mail_sink, SOFIE) == [], "an unconfirmed address hears nothing"

    family_confirms(world.app)
    step(karim, referral_id, "intake_planned", intake_on="2026-12-01")
    [news] = news_to(mail_sink, SOFIE)
    assert "De status is nu: intake gepland" in news.get_content()
    assert_names_nobody(news)
    parent = world.client_for(world.user("sofie", "aalst", ["parent"]))
    assert parent.get(link_in(news)).status_code == 200


def test_a_referral_without_the_familys_consent_is_never_announced_to_the_family(world, mail_sink):
    people = users(world)
    referral_id = submit(
        world.client_for(people["sara"]),
        urgency="crisis",
        consent="overridden",
        consent_override_reason="crisis",
        consent_explanation="Acuut onveilige situatie.",
    )
    family_confirms(world.app)
    step(world.client_for(people["karim"]), referral_id, "received")
    assert news_to(mail_sink, SOFIE) == []
    assert len(news_to(mail_sink, SARA)) == 1


def test_a_message_of_the_ckg_reaches_the_referrer_and_an_answer_reaches_the_ckg(world, mail_sink):
    people = users(world)
    sara = world.client_for(people["sara"])
    karim = world.client_for(people["karim"])
    referral_id = submit(sara)
    base = f"/t/aalst/ckg/doorverwijzingen/{referral_id}"

    said = karim.post(f"{base}/bericht", data={"message": "Bel gerust als er iets verandert."})
    assert said.status_code == 303
    [to_referrer] = news_to(mail_sink, SARA)
    assert to_referrer["Subject"].startswith("Nieuw bericht over doorverwijzing CKG-")
    assert_names_nobody(to_referrer)
    page = sara.get(link_in(to_referrer))
    assert page.status_code == 200 and "Bel gerust" in page.get_data(as_text=True)

    karim.post(f"{base}/bericht", data={"message": "Bel gerust als er iets verandert."})
    assert len(news_to(mail_sink, SARA)) == 1, "saving the same message again is no news"

    answered = sara.post(f"{base}/bericht-aan-ckg", data={"message": "Bel gerust, ik ben er."})
    assert answered.status_code == 303
    [to_ckg] = news_to(mail_sink, KARIM)
    assert "De doorverwijzer schreef een nieuw bericht" in to_ckg.get_content()
    assert_names_nobody(to_ckg)
    page = karim.get(link_in(to_ckg))
    assert page.status_code == 200 and "Bel gerust, ik ben er." in page.get_data(as_text=True)


def test_only_the_referrer_writes_to_the_ckg_and_a_too_long_message_is_refused_in_the_page(
    world, mail_sink
):
    people = users(world)
    sara = world.client_for(people["sara"])
    referral_id = submit(sara)
    base = f"/t/aalst/ckg/doorverwijzingen/{referral_id}"
    other_school = world.client_for(people["tom"])
    assert (
        other_school.post(f"{base}/bericht-aan-ckg", data={"message": "Hallo"}).status_code == 404
    )
    refused = sara.post(f"{base}/bericht-aan-ckg", data={"message": "x" * 1001})
    assert refused.status_code == 422 and "1000" in refused.get_data(as_text=True)
    assert news_to(mail_sink, KARIM) == []


def test_the_first_crisis_alert_links_to_the_referral(world, mail_sink):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]), urgency="crisis")
    [alert] = [m for m in mail_sink.messages if m["To"] == "piket@ckg-limburg.be"]
    assert link_in(alert) == f"/t/aalst/ckg/doorverwijzingen/{referral_id}"
    assert world.client_for(people["karim"]).get(link_in(alert)).status_code == 200
