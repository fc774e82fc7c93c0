"""The loket's tables: locations and their places, requests, rule packs, rounds, proposals.

Every table is tenant-owned (``TenantScoped``): the core adds the tenant to every query and
PostgreSQL's row-level security guards raw SQL too. No ``from __future__ import annotations``
here: SQLModel resolves field types at class creation.

Dutch domain words kept as they are: *groepsopvang* (a childcare centre), *gezinsopvang* (a
childminder at home), *buitenschoolse opvang* (out-of-school care for school children).
"""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field

from core.db import TenantScoped, new_id, utcnow

LOCATION_KINDS = ("groepsopvang", "gezinsopvang", "buitenschoolse_opvang")
TARIFFS = ("income_related", "free_price")
AGE_GROUPS = ("baby", "toddler", "schoolchild")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
DAY_PARTS = ("morning", "afternoon")
CARE_NEEDS = ("medical", "developmental_delay", "physical_disability", "behavioural", "dietary")
SITUATION_FLAGS = (
    "work_or_training",
    "single_parent",
    "low_income",
    "foster_child",
    "sibling",
    "urgency",
)
# The channel a request came in by, kept as it was: "online" when the parent filled in the form
# themselves; "training": drafted from the training plugin's ``training.childcare_needed`` event.
# "parent" is the old word for "online" (rows before migration loket_0006).
ORIGINS = ("online", "phone", "counter", "paper", "referral", "training")
# Origins staff can choose when they register a request on a parent's behalf.
STAFF_ORIGINS = ("phone", "counter", "paper", "referral")
ALLOCATION_MODES = ("rounds", "continuous")
# Languages a family may prefer for a conversation with the counter (an interpreter, a
# colleague who speaks it); the platform's own pages and e-mails speak INTERFACE_LANGUAGES only.
LANGUAGES = ("nl", "fr", "en", "ar", "tr", "pl", "ro", "other")
INTERFACE_LANGUAGES = ("nl", "en")


class RequestStatus:
    DRAFT = "draft"
    OPEN = "open"
    PROPOSED = "proposed"
    PLACED = "placed"
    WITHDRAWN = "withdrawn"
    ALL = (DRAFT, OPEN, PROPOSED, PLACED, WITHDRAWN)


class PreferenceStatus:
    WAITING = "waiting"
    PROPOSED = "proposed"
    PLACED = "placed"
    REFUSED = "refused"  # the provider rejected the proposal
    DECLINED = "declined"  # the parent declined or let the deadline pass
    WITHDRAWN = "withdrawn"


class ProposalStatus:
    AWAITING_PROVIDER = "awaiting_provider"
    AWAITING_PARENT = "awaiting_parent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DECLINED = "declined"
    EXPIRED = "expired"
    LAPSED = "lapsed"  # the place was taken by someone else before the parent accepted
    WITHDRAWN = "withdrawn"  # the family withdrew its request
    OPEN = (AWAITING_PROVIDER, AWAITING_PARENT)
    # Ended without a place for this family: an area request does not try that location again.
    ENDED = (REJECTED, DECLINED, EXPIRED, LAPSED)


REJECTION_REASONS = ("no_longer_free", "care_need_not_supported", "days_not_possible", "other")


def _timestamp(**kwargs):
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), **kwargs)


