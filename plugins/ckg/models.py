"""The ckg plugin's tables.

Where each thing lives, and why:

* **Antennas and their capacity** (:class:`Antenna`) belong to the CKG *organisation*, which serves
  several municipalities. They are platform-level rows keyed by ``organisation_id`` — not tenant
  rows — because a bed in an antenna is one bed whichever municipality's family takes it; copying
  capacity into every tenant would let the copies disagree. They hold no personal data. Only
  members of that CKG read or change them (checked in the views, see ``access.py``).
* **Referrals and everything about a family** are tenant rows (:class:`~core.db.TenantScoped`):
  stored in the municipality where the family lives, scoped automatically, with row-level security
  on PostgreSQL. A CKG sees them only at that municipality's address.

No ``from __future__ import annotations`` here: SQLModel needs real annotations.
"""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from core.db import TenantScoped, new_id, utcnow

# Limits for free text: data minimisation, and every field says who will read it.
NAME_MAX = 100
SUMMARY_MAX = 1000
REASON_MAX = 500
NOTE_MAX = 2000
MESSAGE_MAX = 1000
PHONE_MAX = 40
ADDRESS_MAX = 200
LANGUAGE_MAX = 40


def _timestamp(**kwargs):
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), **kwargs)


def _optional_timestamp():
    return Field(default=None, sa_type=sa.DateTime(timezone=True))


class Antenna(SQLModel, table=True):
    """A site of a CKG with its capacity per offer and its 24/7 on-call contact (platform-level)."""

    __tablename__ = "ckg_antenna"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=NAME_MAX)
    home_guidance_slots: int = 0
    day_guidance_places: int = 0
    short_stay_beds: int = 0
    long_stay_beds: int = 0
    home_guidance_occupied: int = 0
    day_guidance_occupied: int = 0
    short_stay_occupied: int = 0
    long_stay_occupied: int = 0
    on_call_email: str = Field(default="", max_length=320)
    on_call_phone: str = Field(default="", max_length=40)
    # Alerted when nobody at the first on-call address picks a crisis up in time.
    second_on_call_email: str = Field(default="", max_length=320)
    updated_at: datetime = _timestamp()


class Referral(TenantScoped, table=True):
    """A family referred to a CKG, stored in the municipality where the family lives."""

    __tablename__ = "ckg_referral"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    status: str = Field(max_length=20, index=True)
    urgency: str = Field(max_length=10, index=True)
    requested_offer: str = Field(max_length=20)
    domains: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    concern_summary: str = Field(default="", max_length=SUMMARY_MAX)
    # Who referred: the user, the kind of referrer and the organisation they acted for.
    referrer_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    referrer_kind: str = Field(default="", max_length=20)
    referrer_organisation_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id")
    # How the CKG reaches the referrer: typed on the form, since not every referrer is a user.
    referrer_name: str = Field(default="", max_length=NAME_MAX)
    referrer_organisation_name: str = Field(default="", max_length=NAME_MAX)
    referrer_phone: str = Field(default="", max_length=PHONE_MAX)
    # How the CKG reaches the family, and in which language.
    family_phone: str = Field(default="", max_length=PHONE_MAX)
    family_address: str = Field(default="", max_length=ADDRESS_MAX)
    family_language: str = Field(default="", max_length=LANGUAGE_MAX)
    interpreter_needed: bool = False
    # Long stays are only reached through the indirect route (mandated service, access gate).
    route: str = Field(default="direct", max_length=10)
    access_gate_reference: str = Field(default="", max_length=NAME_MAX)
    groeipakket_notice_given: bool = False
    # Consent: given | refused | overridden (override_reason: crisis | mandate).
    consent: str = Field(max_length=12)
    consent_override_reason: str = Field(default="", max_length=10)
    consent_explanation: str = Field(default="", max_length=REASON_MAX)
    consent_recorded_at: datetime | None = _optional_timestamp()
    # The family withdrew its consent (from its own view); it takes effect at once everywhere.
    consent_withdrawn_at: datetime | None = _optional_timestamp()
    # The family agreed that the CKG discusses it in a network case consultation the CKG takes
    # part in: a purpose of its own, given and withdrawn by the family.
    network_consent_at: datetime | None = _optional_timestamp()
    # The family agreed that the CKG advises the local childcare counter (loket) to deviate from
    # the priority order for its child: a purpose of its own, given and withdrawn by the family.
    loket_advice_consent_at: datetime | None = _optional_timestamp()
    # The family's read-only view: the parent who referred, or a parent e-mail the referrer gave.
    family_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    family_email: str = Field(default="", max_length=320)
    # A typed address grants nothing until its owner opens the link mailed to it (family.py).
    family_email_confirmed_at: datetime | None = _optional_timestamp()
    # Filled along the workflow.
    intake_on: date | None = None
    accepted_offer: str = Field(default="", max_length=20)
    antenna_id: uuid.UUID | None = Field(default=None, foreign_key="ckg_antenna.id", index=True)
    # The CKG worker who has the case ("my cases").
    assigned_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", index=True
    )
    starts_on: date | None = None
    # A short stay is directly accessible for at most six weeks: its planned end is checked.
    stay_planned_end: date | None = None
    redirected_to: str = Field(default="", max_length=NAME_MAX)
    outcome: str = Field(default="", max_length=30)
    message_to_referrer: str = Field(default="", max_length=MESSAGE_MAX)
    message_updated_at: datetime | None = _optional_timestamp()
    # The referrer's answer in the same thread; read by the CKG and the family, like the above.
    message_from_referrer: str = Field(default="", max_length=MESSAGE_MAX)
    message_from_referrer_at: datetime | None = _optional_timestamp()
    # Where it came from: the form, or a hand-off from the loket (its request id).
    source: str = Field(default="form", max_length=10)
    loket_request_id: str = Field(default="", max_length=64)
    created_at: datetime = _timestamp()
    submitted_at: datetime | None = _optional_timestamp()
    # A crisis not received in time is escalated again every interval until someone takes it.
    crisis_escalations: int = 0
    crisis_escalated_at: datetime | None = _optional_timestamp()
    closed_at: datetime | None = _optional_timestamp()
    anonymised_at: datetime | None = _optional_timestamp()
    # An erasure asked while the case was in guidance: held, and given to the CKG to handle.
    erasure_requested_at: datetime | None = _optional_timestamp()


