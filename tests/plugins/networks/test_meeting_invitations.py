"""Planning, moving and cancelling a meeting mails every member a calendar invitation (issue 15)."""

from __future__ import annotations

import dataclasses
import time
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlmodel import select

from core.identity.models import User
from plugins.networks.models import ContactPerson
from tests.plugins.networks.conftest import build_world, networks_app

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def mailing_world(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    world = build_world(networks_app(settings))
    with world.db() as db:
        db.add(
            ContactPerson(
                member_id=world.police_member_id, name="Wijkagent Jan", email="jan@politie.be"
            )
        )
    return world


def wait_for(mail_sink, count: int) -> list:
    deadline = time.monotonic() + 5
    while len(mail_sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail_sink.messages) == count, [m["To"] for m in mail_sink.messages]
    return list(mail_sink.messages)


def calendar_of(mail) -> icalendar.Event:
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    return calendar, event


def link_in(mail) -> str:
    [line] = [word for word in mail.get_body(("plain",)).get_content().split() if "://" in word]
    return urlsplit(line).path


def plan(world, client, **extra) -> str:
    response = client.post(
        f"/t/aalst/netwerken/{world.network_id}/overleg/nieuw",
        data={
            "held_on": "03/12/2026",
            "starts_at": "14:00",
            "ends_at": "16:30",
            "place": "OCMW Aalst",
            "agenda": "Welkom",
            **extra,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def by_recipient(messages) -> dict:
    return {mail["To"]: mail for mail in messages}


def test_planning_a_meeting_invites_every_member_with_an_address_in_dutch_with_a_calendar_file(
    mailing_world, mail_sink
):
    els = mailing_world.client("els")
    meeting_id = plan(mailing_world, els)
    mails = by_recipient(wait_for(mail_sink, 3))
    # The two member organisations' people and the police's contact person; not KDV Zonnebloem.
    assert set(mails) == {"els@example.be", "sara@example.be", "jan@politie.be"}
    mail = mails["sara@example.be"]
    assert mail["Subject"] == "Uitnodiging: overleg van Huis van het Kind Aalst"
    text = mail.get_body(("plain",)).get_content()
    assert "Je bent uitgenodigd op het overleg van Huis van het Kind Aalst" in text
    assert "14:00" in text and "16:30" in text and "OCMW Aalst" in text
    calendar, event = calendar_of(mail)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 14, 0, tzinfo=BRUSSELS)
    assert event.decoded("DTEND") == datetime(2026, 12, 3, 16, 30, tzinfo=BRUSSELS)
    assert str(event["LOCATION"]) == "OCMW Aalst"
    assert str(event["UID"]) == f"networks-meeting-{meeting_id}@opvangplein"
    assert int(event["SEQUENCE"]) == 0
    # The link opens the meeting for the member who got it.
    path = link_in(mail)
    assert path == f"/t/aalst/netwerken/overleg/{meeting_id}"
    assert mailing_world.client("sara").get(path).status_code == 200


def test_a_moved_meeting_updates_the_same_calendar_entry_and_a_cancelled_one_removes_it(
    mailing_world, mail_sink
):
    els = mailing_world.client("els")
    meeting_id = plan(mailing_world, els)
    [first] = [m for m in wait_for(mail_sink, 3) if m["To"] == "jan@politie.be"]
    _, invitation = calendar_of(first)

    moved = els.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/verplaatsen",
        data={"held_on": "10/12/2026", "starts_at": "9.30", "ends_at": "", "place": "Stadhuis"},
    )
    assert moved.status_code == 303
    [update] = [m for m in wait_for(mail_sink, 6)[3:] if m["To"] == "jan@politie.be"]
    assert update["Subject"] == "Gewijzigd: overleg van Huis van het Kind Aalst"
    calendar, event = calendar_of(update)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == str(invitation["UID"])
    assert int(event["SEQUENCE"]) > int(invitation["SEQUENCE"])
    assert event.decoded("DTSTART") == datetime(2026, 12, 10, 9, 30, tzinfo=BRUSSELS)
    assert str(event["LOCATION"]) == "Stadhuis"

    # Saving the same date, time and place again tells nobody anything new.
    same = els.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/verplaatsen",
        data={"held_on": "10/12/2026", "starts_at": "09:30", "place": "Stadhuis"},
    )
    assert same.status_code == 303

    assert els.post(f"/t/aalst/netwerken/overleg/{meeting_id}/annuleren").status_code == 303
    [cancellation] = [m for m in wait_for(mail_sink, 9)[6:] if m["To"] == "jan@politie.be"]
    assert cancellation["Subject"].startswith("Geannuleerd: overleg van Huis van het Kind Aalst")
    calendar, event = calendar_of(cancellation)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == str(invitation["UID"])
    assert int(event["SEQUENCE"]) > 1
    page = mailing_world.client("sara").get(link_in(cancellation))
    assert page.status_code == 200
    assert "Dit overleg is geannuleerd." in page.get_data(as_text=True)
    # Cancelling twice sends nothing more.
    assert els.post(f"/t/aalst/netwerken/overleg/{meeting_id}/annuleren").status_code == 303
    time.sleep(0.3)
    assert len(mail_sink.messages) == 9


def test_a_member_who_reads_english_gets_the_invitation_in_english(mailing_world, mail_sink):
    with mailing_world.app.extensions["opvangplein.db"].tenant_session(None) as db:
        sara = db.exec(select(User).where(User.subject == "sara")).one()
        sara.language = "en"
        db.add(sara)
    plan(mailing_world, mailing_world.client("els"))
    mail = by_recipient(wait_for(mail_sink, 3))["sara@example.be"]
    assert mail["Subject"] == "Invitation: meeting of Huis van het Kind Aalst"
    assert mail["Content-Language"] == "en"


def test_a_meeting_without_times_is_a_whole_day_entry_and_bad_times_are_refused(
    mailing_world, mail_sink
):
    els = mailing_world.client("els")
    refused = els.post(
        f"/t/aalst/netwerken/{mailing_world.network_id}/overleg/nieuw",
        data={"held_on": "03/12/2026", "starts_at": "25:00", "ends_at": "10:00", "place": "X"},
    )
    assert refused.status_code == 422
    assert "Vul het beginuur in als uren en minuten" in refused.get_data(as_text=True)
    backwards = els.post(
        f"/t/aalst/netwerken/{mailing_world.network_id}/overleg/nieuw",
        data={"held_on": "03/12/2026", "starts_at": "15:00", "ends_at": "14:00"},
    )
    assert backwards.status_code == 422
    plan(mailing_world, els, starts_at="", ends_at="")
    _, event = calendar_of(wait_for(mail_sink, 3)[0])
    assert event.decoded("DTSTART") == date(2026, 12, 3)
    assert event.decoded("DTEND") == date(2026, 12, 4)
