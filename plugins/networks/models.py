"""The networks plugin's tables.

Where each thing lives, and why:

* **Networks and everything in them** — members, contact persons, meetings, agenda items,
  attendance, actions, the partner directory (sociale kaart) and case consultations — are tenant
  rows (:class:`~core.db.TenantScoped`): scoped automatically, row-level security on PostgreSQL.
  A member is a partner *in this municipality's network*: either a platform organisation the
  tenant granted the ``networks`` module (its people then sign in and work here) or a partner
  named only here (a school or the local police without an account on the platform).
* **Regional partnerships** (:class:`RegionalPartnership`) are platform-level: one row records that
  one municipality invited another into a regional network and whether each tenant's admin
  agreed. It cannot live in either tenant, because each side must read and sign the same row. It
  holds no personal data, only which networks are linked and who agreed when. The views read it
  only for the two tenants that are party to it (see ``regional.py``).

No ``from __future__ import annotations`` here: SQLModel needs real annotations.
"""

import uuid
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from core.db import TenantScoped, new_id, utcnow

NAME_MAX = 150
TEXT_MAX = 2000
MINUTES_MAX = 20000
SHORT_MAX = 300


def _timestamp(**kwargs):
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), **kwargs)


def _optional_timestamp():
    return Field(default=None, sa_type=sa.DateTime(timezone=True))


class Network(TenantScoped, table=True):
    """A Huis van het Kind, a child-poverty consultation, an inclusive-care or regional network."""

    __tablename__ = "networks_network"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    purpose: str = Field(default="", max_length=TEXT_MAX)
    kind: str = Field(max_length=40)
    source: str = Field(default="form", max_length=10)
    created_at: datetime = _timestamp()


class NetworkMember(TenantScoped, table=True):
    """A partner in a network: a granted platform organisation, or a partner named here only."""

    __tablename__ = "networks_member"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="networks_network.id", index=True)
    organisation_id: uuid.UUID | None = Field(
        default=None, foreign_key="organisation.id", index=True
    )
    name: str = Field(max_length=NAME_MAX)
    sector: str = Field(default="other", max_length=30)
    # A coordinating member's people plan meetings and keep the minutes, like municipal staff.
    coordinates: bool = False
    joined_at: datetime = _timestamp()
    # An ended membership keeps the row, so finished actions still name their owner.
    ended_at: datetime | None = _optional_timestamp()


class ContactPerson(TenantScoped, table=True):
    """A named contact person of a member in this network."""

    __tablename__ = "networks_contact"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="networks_member.id", index=True)
    name: str = Field(max_length=NAME_MAX)
    function: str = Field(default="", max_length=NAME_MAX)
    email: str = Field(default="", max_length=320)
    phone: str = Field(default="", max_length=40)


class Meeting(TenantScoped, table=True):
    """A meeting of a network: when, where, and (for members only) its minutes."""

    __tablename__ = "networks_meeting"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="networks_network.id", index=True)
    held_on: date = Field(index=True)
    # Local (Belgian) time of day; a meeting planned without times is a whole-day event.
    starts_at: time | None = Field(default=None, sa_type=sa.Time)
    ends_at: time | None = Field(default=None, sa_type=sa.Time)
    place: str = Field(default="", max_length=NAME_MAX)
    minutes: str = Field(default="", sa_type=sa.Text)
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = _timestamp()
    # The invitation's iCalendar SEQUENCE: raised on every change the invitees' calendars must
    # follow (a new date, time or place; a cancellation), so the update replaces the old entry.
    sequence: int = 0
    cancelled_at: datetime | None = _optional_timestamp()


class AgendaItem(TenantScoped, table=True):
    __tablename__ = "networks_agenda_item"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    meeting_id: uuid.UUID = Field(foreign_key="networks_meeting.id", index=True)
    position: int = 0
    title: str = Field(max_length=SHORT_MAX)


class Attendance(TenantScoped, table=True):
    """Who attended a meeting for a member: present, excused or absent."""

    __tablename__ = "networks_attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "member_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    meeting_id: uuid.UUID = Field(foreign_key="networks_meeting.id", index=True)
    member_id: uuid.UUID = Field(foreign_key="networks_member.id", index=True)
    status: str = Field(max_length=10)
    person: str = Field(default="", max_length=NAME_MAX)


