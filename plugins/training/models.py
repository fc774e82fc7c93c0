"""The training plugin's tables — all tenant rows (scoped, row-level security on PostgreSQL).

A *programme* (e.g. "Kinderbegeleider baby's en peuters") is offered by a training partner — a
school, a CVO (centrum voor volwassenenonderwijs) or VDAB — or by the municipality itself
(``organisation_id`` empty). A *cohort* is one run of it: start, schedule, location, seats and
the internship hours a candidate must log. A *candidate* moves through the pipeline; every step
is a row in the timeline, which is never changed afterwards.

Candidates carry given and family name separately: forms ask for them that way, and the
hand-off to the loket joins them. No ``from __future__ import annotations``: SQLModel needs real
annotations.
"""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from core.db import TenantScoped, new_id, utcnow

NAME_MAX = 100
TITLE_MAX = 200
TEXT_MAX = 1000
REASON_MAX = 500
EMAIL_MAX = 320
PHONE_MAX = 40


def _timestamp(**kwargs):
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), **kwargs)


def _optional_timestamp():
    return Field(default=None, sa_type=sa.DateTime(timezone=True))


def _organisation():
    # Empty: run by the municipality itself (visible to its staff only).
    return Field(default=None, foreign_key="organisation.id", index=True)


class Programme(TenantScoped, table=True):
    __tablename__ = "training_programme"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID | None = _organisation()
    name: str = Field(max_length=TITLE_MAX)
    qualification: str = Field(max_length=20)  # kinderbegeleider | onthaalouder
    description: str = Field(default="", max_length=TEXT_MAX)
    created_at: datetime = _timestamp()


class Cohort(TenantScoped, table=True):
    __tablename__ = "training_cohort"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    programme_id: uuid.UUID = Field(foreign_key="training_programme.id", index=True)
    # Copied from the programme so every query can scope by organisation in one step.
    organisation_id: uuid.UUID | None = _organisation()
    name: str = Field(max_length=TITLE_MAX)
    starts_on: date
    ends_on: date
    schedule: str = Field(max_length=10)  # day | evening | dual
    location: str = Field(default="", max_length=TITLE_MAX)
    capacity: int = 20
    required_internship_hours: int = 0
    modules_total: int = 0
    created_at: datetime = _timestamp()


class Candidate(TenantScoped, table=True):
    __tablename__ = "training_candidate"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID | None = _organisation()
    cohort_id: uuid.UUID | None = Field(default=None, foreign_key="training_cohort.id", index=True)
    # The citizen who registered while signed in (their own registrations and timeline).
    user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id", index=True)
    given_name: str = Field(max_length=NAME_MAX)
    family_name: str = Field(max_length=NAME_MAX)
    email: str = Field(max_length=EMAIL_MAX, index=True)
    phone: str = Field(default="", max_length=PHONE_MAX)
    interest: str = Field(max_length=20)  # kinderbegeleider | onthaalouder
    contact_consent: bool = False
    stage: str = Field(max_length=30, index=True)
    # The furthest pipeline stage ever reached: the funnel counts it, also after a drop-out.
    furthest_stage: str = Field(max_length=30)
    intake_outcome: str = Field(default="", max_length=20)
    intake_reasons: str = Field(default="", max_length=REASON_MAX)
    needs_childcare: bool = False
    modules_passed: int = 0
    internship_hours: int = 0
    placement_location_id: uuid.UUID | None = None  # a loket location, when the loket is on
    placement_name: str = Field(default="", max_length=TITLE_MAX)
    # The childcare provider organisation at the internship location: its members mentor the
    # intern and confirm their hours (empty for a free-text placement: no mentor then).
    placement_provider_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id")
    employer: str = Field(default="", max_length=TITLE_MAX)
    # Hired through the job match: the provider's vacancy (the figures count these).
    hired_vacancy_id: uuid.UUID | None = Field(default=None, foreign_key="training_vacancy.id")
    employed_in_region: bool = False
    dropout_reason: str = Field(default="", max_length=30)
    dropout_note: str = Field(default="", max_length=REASON_MAX)
    source: str = Field(default="form", max_length=20)
    created_at: datetime = _timestamp()
    stage_changed_at: datetime = _timestamp()
    graduated_on: date | None = None


class TimelineEntry(TenantScoped, table=True):
    """One step in a candidate's path: what happened, when, by whom, why. Append-only."""

    __tablename__ = "training_timeline"
    __append_only__ = True

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    candidate_id: uuid.UUID = Field(foreign_key="training_candidate.id", index=True)
    at: datetime = _timestamp()
    actor: str = Field(max_length=TITLE_MAX)
    kind: str = Field(max_length=20)  # stage | progress | registration | handoff | loket
    from_stage: str = Field(default="", max_length=30)
    to_stage: str = Field(default="", max_length=30)
    detail: str = Field(default="", max_length=REASON_MAX)
    reason: str = Field(default="", max_length=REASON_MAX)


