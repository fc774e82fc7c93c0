"""The starters plugin's tables — every one a tenant row (scoped, row-level security).

* The **catalogue** (:class:`SupportMeasure`) is what a municipality offers people who start a
  childcare facility; it is public.
* An **application** (:class:`Application`) is a starter's request for some of those measures,
  with the project it is for; around it live the measures asked and their decisions
  (:class:`RequestedMeasure`), documents, questions from staff and the answers, a timeline and the
  checklist toward the Opgroeien licence (vergunning).
* **Buildings** (panden) the municipality makes available, and the starters' interest in them.
* **Company agreements**: a company funds or hosts a facility for places reserved for its staff.

No ``from __future__ import annotations`` here: SQLModel needs real annotations.
"""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field

from core.db import TenantScoped, new_id, utcnow

TITLE_MAX = 200
TEXT_MAX = 5000
REASON_MAX = 1000
NAME_MAX = 200
ADDRESS_MAX = 300


def _timestamp(**kwargs):
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), **kwargs)


def _optional_timestamp():
    return Field(default=None, sa_type=sa.DateTime(timezone=True))


def _text(default: str = ""):
    return Field(default=default, sa_type=sa.Text)


def _json_list():
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class SupportMeasure(TenantScoped, table=True):
    """One support measure in the municipality's public catalogue."""

    __tablename__ = "starters_measure"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    title: str = Field(max_length=TITLE_MAX)
    # The source of a small markdown-like subset; rendered escaped by richtext.render_rich_text.
    description: str = _text()
    kind: str = Field(max_length=20, index=True)  # services.MeasureKind
    # Only for financial premiums.
    amount_eur: int | None = None
    conditions: str = _text()
    requires_loket_participation: bool = False
    # Eligibility: empty facility types mean every type; no bound means no limit.
    facility_types: list = _json_list()
    min_places: int | None = None
    max_places: int | None = None
    # The area (see eligibility.py): postcodes and place names; both empty means everywhere.
    area_postcodes: list = _json_list()
    area_places: list = _json_list()
    required_documents: list = _json_list()  # services.DocumentKind values
    opens_on: date | None = None
    closes_on: date | None = None
    published: bool = True
    created_at: datetime = _timestamp()


class Application(TenantScoped, table=True):
    """A starter's application for support, built step by step (a draft until submitted)."""

    __tablename__ = "starters_application"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    applicant_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", index=True
    )
    applicant_name: str = Field(default="", max_length=NAME_MAX)
    applicant_email: str = Field(default="", max_length=320)
    applicant_kind: str = Field(default="person", max_length=12)  # person | organisation
    organisation_name: str = Field(default="", max_length=NAME_MAX)
    status: str = Field(default="draft", max_length=24, index=True)  # services.ApplicationStatus
    # The project.
    facility_type: str = Field(default="", max_length=30)
    planned_places: int | None = None
    target_opening: date | None = None
    postcode: str = Field(default="", max_length=4)
    # The deelgemeente, village or neighbourhood; matched against a measure's place names.
    area: str = Field(default="", max_length=NAME_MAX)
    address: str = Field(default="", max_length=ADDRESS_MAX)
    declaration_accepted: bool = False
    # The loket location of the new facility once it exists (for premium conditions).
    location_id: uuid.UUID | None = None
    # Recorded by staff when the facility opened its doors (planned places become real ones).
    opened_on: date | None = None
    created_at: datetime = _timestamp()
    submitted_at: datetime | None = _optional_timestamp()
    decided_at: datetime | None = _optional_timestamp()