class NetworkAction(TenantScoped, table=True):
    """An action agreed in a meeting, owned by one member organisation."""

    __tablename__ = "networks_action"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="networks_network.id", index=True)
    meeting_id: uuid.UUID = Field(foreign_key="networks_meeting.id", index=True)
    # A member of this network owns it, or (regional network) a partner municipality did
    # (issue 21): then ``owner_member_id`` is empty and ``partner_tenant_id`` names it.
    owner_member_id: uuid.UUID | None = Field(
        default=None, foreign_key="networks_member.id", index=True
    )
    partner_tenant_id: uuid.UUID | None = Field(default=None, foreign_key="tenant.id", index=True)
    title: str = Field(max_length=SHORT_MAX)
    due_on: date = Field(index=True)
    status: str = Field(default="open", max_length=12, index=True)
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class DirectoryService(TenantScoped, table=True):
    """What a member offers families (sociale kaart); ``public`` puts it on the open page."""

    __tablename__ = "networks_service"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="networks_member.id", index=True)
    name: str = Field(max_length=NAME_MAX)
    description: str = Field(default="", max_length=TEXT_MAX)
    category: str = Field(default="other", max_length=30, index=True)
    target_group: str = Field(default="", max_length=SHORT_MAX)
    how_to_reach: str = Field(default="", max_length=SHORT_MAX)
    languages: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cost: str = Field(default="free", max_length=15)
    cost_note: str = Field(default="", max_length=SHORT_MAX)
    contact: str = Field(default="", max_length=SHORT_MAX)
    public: bool = False
    updated_at: datetime = _timestamp()


class CaseConsultation(TenantScoped, table=True):
    """A family discussed in a network: a pseudonymous reference, the purpose, the participants.

    Family details stay empty unless consent is recorded: through the ``consent_for_case`` hook
    (the ckg plugin, by its referral reference) or, when no plugin owns consent here, locally
    with who recorded it, when, and on what basis.
    """

    __tablename__ = "networks_case"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "reference"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="networks_network.id", index=True)
    reference: str = Field(max_length=12)
    purpose: str = Field(max_length=TEXT_MAX)
    participant_member_ids: list = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    consent_case_reference: str = Field(default="", max_length=64)
    consent_source: str = Field(default="", max_length=10)  # "" | hook | local
    consent_basis: str = Field(default="", max_length=SHORT_MAX)
    consent_recorded_by: str = Field(default="", max_length=200)
    consent_recorded_at: datetime | None = _optional_timestamp()
    family_details: str = Field(default="", max_length=TEXT_MAX)
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = _timestamp()


class RegionalPartnership(SQLModel, table=True):
    """Platform-level: one tenant invites another into a regional network; both admins agree.

    The owner's network and the partner's own (counterpart) network stay in their tenants; this
    row only links them. Nothing crosses until both agreed and neither withdrew.
    """

    __tablename__ = "networks_partnership"
    __table_args__ = (sa.UniqueConstraint("owner_network_id", "partner_tenant_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    owner_tenant_id: uuid.UUID = Field(foreign_key="tenant.id", index=True)
    owner_network_id: uuid.UUID = Field(index=True)
    partner_tenant_id: uuid.UUID = Field(foreign_key="tenant.id", index=True)
    partner_network_id: uuid.UUID | None = Field(default=None, index=True)
    # What the partner's admin reads before agreeing: the invitation, written to be shared.
    invitation: str = Field(default="", max_length=TEXT_MAX)
    owner_agreed_by: str = Field(default="", max_length=200)
    owner_agreed_at: datetime | None = _optional_timestamp()
    partner_agreed_by: str = Field(default="", max_length=200)
    partner_agreed_at: datetime | None = _optional_timestamp()
    withdrawn_by: str = Field(default="", max_length=200)
    withdrawn_at: datetime | None = _optional_timestamp()
    created_at: datetime = _timestamp()


class ContactInvitation(TenantScoped, table=True):
    """A contact person invited by mail to work in this network for their member (issue 21).

    The mail carries a core invitation link (single use, expiring, refused to an account with
    another verified address: ``core.identity.invitations``). The person who redeems it acts for
    ``member_id`` in this network only: it grants no organisation membership, which comes only
    from the organisation's own provider.
    """

    __tablename__ = "networks_contact_invitation"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="networks_member.id", index=True)
    contact_id: uuid.UUID = Field(foreign_key="networks_contact.id", index=True)
    # The core's e-mail link; its ``used_by`` is the account that now acts for the member.
    # The core's invitation (email_confirmation) by id, without a foreign key: a core downgrade
    # may drop that table without knowing this plugin (see migration networks_0003).
    confirmation_id: uuid.UUID = Field(index=True)
    invited_at: datetime = _timestamp()