def _json_list():
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Location(TenantScoped, table=True):
    """A childcare location (kinderopvanglocatie) of a provider organisation."""

    __tablename__ = "loket_location"
    # Re-importing a CSV updates the location with the same name and postcode.
    __table_args__ = (sa.UniqueConstraint("tenant_id", "import_key"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    provider_organisation_id: uuid.UUID | None = Field(
        default=None, foreign_key="organisation.id", index=True
    )
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    postcode: str = Field(default="", max_length=10)
    municipality: str = Field(default="", max_length=100)
    # The deelgemeente or postcode area a request can name instead of locations.
    area: str = Field(default="", max_length=100, index=True)
    kind: str = Field(max_length=30)
    tariff: str = Field(default="income_related", max_length=20)
    opening_days: list = _json_list()
    day_parts: list = _json_list()
    care_needs: list = _json_list()
    participates: bool = True
    # The standing reserve for occasional and emergency care: places kept free at all times.
    # ``None``: the tenant's setting (a percentage of the licensed capacity).
    reserve_places: int | None = None
    # Extra subsidy for vulnerable families (Opgroeien's "plussubsidie"): the location keeps
    # places for them, so the allocation treats its pools accordingly.
    vulnerable_subsidy: bool = False
    # Who a family calls or writes about a place here (shown with an offer).
    contact_phone: str = Field(default="", max_length=40)
    contact_email: str = Field(default="", max_length=320)
    import_key: str = Field(max_length=220)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class LocationCapacity(TenantScoped, table=True):
    """How many children of an age group a location is licensed for."""

    __tablename__ = "loket_location_capacity"
    __table_args__ = (sa.UniqueConstraint("location_id", "age_group"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    location_id: uuid.UUID = Field(foreign_key="loket_location.id", index=True)
    age_group: str = Field(max_length=20)
    places: int = 0


class FreePlace(TenantScoped, table=True):
    """Free places a provider announced: from a date, for an age group and days.

    ``held_back`` places are the quota for occasional and emergency care that an allocation
    round never fills; ``taken`` counts regular acceptances and ``emergency_taken`` emergency
    placements. The CHECK constraints make the database itself refuse one place too many.
    """

    __tablename__ = "loket_free_place"
    __table_args__ = (
        sa.CheckConstraint("taken >= 0 AND taken + held_back <= places", name="regular_fits"),
        sa.CheckConstraint(
            "emergency_taken >= 0 AND emergency_taken <= held_back", name="emergency_fits"
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    location_id: uuid.UUID = Field(foreign_key="loket_location.id", index=True)
    age_group: str = Field(max_length=20)
    available_from: date
    places: int
    held_back: int = 0
    taken: int = 0
    emergency_taken: int = 0
    days: list = _json_list()
    reported_at: datetime = _timestamp()
    reported_by: str = Field(default="", max_length=200)


class ChildcareRequest(TenantScoped, table=True):
    """A family's childcare request (opvangvraag) for one child."""

    __tablename__ = "loket_request"
    # The work list pages in registration order, often filtered by status (issue 18).
    __table_args__ = (
        sa.Index("ix_loket_request_tenant_created", "tenant_id", "created_at"),
        sa.Index("ix_loket_request_tenant_status_created", "tenant_id", "status", "created_at"),
        # A parent's own requests, newest first. It starts with tenant_id like every lookup
        # here: SQLite's planner without statistics would rather take the tenant_id index.
        sa.Index("ix_loket_request_tenant_parent", "tenant_id", "parent_user_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    parent_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", index=True
    )
    parent_name: str = Field(default="", max_length=200)
    parent_email: str = Field(default="", max_length=320)
    parent_phone: str = Field(default="", max_length=40)
    child_first_name: str = Field(default="", max_length=100)
    child_last_name: str = Field(default="", max_length=100)
    birth_date: date | None = None
    expected_birth_date: date | None = None
    desired_start: date | None = None
    days: list = _json_list()  # e.g. ["mon-morning", "mon-afternoon"]
    language: str = Field(default="nl", max_length=10)  # of our e-mails: INTERFACE_LANGUAGES
    contact_language: str = Field(default="", max_length=10)  # for a conversation: LANGUAGES
    care_needs: list = _json_list()
    situation: list = _json_list()  # SITUATION_FLAGS
    # An area request names an area (and optionally a location type) instead of locations.
    area: str = Field(default="", max_length=100)
    area_kind: str = Field(default="", max_length=30)
    origin: str = Field(default="online", max_length=20)
    # Who handed the request over (e.g. "training:<candidate id>"), so a repeated hand-off
    # updates the same draft; and what they told the counter.
    external_reference: str = Field(default="", max_length=120, index=True)
    note: str = Field(default="", max_length=2000)
    proof_checked: bool = False
    status: str = Field(default=RequestStatus.DRAFT, max_length=20, index=True)
    submitted_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    placed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = _timestamp()
    created_by: str = Field(default="", max_length=200)
    # Why the last allocation round found no place: {"round_id", "run_at", "choices": [{rank,
    # location_id, reason, own_group?, last_admitted_group?}]}; empty once placed or proposed.
    round_explanation: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Brothers and sisters sent in one request share a group (one request row per child) and
    # the family's choice: together (one location for all, or none) or each on its own.
    sibling_group_id: uuid.UUID | None = Field(default=None, index=True)
    siblings_together: bool = False

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}".strip()

    @property
    def reference(self) -> str:
        """A short reference a parent can quote on the phone (not a secret: the id stays the key)."""
        return f"LK-{self.id.hex[:8].upper()}"

    @property
    def reference_birth_date(self) -> date | None:
        return self.birth_date or self.expected_birth_date


class Preference(TenantScoped, table=True):
    """One ranked location in a request (rank 1 is the family's first choice)."""

    __tablename__ = "loket_preference"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "rank"),
        sa.UniqueConstraint("request_id", "location_id"),
        # The choices of a page's requests (request_id IN …), see ChildcareRequest's indexes.
        sa.Index("ix_loket_preference_tenant_request", "tenant_id", "request_id", "rank"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    request_id: uuid.UUID = Field(foreign_key="loket_request.id", index=True)
    location_id: uuid.UUID = Field(foreign_key="loket_location.id", index=True)
    rank: int
    status: str = Field(default="waiting", max_length=20)


class RulePack(TenantScoped, table=True):
    """A version of the tenant's priority rules; changing rules adds a version, never edits one."""

    __tablename__ = "loket_rule_pack"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "version"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    version: int
    name: str = Field(max_length=200)
    rules: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _timestamp()
    created_by: str = Field(default="", max_length=200)


class AllocationRound(TenantScoped, table=True):
    """One run of the allocation over all open requests."""

    __tablename__ = "loket_round"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    rule_pack_id: uuid.UUID = Field(foreign_key="loket_rule_pack.id", index=True)
    seed: int
    run_at: datetime = _timestamp()
    run_by: str = Field(default="", max_length=200)
    summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Proposal(TenantScoped, table=True):
    """A place proposed to a family: the provider confirms, then the parent accepts."""

    __tablename__ = "loket_proposal"
    # The offers of a page's requests (request_id IN …), see ChildcareRequest's indexes.
    __table_args__ = (
        sa.Index("ix_loket_proposal_tenant_request", "tenant_id", "request_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    round_id: uuid.UUID | None = Field(default=None, foreign_key="loket_round.id", index=True)
    rule_pack_id: uuid.UUID | None = Field(default=None, foreign_key="loket_rule_pack.id")
    request_id: uuid.UUID = Field(foreign_key="loket_request.id", index=True)
    location_id: uuid.UUID = Field(foreign_key="loket_location.id", index=True)
    free_place_id: uuid.UUID = Field(foreign_key="loket_free_place.id", index=True)
    preference_rank: int = 0
    explanation: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=ProposalStatus.AWAITING_PROVIDER, max_length=20, index=True)
    rejection_reason: str = Field(default="", max_length=40)
    deadline: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = _timestamp()
    provider_decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    parent_decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # When the parent was reminded of the deadline: one reminder per offer.
    reminded_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Placement(TenantScoped, table=True):
    """A child's place. One per request: the database refuses a second one."""

    __tablename__ = "loket_placement"
    __table_args__ = (sa.UniqueConstraint("request_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    request_id: uuid.UUID = Field(foreign_key="loket_request.id")
    location_id: uuid.UUID = Field(foreign_key="loket_location.id", index=True)
    free_place_id: uuid.UUID = Field(foreign_key="loket_free_place.id", index=True)
    proposal_id: uuid.UUID | None = Field(default=None, foreign_key="loket_proposal.id")
    emergency: bool = False
    placed_at: datetime = _timestamp()


class LocationImport(TenantScoped, table=True):
    """A checked CSV upload of locations, applied a chunk per request so no request times out.

    ``rows`` holds only the valid rows; ``applied`` says how many are done. A chunk is claimed
    with a conditional UPDATE on ``applied``, so two tabs never apply the same chunk twice.
    """

    __tablename__ = "loket_location_import"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    file_name: str = Field(default="", max_length=200)
    rows: list = _json_list()
    total: int = 0
    applied: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    created_at: datetime = _timestamp()
    created_by: str = Field(default="", max_length=200)
    finished_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))

    @property
    def done(self) -> bool:
        return self.applied >= self.total


class InfoSession(TenantScoped, table=True):
    """An information session on how the e-loket works."""

    __tablename__ = "loket_info_session"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    title: str = Field(max_length=200)
    starts_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    place: str = Field(default="", max_length=300)
    online: bool = False
    language: str = Field(default="nl", max_length=10)
    capacity: int = 20


class InfoRegistration(TenantScoped, table=True):
    """A parent's or referrer's registration for an info session (or a waiting-list place)."""

    __tablename__ = "loket_info_registration"
    __table_args__ = (sa.UniqueConstraint("session_id", "email"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    session_id: uuid.UUID = Field(foreign_key="loket_info_session.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    status: str = Field(default="registered", max_length=20)  # registered | waiting | cancelled
    attended: bool | None = None
    registered_at: datetime = _timestamp()
    reminded_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