class LoketHandOff(TenantScoped, table=True):
    """A candidate consented to a loket request for their own child; the loket's answer."""

    __tablename__ = "training_loket_handoff"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    candidate_id: uuid.UUID = Field(foreign_key="training_candidate.id", index=True)
    consent_recorded_at: datetime = _timestamp()
    recorded_by: str = Field(max_length=TITLE_MAX)
    # The names of the fields shared (never their values: the loket keeps those).
    shared_fields: str = Field(max_length=REASON_MAX)
    loket_request_id: str = Field(default="", max_length=64)
    answered_at: datetime | None = _optional_timestamp()


class InfoSession(TenantScoped, table=True):
    __tablename__ = "training_info_session"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID | None = _organisation()
    kind: str = Field(max_length=20)  # kinderbegeleider | onthaalouder
    starts_at: datetime = Field(sa_type=sa.DateTime(timezone=True), index=True)
    location: str = Field(max_length=TITLE_MAX)
    capacity: int = 30
    created_at: datetime = _timestamp()


class InfoRegistration(TenantScoped, table=True):
    __tablename__ = "training_info_registration"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    info_session_id: uuid.UUID = Field(foreign_key="training_info_session.id", index=True)
    candidate_id: uuid.UUID = Field(foreign_key="training_candidate.id", index=True)
    status: str = Field(max_length=10, index=True)  # registered | waiting | cancelled
    # The secret in the confirmation mail: the candidate checks or cancels without signing in.
    token: str = Field(max_length=64, sa_column_kwargs={"unique": True}, index=True)
    registered_at: datetime = _timestamp()
    cancelled_at: datetime | None = _optional_timestamp()
    reminded_at: datetime | None = _optional_timestamp()
    attended: bool | None = None


class Course(TenantScoped, table=True):
    """A free course (vorming) for staff of childcare providers."""

    __tablename__ = "training_course"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID | None = _organisation()
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=TEXT_MAX)
    starts_at: datetime = Field(sa_type=sa.DateTime(timezone=True), index=True)
    location: str = Field(max_length=TITLE_MAX)
    capacity: int = 20
    created_at: datetime = _timestamp()


class CourseSignup(TenantScoped, table=True):
    __tablename__ = "training_course_signup"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    course_id: uuid.UUID = Field(foreign_key="training_course.id", index=True)
    user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id", index=True)
    given_name: str = Field(max_length=NAME_MAX)
    family_name: str = Field(max_length=NAME_MAX)
    email: str = Field(max_length=EMAIL_MAX, index=True)
    employer: str = Field(default="", max_length=TITLE_MAX)
    status: str = Field(max_length=10, index=True)  # registered | waiting | cancelled
    token: str = Field(max_length=64, sa_column_kwargs={"unique": True}, index=True)
    registered_at: datetime = _timestamp()
    cancelled_at: datetime | None = _optional_timestamp()
    attended: bool | None = None


class InternshipHours(TenantScoped, table=True):
    """One day of internship an intern logged; only the mentor's confirmation makes it count."""

    __tablename__ = "training_internship_hours"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    candidate_id: uuid.UUID = Field(foreign_key="training_candidate.id", index=True)
    worked_on: date
    hours: int
    description: str = Field(max_length=REASON_MAX)
    status: str = Field(default="pending", max_length=10, index=True)  # pending|confirmed|rejected
    logged_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    logged_at: datetime = _timestamp()
    reviewed_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = _optional_timestamp()
    reject_reason: str = Field(default="", max_length=REASON_MAX)


class CandidateDocument(TenantScoped, table=True):
    """A candidate's criminal-record extract (model 2) or diploma, kept in the upload store."""

    __tablename__ = "training_document"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    candidate_id: uuid.UUID = Field(foreign_key="training_candidate.id", index=True)
    kind: str = Field(max_length=20)  # criminal_record | diploma
    issued_on: date
    expires_on: date | None = None
    original_name: str = Field(max_length=255)
    stored_name: str = Field(max_length=32)
    content_type: str = Field(max_length=50)
    size_bytes: int = 0
    uploaded_by: str = Field(max_length=TITLE_MAX)
    uploaded_at: datetime = _timestamp()


class Vacancy(TenantScoped, table=True):
    """A childcare provider's job opening, shown to graduates and candidates (the job match)."""

    __tablename__ = "training_vacancy"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    title: str = Field(max_length=TITLE_MAX)
    location: str = Field(max_length=TITLE_MAX)
    hours_per_week: int
    starts_on: date
    contact: str = Field(max_length=TITLE_MAX)
    created_at: datetime = _timestamp()
    closed_at: datetime | None = _optional_timestamp()


class CohortMessage(TenantScoped, table=True):
    """A message staff mailed to every candidate of a cohort (the log on the cohort page)."""

    __tablename__ = "training_cohort_message"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    cohort_id: uuid.UUID = Field(foreign_key="training_cohort.id", index=True)
    subject: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=4000)
    sent_by: str = Field(max_length=TITLE_MAX)
    recipients: int = 0
    sent_at: datetime = _timestamp()