class FamilyMember(TenantScoped, table=True):
    """A parent/guardian or a child (born, with a birth date, or expected, with a due date)."""

    __tablename__ = "ckg_family_member"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    referral_id: uuid.UUID = Field(foreign_key="ckg_referral.id", index=True)
    role: str = Field(max_length=10)  # parent | child
    name: str = Field(default="", max_length=NAME_MAX)
    relation: str = Field(default="", max_length=30)  # for parents: mother, father, guardian…
    birth_date: date | None = None
    expected_birth: date | None = None


class StatusChange(TenantScoped, table=True):
    """One step of the workflow: from, to, when, by whom, why. Never changed afterwards."""

    __tablename__ = "ckg_status_change"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    referral_id: uuid.UUID = Field(foreign_key="ckg_referral.id", index=True)
    from_status: str = Field(default="", max_length=20)
    to_status: str = Field(max_length=20)
    at: datetime = _timestamp()
    actor: str = Field(max_length=200)
    reason: str = Field(default="", max_length=REASON_MAX)


class CaseNote(TenantScoped, table=True):
    """A CKG worker's note on a referral: read only by the CKG, never by the referrer."""

    __tablename__ = "ckg_case_note"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    referral_id: uuid.UUID = Field(foreign_key="ckg_referral.id", index=True)
    at: datetime = _timestamp()
    author: str = Field(max_length=200)
    body: str = Field(max_length=NOTE_MAX)


class AccessLogEntry(TenantScoped, table=True):
    """Who looked at a referral, when, and in which role. Append-only."""

    __tablename__ = "ckg_access_log"
    __append_only__ = True

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    referral_id: uuid.UUID = Field(foreign_key="ckg_referral.id", index=True)
    at: datetime = _timestamp(index=True)
    actor: str = Field(max_length=200)
    role: str = Field(max_length=20)
    action: str = Field(default="view", max_length=20)


class OfferEpisode(TenantScoped, table=True):
    """One offer of a case — home guidance, day guidance, a short or long stay, a training
    programme — with its antenna, start, planned end and actual end. A case may hold several at
    once (family guidance with day guidance or a stay); each open episode holds a place."""

    __tablename__ = "ckg_offer_episode"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    referral_id: uuid.UUID = Field(foreign_key="ckg_referral.id", index=True)
    offer: str = Field(max_length=20)
    antenna_id: uuid.UUID | None = Field(default=None, foreign_key="ckg_antenna.id", index=True)
    starts_on: date
    planned_end: date | None = None
    ended_on: date | None = None
    created_at: datetime = _timestamp()


class CaseTransfer(TenantScoped, table=True):
    """A case handed to another antenna or to another CKG that serves the municipality: who
    handled it until when, and who handles it since. Never changed afterwards.

    It is what stays of the handover for everyone who follows the case: the family and the
    referrer read from it who handles the case now and since when; the audit log holds the same
    act for accountability. See :mod:`plugins.ckg.transfer` for what the sending CKG keeps.
    """

    __tablename__ = "ckg_case_transfer"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    referral_id: uuid.UUID = Field(foreign_key="ckg_referral.id", index=True)
    at: datetime = _timestamp()
    actor: str = Field(max_length=200)
    from_organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    to_organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    from_antenna_id: uuid.UUID | None = Field(default=None, foreign_key="ckg_antenna.id")
    to_antenna_id: uuid.UUID | None = Field(default=None, foreign_key="ckg_antenna.id")


class LoketAdvice(TenantScoped, table=True):
    """A CKG worker's advice to the loket to deviate for the family at one childcare location
    (plugins/ckg/loket_advice.py). Keeps only what the CKG did and the loket's one-word answer,
    never anything about the family's loket request."""

    __tablename__ = "ckg_loket_advice"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    referral_id: uuid.UUID = Field(foreign_key="ckg_referral.id", index=True)
    # The loket's location (another plugin's table: no foreign key) and its name as shown.
    location_id: uuid.UUID
    location_name: str = Field(default="", max_length=200)
    # recorded | no_matching_request | cap_reached | unknown_location | no_loket
    outcome: str = Field(max_length=30)
    advised_by: str = Field(max_length=200)
    advised_at: datetime = _timestamp()
    withdrawn_at: datetime | None = _optional_timestamp()
