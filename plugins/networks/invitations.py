"""Calendar invitations to a network's meetings, and the updates that follow them (issue 15).

Every member with an e-mail address gets the invitation with an ``.ics`` file (iCalendar,
RFC 5545/5546). The event's UID is derived from the meeting, so a rescheduled or cancelled
meeting reaches the same calendar entry: the update carries the same UID with a higher
``SEQUENCE`` (``METHOD:REQUEST``), a cancellation ``METHOD:CANCEL``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText
from sqlmodel import select

from core.db import as_utc
from core.identity.confirmations import normalise, verified_email
from core.identity.models import OrganisationMember, User
from core.mail import Attachment, queue_mail
from core.web import external_url
from plugins.networks import store
from plugins.networks.models import Meeting, Network

# Meetings are held in Flanders: times are typed and shown in Belgian local time.
MEETING_ZONE = ZoneInfo("Europe/Brussels")
# A meeting planned with a start time but no end time.
DEFAULT_LENGTH = timedelta(hours=2)

PLANNED, RESCHEDULED, CANCELLED = "planned", "rescheduled", "cancelled"


@dataclass(frozen=True)
class Invitee:
    address: str
    language: str


def invitees(session, network: Network) -> list[Invitee]:
    """The current members' contact persons with an address, and the people of member
    organisations with a proven address; each address once, in its owner's language."""
    members = store.members_of(session, network.id)
    found: dict[str, Invitee] = {}
    organisation_ids = {member.organisation_id for member in members if member.organisation_id}
    if organisation_ids:
        users = session.exec(
            select(User)
            .join(OrganisationMember, OrganisationMember.user_id == User.id)
            .where(OrganisationMember.organisation_id.in_(organisation_ids))
        ).all()
        for user in users:
            address = verified_email(user)
            if address:
                found[address] = Invitee(address, user.language or "nl")
    for contacts in store.contacts_of(session, [member.id for member in members]).values():
        for contact in contacts:
            address = normalise(contact.email)
            if "@" in address and address not in found:
                # A contact person has no account, so no language of their own: Dutch.
                found[address] = Invitee(address, "nl")
    return sorted(found.values(), key=lambda invitee: invitee.address)


def event_uid(meeting: Meeting) -> str:
    return f"networks-meeting-{meeting.id}@opvangplein"


def meeting_span(meeting: Meeting) -> tuple[datetime | date, datetime | date]:
    """(start, end): local date-times, or dates for a whole-day meeting."""
    if meeting.starts_at is None:
        return meeting.held_on, meeting.held_on + timedelta(days=1)
    start = datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=MEETING_ZONE)
    if meeting.ends_at is not None and meeting.ends_at > meeting.starts_at:
        end = datetime.combine(meeting.held_on, meeting.ends_at, tzinfo=MEETING_ZONE)
    else:
        end = start + DEFAULT_LENGTH
    return start, end


def calendar_file(
    meeting: Meeting, network: Network, *, link: str, organiser: str, stamp: datetime
) -> bytes:
    """The ``.ics`` for ``meeting``: a request while it stands, a cancellation once cancelled."""
    calendar = Calendar()
    calendar.add("prodid", "-//Opvangplein//networks//NL")
    calendar.add("version", "2.0")
    cancelled = meeting.cancelled_at is not None
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", as_utc(stamp))
    start, end = meeting_span(meeting)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", network.name)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", link)
    event.add("url", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if organiser:
        address = vCalAddress(f"mailto:{organiser}")
        address.params["cn"] = vText(network.name)
        event.add("organizer", address)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _organiser(tenant) -> str:
    """Who replies go to: the municipality's contact address, else the platform's sender."""
    if tenant.contact_email:
        return tenant.contact_email
    return parseaddr(current_app.extensions["opvangplein.settings"].smtp_sender)[1]


def _when_text(meeting: Meeting) -> str:
    day = format_date(meeting.held_on, "EEEE d MMMM y")
    if meeting.starts_at is None:
        return day
    start, end = meeting_span(meeting)
    return _(
        "%(day)s from %(start)s to %(end)s",
        day=day,
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
    )


def _texts(change: str, network: Network, meeting: Meeting, link: str) -> tuple[str, str]:
    when = _when_text(meeting)
    place = meeting.place or _("place to be announced")
    if change == CANCELLED:
        subject = _(
            "Cancelled: meeting of %(network)s on %(when)s", network=network.name, when=when
        )
        opening = _(
            "The meeting of %(network)s on %(when)s (%(place)s) is cancelled.",
            network=network.name,
            when=when,
            place=place,
        )
    elif change == RESCHEDULED:
        subject = _("Changed: meeting of %(network)s", network=network.name)
        opening = _(
            "The meeting of %(network)s was changed. It now takes place on %(when)s, %(place)s.",
            network=network.name,
            when=when,
            place=place,
        )
    else:
        subject = _("Invitation: meeting of %(network)s", network=network.name)
        opening = _(
            "You are invited to the meeting of %(network)s on %(when)s, %(place)s.",
            network=network.name,
            when=when,
            place=place,
        )
    body = (
        opening
        + "\n\n"
        + _("The attached calendar file puts it in your agenda.")
        + "\n\n"
        + _("Agenda and details: %(link)s", link=link)
    )
    return subject, body


def send_meeting_mail(
    session, tenant, network: Network, meeting: Meeting, *, change: str, now: datetime
) -> int:
    """Queue the invitation (or its update) to every invitee; returns how many were queued."""
    link = external_url(tenant, "networks.meeting", meeting_id=meeting.id)
    ics = calendar_file(meeting, network, link=link, organiser=_organiser(tenant), stamp=now)
    attachment = Attachment("vergadering.ics", "text/calendar", ics)
    people = invitees(session, network)
    for invitee in people:
        with force_locale(invitee.language):
            subject, body = _texts(change, network, meeting, link)
        queue_mail(
            session,
            to=invitee.address,
            subject=subject,
            body=body,
            purpose=f"networks.meeting_{change}",
            language=invitee.language,
            attachments=(attachment,),
        )
    return len(people)