class RequestedMeasure(TenantScoped, table=True):
    """A measure asked for in an application, and the decision on it."""

    __tablename__ = "starters_requested_measure"
    __table_args__ = (sa.UniqueConstraint("application_id", "measure_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    application_id: uuid.UUID = Field(foreign_key="starters_application.id", index=True)
    measure_id: uuid.UUID = Field(foreign_key="starters_measure.id", index=True)
    # pending | proposed (an approval awaiting a second staff member) | approved | refused
    decision: str = Field(default="pending", max_length=10)
    reason: str = Field(default="", max_length=REASON_MAX)
    amount_granted_eur: int | None = None
    decided_at: datetime | None = _optional_timestamp()
    decided_by: str = Field(default="", max_length=NAME_MAX)
    # Who decided first, by account: the second approval (four eyes) must be someone else. No
    # foreign key: erasing a staff member must not take the decision along.
    decided_by_user_id: uuid.UUID | None = None
    second_approved_by: str = Field(default="", max_length=NAME_MAX)
    second_approved_by_user_id: uuid.UUID | None = None
    second_approved_at: datetime | None = _optional_timestamp()
    # Payment of a granted premium: "" (nothing yet) | requested | paid | recovered.
    payment_status: str = Field(default="", max_length=12)
    payment_requested_on: date | None = None
    paid_on: date | None = None
    recovered_on: date | None = None
    payment_note: str = Field(default="", max_length=REASON_MAX)


class ApplicationDocument(TenantScoped, table=True):
    """An uploaded document; the file itself lives outside the web root (see uploads.py)."""

    __tablename__ = "starters_document"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    application_id: uuid.UUID = Field(foreign_key="starters_application.id", index=True)
    kind: str = Field(max_length=30)  # services.DocumentKind
    original_name: str = Field(max_length=255)
    stored_name: str = Field(max_length=64)
    content_type: str = Field(max_length=50)
    size_bytes: int
    sha256: str = Field(max_length=64)
    uploaded_at: datetime = _timestamp()
    uploaded_by: str = Field(default="", max_length=NAME_MAX)


class InformationRequest(TenantScoped, table=True):
    """Staff ask the starter for more information; the starter answers once."""

    __tablename__ = "starters_information_request"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    application_id: uuid.UUID = Field(foreign_key="starters_application.id", index=True)
    question: str = Field(max_length=REASON_MAX)
    asked_at: datetime = _timestamp()
    asked_by: str = Field(default="", max_length=NAME_MAX)
    # The staff member's account, so the answer reaches them; no foreign key: erasing a staff
    # member must not take the starter's question along.
    asked_by_user_id: uuid.UUID | None = None
    answer: str = Field(default="", max_length=TEXT_MAX)
    answered_at: datetime | None = _optional_timestamp()


class TimelineEntry(TenantScoped, table=True):
    """One step in an application's life. Never changed afterwards."""

    __tablename__ = "starters_timeline"
    __append_only__ = True

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    application_id: uuid.UUID = Field(foreign_key="starters_application.id", index=True)
    at: datetime = _timestamp()
    actor: str = Field(default="", max_length=NAME_MAX)
    action: str = Field(max_length=40)
    detail: str = Field(default="", max_length=REASON_MAX)


class LicenceStep(TenantScoped, table=True):
    """One step toward the Opgroeien licence, ticked off per application."""

    __tablename__ = "starters_licence_step"
    __table_args__ = (sa.UniqueConstraint("application_id", "step"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    application_id: uuid.UUID = Field(foreign_key="starters_application.id", index=True)
    step: str = Field(max_length=30)  # services.LICENCE_STEPS
    done_on: date | None = None
    note: str = Field(default="", max_length=REASON_MAX)


class Building(TenantScoped, table=True):
    """A building (pand) the municipality makes available for a childcare facility."""

    __tablename__ = "starters_building"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    address: str = Field(max_length=ADDRESS_MAX)
    area_m2: int
    suitable_places: int
    rent_and_conditions: str = Field(default="", max_length=REASON_MAX)
    accessibility: str = Field(default="", max_length=REASON_MAX)
    available_from: date | None = None
    status: str = Field(default="available", max_length=12)  # available | allocated | withdrawn
    created_at: datetime = _timestamp()


class BuildingPhoto(TenantScoped, table=True):
    """A photo of a building; the file lives in the upload store, owned by the building."""

    __tablename__ = "starters_building_photo"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    building_id: uuid.UUID = Field(foreign_key="starters_building.id", index=True)
    original_name: str = Field(max_length=255)
    stored_name: str = Field(max_length=64)
    content_type: str = Field(max_length=50)
    size_bytes: int
    # The alternative text: what the photo shows, for people who cannot see it.
    caption: str = Field(default="", max_length=200)
    uploaded_at: datetime = _timestamp()


class DecisionLetter(TenantScoped, table=True):
    """The decision letter (PDF) of a decided application, kept in the file (the upload store)."""

    __tablename__ = "starters_decision_letter"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    application_id: uuid.UUID = Field(foreign_key="starters_application.id", index=True)
    stored_name: str = Field(max_length=64)
    size_bytes: int
    sha256: str = Field(max_length=64)
    created_at: datetime = _timestamp()
    created_by: str = Field(default="", max_length=NAME_MAX)


class BuildingInterest(TenantScoped, table=True):
    """A starter's interest in a building for one application, and staff's match outcome."""

    __tablename__ = "starters_building_interest"
    __table_args__ = (sa.UniqueConstraint("building_id", "application_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    building_id: uuid.UUID = Field(foreign_key="starters_building.id", index=True)
    application_id: uuid.UUID = Field(foreign_key="starters_application.id", index=True)
    message: str = Field(default="", max_length=REASON_MAX)
    outcome: str = Field(default="pending", max_length=12)  # pending | matched | not_matched
    outcome_note: str = Field(default="", max_length=REASON_MAX)
    created_at: datetime = _timestamp()


class CompanyAgreement(TenantScoped, table=True):
    """A company funds or hosts a facility in return for places reserved for its employees."""

    __tablename__ = "starters_company_agreement"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    company: str = Field(max_length=NAME_MAX)
    facility_name: str = Field(max_length=NAME_MAX)
    # The loket location, when the facility is known there; reserved places then apply to it.
    location_id: uuid.UUID | None = None
    places: int
    starts_on: date
    ends_on: date | None = None
    note: str = Field(default="", max_length=REASON_MAX)
    created_at: datetime = _timestamp()
    # Proof of employment for a claim: an e-mail address the employee proved, on one of these
    # domains ("acme.be"; exact, no subdomains). Empty: the places cannot be claimed.
    email_domains: list = _json_list()
    # Who at the company hears of each claim (HR), so the company sees who asks.
    contact_email: str = Field(default="", max_length=320)


class CompanyPlaceClaim(TenantScoped, table=True):
    """An employee asks for one of the places their company reserved, for a loket request."""

    __tablename__ = "starters_company_place_claim"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "request_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agreement_id: uuid.UUID = Field(foreign_key="starters_company_agreement.id", index=True)
    # The loket's request (another plugin's row: no foreign key across plugins).
    request_id: uuid.UUID
    user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id", index=True)
    employee_name: str = Field(default="", max_length=NAME_MAX)
    # The proven address the claim rests on, as it was at the claim.
    employee_email: str = Field(max_length=320)
    created_at: datetime = _timestamp()
