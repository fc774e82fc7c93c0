"""The loket's domain logic, without Flask: validation, rounds, proposals, placements.

Functions take a tenant session (already scoped to one municipality) and plain values; views
only parse, authorise, call these and render. Errors are returned as codes per field so the
views can word them in the visitor's language.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import quote

import sqlalchemy as sa
from sqlmodel import select

from core import audit
from core.db import as_utc, lock_row, utcnow
from plugins.loket import allocation, areas, company_places, priority, reserve, together
from plugins.loket.models import (
    AllocationRound,
    ChildcareRequest,
    FreePlace,
    Location,
    LocationCapacity,
    Placement,
    Preference,
    PreferenceStatus,
    Proposal,
    ProposalStatus,
    RequestStatus,
    RulePack,
)

# A child older than this at the start cannot go to a baby and toddler location; a younger one
# cannot go to out-of-school care (children start kleuterschool at two and a half).
MAX_MONTHS_BABY_CARE = areas.MAX_MONTHS_BABY_CARE
MIN_MONTHS_SCHOOL_CARE = areas.MIN_MONTHS_SCHOOL_CARE
# Registration before birth is allowed, but not for a birth this far away.
MAX_MONTHS_BEFORE_BIRTH = 9
PARENT_ANSWER_DAYS = 7


class PlaceUnavailable(Exception):
    """The place was taken by someone else (or never existed) when this family tried to accept."""


class InvalidTransition(Exception):
    """The proposal is not in a state that allows this step."""


class OverCapacity(Exception):
    """More places reported (free or taken) than the location is licensed for in an age group."""

    def __init__(self, licensed: int, reported: int) -> None:
        super().__init__(f"{reported} of {licensed} licensed places already reported")
        self.licensed = licensed
        self.reported = reported

    @property
    def room(self) -> int:
        return max(0, self.licensed - self.reported)


@dataclass
class RequestInput:
    """A request as submitted (parsed, not yet valid)."""

    child_first_name: str = ""
    child_last_name: str = ""
    birth_date: date | None = None
    expected_birth_date: date | None = None
    desired_start: date | None = None
    days: list[str] = field(default_factory=list)
    preferences: list[uuid.UUID] = field(default_factory=list)
    language: str = "nl"
    contact_language: str = ""
    care_needs: list[str] = field(default_factory=list)
    situation: list[str] = field(default_factory=list)
    sibling_location_id: uuid.UUID | None = None
    parent_name: str = ""
    parent_email: str = ""
    parent_phone: str = ""
    area: str = ""
    area_kind: str = ""  # optional type of care for an area request


def validate_request(
    data: RequestInput,
    *,
    today: date,
    max_preferences: int,
    location_kinds: Mapping[uuid.UUID, str],
    other_requests: Iterable[ChildcareRequest] = (),
    area_kinds: Mapping[str, set[str]] | None = None,
) -> dict[str, str]:
    """Field id → error code for a request to be submitted; empty when it may go in.

    A request ranks up to ``max_preferences`` locations or names one area of ``area_kinds``
    (area → the location types there), never both.
    """
    errors: dict[str, str] = {}
    if not data.child_first_name.strip():
        errors["child_first_name"] = "required"
    if not data.child_last_name.strip():
        errors["child_last_name"] = "required"
    if data.birth_date is None and data.expected_birth_date is None:
        errors["birth_date"] = "birth_date_required"
    elif data.birth_date is not None and data.birth_date > today:
        errors["birth_date"] = "birth_date_in_future"
    elif data.expected_birth_date is not None and data.birth_date is None:
        if data.expected_birth_date < today - timedelta(days=31):
            errors["expected_birth_date"] = "expected_birth_date_past"
        elif allocation.months_between(today, data.expected_birth_date) > MAX_MONTHS_BEFORE_BIRTH:
            errors["expected_birth_date"] = "expected_birth_date_too_far"
    if data.desired_start is None:
        errors["desired_start"] = "required"
    elif data.desired_start < today:
        errors["desired_start"] = "start_in_past"
    if not data.days:
        errors["days"] = "days_required"
    area_kinds = area_kinds or {}
    if data.area and data.preferences:
        errors["area"] = "locations_or_area"
    elif data.area:
        if data.area not in area_kinds:
            errors["area"] = "unknown_area"
        elif data.area_kind and data.area_kind not in area_kinds[data.area]:
            errors["area"] = "area_without_kind"
    elif data.area_kind:
        errors["area"] = "area_required_for_kind"
    elif not data.preferences:
        errors["preferences"] = "preferences_or_area_required"
    elif len(data.preferences) > max_preferences:
        errors["preferences"] = "too_many_preferences"
    elif len(set(data.preferences)) != len(data.preferences):
        errors["preferences"] = "duplicate_preferences"
    elif any(location not in location_kinds for location in data.preferences):
        errors["preferences"] = "unknown_location"
    birth = data.birth_date or data.expected_birth_date
    checks_age = not {"preferences", "area", "birth_date", "desired_start"} & errors.keys()
    if checks_age and birth and data.desired_start:
        if data.desired_start < birth:
            errors["desired_start"] = "start_before_birth"
        else:
            months = allocation.months_between(birth, data.desired_start)
            for location in data.preferences:
                kind = location_kinds[location]
                if kind == "buitenschoolse_opvang" and months < MIN_MONTHS_SCHOOL_CARE:
                    errors["preferences"] = "child_too_young_for_location"
                elif kind != "buitenschoolse_opvang" and months >= MAX_MONTHS_BABY_CARE:
                    errors["preferences"] = "child_too_old_for_location"
            if data.area:
                kinds = {data.area_kind} if data.area_kind else area_kinds[data.area]
                if not any(areas.age_fits(months, kind) for kind in kinds):
                    errors["area"] = "area_without_fitting_location"
    if data.parent_email and "@" not in data.parent_email:
        errors["parent_email"] = "email_invalid"
    if duplicate_of(data, other_requests) is not None:
        errors["child_first_name"] = "duplicate_request"
    return errors


def duplicate_of(data: RequestInput, others: Iterable[ChildcareRequest]) -> ChildcareRequest | None:
    """An active request for the same child (same name and birth date), if there is one."""
    name = (data.child_first_name.strip().lower(), data.child_last_name.strip().lower())
    birth = data.birth_date or data.expected_birth_date
    for other in others:
        if other.status in (RequestStatus.DRAFT, RequestStatus.WITHDRAWN):
            continue
        same_name = (other.child_first_name.lower(), other.child_last_name.lower()) == name
        if same_name and other.reference_birth_date == birth:
            return other
    return None


def parent_of(request: ChildcareRequest) -> str:
    """The parent of ``request`` as the audit log names the person staff acted for: their
    account when the request is linked to one, else the request itself (never a name)."""
    return audit.person(request.parent_user_id, object_type="loket_request", object_id=request.id)


def save_request(
    session,
    data: RequestInput,
    *,
    request: ChildcareRequest | None = None,
    submit: bool,
    origin: str,
    parent_user_id: uuid.UUID | None,
    actor: str,
    now: datetime | None = None,
) -> ChildcareRequest:
    """Create or update a request (a draft, or submitted) with its ranked preferences."""
    now = now or utcnow()
    request = request or ChildcareRequest(
        parent_user_id=parent_user_id, origin=origin, created_by=actor
    )
    for name in (
        "child_first_name",
        "child_last_name",
        "birth_date",
        "expected_birth_date",
        "desired_start",
        "language",
        "contact_language",
        "parent_name",
        "parent_email",
        "parent_phone",
        "area",
        "area_kind",
    ):
        value = getattr(data, name)
        setattr(request, name, value.strip() if isinstance(value, str) else value)
    request.days = sorted(data.days)
    request.care_needs = sorted(data.care_needs)
    # Staff's proof decisions and deviations stay (a proof only while its ground is declared).
    request.situation = sorted(
        {*data.situation, *priority.kept_staff_flags(request.situation or (), data.situation)}
    )
    if submit:
        request.status = RequestStatus.OPEN
        request.submitted_at = request.submitted_at or now
    session.add(request)
    session.flush()
    # A location the family keeps keeps its state (a declined or refused choice stays so).
    kept_status = {}
    for old in session.exec(select(Preference).where(Preference.request_id == request.id)):
        kept_status[old.location_id] = old.status
        session.delete(old)
    session.flush()
    # An area request has no ranked locations: the allocation expands the area.
    ranked = [] if request.area else data.preferences
    for rank, location_id in enumerate(dict.fromkeys(ranked), start=1):
        status = kept_status.get(location_id, PreferenceStatus.WAITING)
        session.add(
            Preference(request_id=request.id, location_id=location_id, rank=rank, status=status)
        )
    sibling = data.sibling_location_id
    request.situation = [flag for flag in request.situation if flag != "sibling"]
    if sibling is not None:
        request.situation = sorted({*request.situation, f"sibling:{sibling}"})
    session.flush()
    return request


# What a parent may change after sending, and what the audit entry of a change names.
CHANGE_FIELDS = (
    "child_first_name",
    "child_last_name",
    "birth_date",
    "expected_birth_date",
    "desired_start",
    "days",
    "care_needs",
    "situation",
    "language",
    "contact_language",
    "area",
    "area_kind",
    "preferences",
)


def request_snapshot(session, request: ChildcareRequest) -> dict:
    """The changeable fields of ``request`` as plain values (for the audit of a change)."""
    values = {name: getattr(request, name) for name in CHANGE_FIELDS if name != "preferences"}
    values = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
    values["days"] = list(request.days)
    values["care_needs"] = list(request.care_needs)
    values["situation"] = list(request.situation)
    values["preferences"] = [str(p.location_id) for p in preferences_of(session, request.id)]
    return values


def changed_fields(before: dict, after: dict) -> list[str]:
    """The names of the fields whose value differs (never the values: they are personal)."""
    return [name for name in CHANGE_FIELDS if before.get(name) != after.get(name)]


def request_state(request: ChildcareRequest, preferences: list[Preference]) -> str:
    """The family's real state in one code (``words.labels()["state"]`` words it).

    An open request is only "waiting for a place" while one of its choices is still in the
    running; after a declined or refused offer with nothing left, it says so."""
    if request.status != RequestStatus.OPEN or request.area:
        return request.status
    states = {preference.status for preference in preferences}
    if PreferenceStatus.WAITING in states:
        if PreferenceStatus.DECLINED in states:
            return "open_after_decline"
        return RequestStatus.OPEN
    if states & {PreferenceStatus.DECLINED, PreferenceStatus.REFUSED}:
        return "no_choice_left"
    return RequestStatus.OPEN


def sibling_locations(request: ChildcareRequest) -> frozenset[uuid.UUID]:
    found = set()
    for flag in request.situation:
        if flag.startswith("sibling:"):
            try:
                found.add(uuid.UUID(flag.removeprefix("sibling:")))
            except ValueError:
                continue
    return frozenset(found)


def withdraw_other_preferences(session, request: ChildcareRequest) -> int:
    """Once placed, a family can give up the preferences it no longer needs."""
    if request.status != RequestStatus.PLACED:
        raise InvalidTransition("only a placed request can withdraw its other preferences")
    count = 0
    for preference in preferences_of(session, request.id):
        if preference.status == PreferenceStatus.WAITING:
            preference.status = PreferenceStatus.WITHDRAWN
            session.add(preference)
            count += 1
    return count


def preferences_of(session, request_id: uuid.UUID) -> list[Preference]:
    return list(
        session.exec(
            select(Preference).where(Preference.request_id == request_id).order_by(Preference.rank)
        )
    )


# -- places ------------------------------------------------------------------------------------


def report_free_place(
    session,
    location: Location,
    *,
    age_group: str,
    available_from: date,
    places: int,
    days: list[str],
    quota_percent: int,
    actor: str,
) -> FreePlace:
    """Record reported free places; only what the location's standing reserve lacks is held
    back (``quota_percent`` is the tenant's default reserve, see :mod:`plugins.loket.reserve`).

    Raises :class:`OverCapacity` when the location would then have more places of the age
    group — still free or taken by a child — than it is licensed for."""
    licensed = session.exec(
        select(LocationCapacity.places).where(
            LocationCapacity.location_id == location.id, LocationCapacity.age_group == age_group
        )
    ).first()
    reported = session.exec(
        select(sa.func.coalesce(sa.func.sum(FreePlace.places), 0)).where(
            FreePlace.location_id == location.id, FreePlace.age_group == age_group
        )
    ).one()
    if reported + places > (licensed or 0):
        raise OverCapacity(licensed or 0, int(reported))
    standing = reserve.reserve_of(session, location, {"occasional_quota_percent": quota_percent})
    free_place = FreePlace(
        location_id=location.id,
        age_group=age_group,
        available_from=available_from,
        places=places,
        held_back=reserve.places_to_hold(standing, places),
        days=sorted(days),
        reported_by=actor,
    )
    session.add(free_place)
    session.flush()
    return free_place


# -- rule packs --------------------------------------------------------------------------------


def current_rule_pack(session) -> RulePack:
    """The tenant's newest rule pack; the default Flemish pack becomes version 1 on first use."""
    pack = session.exec(select(RulePack).order_by(RulePack.version.desc())).first()
    if pack is None:
        pack = RulePack(
            version=1,
            name=allocation.DEFAULT_RULES["name"],
            rules=dict(allocation.DEFAULT_RULES),
            created_by="system",
        )
        session.add(pack)
        session.flush()
    return pack


def new_rule_pack_version(session, rules: dict, *, actor: str) -> RulePack:
    """Changing rules adds a version; earlier decisions keep pointing at the one they used."""
    latest = current_rule_pack(session)
    normalised = allocation.RulePack.from_rules(rules).as_rules()
    pack = RulePack(
        version=latest.version + 1, name=normalised["name"], rules=normalised, created_by=actor
    )
    session.add(pack)
    session.flush()
    return pack


# -- allocation --------------------------------------------------------------------------------


@dataclass
class RoundInput:
    applicants: list[allocation.Applicant]
    pools: list[allocation.Pool]
    free_places: dict[tuple[uuid.UUID, str], list[FreePlace]]
    # The family's own ranks: refused or declined preferences drop out of the allocation.
    ranks: dict[uuid.UUID, dict[uuid.UUID, int]] = field(default_factory=dict)
    # Area requests: request id → the area its preferences were expanded from.
    area_requests: dict[uuid.UUID, str] = field(default_factory=dict)
    # Company places claimed by employees: location id → (request id, company), claim order.
    company_claims: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = field(default_factory=dict)


def round_input(session, *, reserved: Iterable, today: date) -> RoundInput:
    """Open requests and the places a round may offer, as the pure allocation wants them.

    Places already taken or proposed and the held-back quota stay out of reach; company places
    (from the ``reserved_places`` hook) are subtracted per location while they are current.
    """
    locations = {loc.id: loc for loc in session.exec(select(Location))}
    pending = _pending_per_free_place(session)
    free_places: dict[tuple[uuid.UUID, str], list[FreePlace]] = {}
    for free_place in session.exec(select(FreePlace).order_by(FreePlace.available_from)):
        if free_place.location_id in locations:
            free_places.setdefault((free_place.location_id, free_place.age_group), []).append(
                free_place
            )
    reserved = list(reserved)

    def current(reservation) -> bool:
        return reservation.starts_on <= today and (
            reservation.ends_on is None or reservation.ends_on >= today
        )

    reserved_per_location: dict[uuid.UUID, int] = {}
    for reservation in reserved:
        if reservation.location_id is not None and current(reservation):
            reserved_per_location[reservation.location_id] = (
                reserved_per_location.get(reservation.location_id, 0) + reservation.places
            )
    # A company place an employee already holds (proposed or accepted) counts as taken, not
    # as reserved too.
    for location_id, used in _company_places_in_use(session, reserved_per_location).items():
        reserved_per_location[location_id] = max(0, reserved_per_location[location_id] - used)
    company_claims = company_places.claims_from(reserved, current)
    claimed_locations: dict[uuid.UUID, list[uuid.UUID]] = {}
    for location_id, claims in company_claims.items():
        for request_id, _company in claims:
            claimed_locations.setdefault(request_id, []).append(location_id)
    pools = []
    for (location_id, age_group), rows in sorted(free_places.items()):
        location = locations[location_id]
        places = sum(row.places for row in rows)
        held_back = sum(row.held_back for row in rows)
        taken = sum(row.taken + pending.get(row.id, 0) for row in rows)
        reserved_here = reserved_per_location.get(location_id, 0)
        # Company places are taken from the location once, from its first age groups.
        usable = max(0, places - held_back - taken)
        used_reservation = min(usable, reserved_here)
        reserved_per_location[location_id] = reserved_here - used_reservation
        days = set()
        for row in rows:
            days |= set(row.days)
        with_room = [
            row.available_from
            for row in rows
            if row.taken + row.held_back + pending.get(row.id, 0) < row.places
        ]
        pools.append(
            allocation.Pool(
                location_id=location_id,
                age_group=age_group,
                places=places,
                held_back=held_back,
                reserved=used_reservation,
                taken=taken,
                income_related=location.tariff == "income_related",
                days=frozenset(days),
                care_needs=frozenset(location.care_needs),
                available_from=min(with_room) if with_room else None,
                vulnerable_subsidy=location.vulnerable_subsidy,
            )
        )
    applicants = []
    ranks: dict[uuid.UUID, dict[uuid.UUID, int]] = {}
    area_requests: dict[uuid.UUID, str] = {}
    ended = _ended_proposal_locations(session)
    placed_siblings = together.placed_sibling_locations(session)
    # One query for every preference: a round (or a freed place) looks at all open requests.
    preferences: dict[uuid.UUID, list[Preference]] = {}
    for preference in session.exec(
        select(Preference)
        .join(ChildcareRequest, ChildcareRequest.id == Preference.request_id)
        .where(ChildcareRequest.status == RequestStatus.OPEN)
        .order_by(Preference.rank)
    ):
        preferences.setdefault(preference.request_id, []).append(preference)
    for request in session.exec(
        select(ChildcareRequest).where(ChildcareRequest.status == RequestStatus.OPEN)
    ):
        birth = request.reference_birth_date
        if birth is None or request.desired_start is None:
            continue
        if request.area:
            # The area's locations in a fixed order; those already proposed drop out, as a
            # refused or declined preference does.
            expanded = areas.area_location_ids(
                locations.values(),
                request.area,
                kind=request.area_kind,
                birth=birth,
                start=request.desired_start,
            )
            own_ranks = {location: rank for rank, location in enumerate(expanded, start=1)}
            ranked = [loc for loc in expanded if loc not in ended.get(request.id, ())]
            ranks[request.id] = {loc: own_ranks[loc] for loc in ranked}
            area_requests[request.id] = request.area
        else:
            waiting = [
                p
                for p in preferences.get(request.id, ())
                if p.status == PreferenceStatus.WAITING and p.location_id in locations
            ]
            ranked = [p.location_id for p in waiting]
            ranks[request.id] = {p.location_id: p.rank for p in waiting}
        # A company place the family claimed, outside its choices (an area request): rank 0.
        claimed = [loc for loc in claimed_locations.get(request.id, ()) if loc in locations]
        for location_id in claimed:
            ranks[request.id].setdefault(location_id, 0)
        applicants.append(
            allocation.Applicant(
                id=request.id,
                preferences=tuple(ranked),
                age_groups={
                    loc: allocation.age_group_for(birth, request.desired_start, locations[loc].kind)
                    for loc in dict.fromkeys([*ranked, *claimed])
                },
                registered_at=request.submitted_at or request.created_at,
                # What counts: work by its average, foster child and urgency once verified.
                situation=priority.counted_grounds(request.situation),
                days=frozenset(request.days),
                care_needs=frozenset(request.care_needs),
                sibling_location_ids=sibling_locations(request)
                | placed_siblings.get(request.id, frozenset()),
                deviation_location_ids=priority.deviation_location_ids(request.situation),
                desired_start=request.desired_start,
            )
        )
    return RoundInput(
        applicants=applicants,
        pools=pools,
        free_places=free_places,
        ranks=ranks,
        area_requests=area_requests,
        company_claims=company_claims,
    )


def _company_places_in_use(session, location_ids) -> dict[uuid.UUID, int]:
    """Per location, the proposals on a company place that did not end (held or accepted)."""
    if not location_ids:
        return {}
    used: dict[uuid.UUID, int] = {}
    for location_id, explanation in session.exec(
        select(Proposal.location_id, Proposal.explanation).where(
            Proposal.location_id.in_(list(location_ids)),
            Proposal.status.not_in(ProposalStatus.ENDED),
        )
    ):
        if (explanation or {}).get("company_place"):
            used[location_id] = used.get(location_id, 0) + 1
    return used


def _ended_proposal_locations(session) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Per request, the locations of its proposals that ended without a place."""
    ended: dict[uuid.UUID, set[uuid.UUID]] = {}
    for request_id, location_id in session.exec(
        select(Proposal.request_id, Proposal.location_id).where(
            Proposal.status.in_(ProposalStatus.ENDED)
        )
    ):
        ended.setdefault(request_id, set()).add(location_id)
    return ended


def _pending_per_free_place(session) -> dict[uuid.UUID, int]:
    rows = session.exec(
        select(Proposal.free_place_id, sa.func.count())
        .where(Proposal.status.in_(ProposalStatus.OPEN))
        .group_by(Proposal.free_place_id)
    ).all()
    return dict(rows)


@dataclass
class RoundResult:
    """A round and what it means for each family in it."""

    round: AllocationRound
    proposals: list[Proposal]
    # Request id → (the family's own rank, location id, reason code) for each of its choices,
    # for every family the round found no place for.
    not_placed: dict[uuid.UUID, list[tuple[int, uuid.UUID, str]]] = field(default_factory=dict)


def run_round(
    session,
    *,
    reserved: Iterable,
    seed: int,
    actor: str,
    today: date,
    now: datetime | None = None,
) -> tuple[AllocationRound, list[Proposal]]:
    """Allocate every open request at once and turn each match into a proposal to the provider."""
    result = allocation_round(
        session, reserved=reserved, seed=seed, actor=actor, today=today, now=now
    )
    return result.round, result.proposals


def allocation_round(
    session,
    *,
    reserved: Iterable,
    seed: int,
    actor: str,
    today: date,
    now: datetime | None = None,
) -> RoundResult:
    """:func:`run_round`, also saying why each family without a place got none."""
    now = now or utcnow()
    pack = current_rule_pack(session)
    rules = allocation.RulePack.from_rules(pack.rules, version=pack.version)
    data = round_input(session, reserved=reserved, today=today)
    families = together.families(session)
    outcome = company_places.allocate(
        data.applicants, data.pools, data.company_claims, rules, seed, families=families
    )
    round_ = AllocationRound(rule_pack_id=pack.id, seed=seed, run_by=actor, run_at=now)
    session.add(round_)
    session.flush()
    proposals = propose_matches(session, data, outcome, pack, round_id=round_.id, now=now)
    round_.summary = {
        "open_requests": len(data.applicants),
        "proposals": len(proposals),
        "rule_pack_version": pack.version,
    }
    session.add(round_)
    session.flush()
    not_placed = {}
    for applicant in data.applicants:
        request = session.get(ChildcareRequest, applicant.id)
        if applicant.id in outcome.matches:
            request.round_explanation = None
            session.add(request)
            continue
        own_ranks = {str(location): rank for location, rank in data.ranks[applicant.id].items()}
        notes = [
            {**note, "rank": own_ranks.get(note["location_id"], note["rank"])}
            for note in outcome.explanations[applicant.id]["higher_choices"]
        ]
        not_placed[applicant.id] = [
            (note["rank"], uuid.UUID(note["location_id"]), note["reason"]) for note in notes
        ]
        # Kept on the request so the family reads why on its page, not only in a mail.
        request.round_explanation = {
            "round_id": str(round_.id),
            "run_at": as_utc(now).isoformat(),
            "rule_pack_version": pack.version,
            "choices": notes,
        }
        session.add(request)
    session.flush()
    return RoundResult(round=round_, proposals=proposals, not_placed=not_placed)


@dataclass(frozen=True)
class OfferDetails:
    """What a family needs to decide on an offered place (the page and the mail show it)."""

    location: Location
    address: str
    start: date | None
    days: list[str]
    tariff: str
    contact_phone: str
    contact_email: str
    map_url: str


def offer_details(session, request: ChildcareRequest, proposal: Proposal) -> OfferDetails:
    """The offered place: where, from when (the wanted start, or later when the place frees
    up), which days, the price type and whom to contact."""
    location = session.get(Location, proposal.location_id)
    free_place = session.get(FreePlace, proposal.free_place_id)
    starts = [d for d in (request.desired_start, free_place and free_place.available_from) if d]
    address = ", ".join(
        part
        for part in (location.address, f"{location.postcode} {location.municipality}".strip())
        if part
    )
    return OfferDetails(
        location=location,
        address=address,
        start=max(starts) if starts else None,
        days=list(request.days),
        tariff=location.tariff,
        contact_phone=location.contact_phone,
        contact_email=location.contact_email,
        map_url=map_link(address) if address else "",
    )


def map_link(address: str) -> str:
    """A link to the address on OpenStreetMap (no tracking, no key)."""
    return f"https://www.openstreetmap.org/search?query={quote(address)}"


def propose_matches(
    session,
    data: RoundInput,
    outcome: allocation.Outcome,
    pack: RulePack,
    *,
    round_id: uuid.UUID | None,
    now: datetime,
    note: Mapping | None = None,
) -> list[Proposal]:
    """Turn each match into a proposal to the provider, with its explanation (plus ``note``)."""
    from plugins.loket.tenant_settings import provider_answer_days

    pending = _pending_per_free_place(session)
    # The provider answers within the tenant's number of days, or the proposal expires.
    provider_deadline = now + timedelta(days=provider_answer_days(session))
    proposals = []
    wanted = {applicant.id: applicant.desired_start for applicant in data.applicants}
    applicants = {applicant.id: applicant for applicant in data.applicants}
    pools = {pool.key: pool for pool in data.pools}
    # The child who wants to start first gets the place that is free first.
    for request_id, key in sorted(
        outcome.matches.items(), key=lambda match: (wanted.get(match[0]) or date.min, match[0])
    ):
        free_place = _free_place_with_room(data.free_places[key], pending, wanted.get(request_id))
        pending[free_place.id] = pending.get(free_place.id, 0) + 1
        explanation = _with_own_ranks(
            outcome.explanations[request_id], data.ranks[request_id], key[0]
        )
        if request_id in data.area_requests:
            explanation.update(area=data.area_requests[request_id], area_order=areas.AREA_ORDER)
        unlisted = allocation.needs_to_confirm(applicants[request_id], pools[key])
        if unlisted:
            # Offered all the same; the provider says whether it can support these needs.
            explanation.update(care_needs_to_confirm=sorted(unlisted))
        explanation.update(note or {})
        proposal = Proposal(
            round_id=round_id,
            rule_pack_id=pack.id,
            request_id=request_id,
            location_id=key[0],
            free_place_id=free_place.id,
            preference_rank=explanation["rank"],
            explanation=explanation,
            created_at=now,
            deadline=provider_deadline,
        )
        session.add(proposal)
        proposals.append(proposal)
        _set_preference_status(session, request_id, key[0], PreferenceStatus.PROPOSED)
        request = session.get(ChildcareRequest, request_id)
        request.status = RequestStatus.PROPOSED
        request.round_explanation = None
        session.add(request)
    session.flush()
    return proposals


def _with_own_ranks(explanation: dict, ranks: Mapping[uuid.UUID, int], placed_at) -> dict:
    """The allocation counts only the preferences still waiting; show the family's own ranks."""
    by_location = {str(location): rank for location, rank in ranks.items()}
    notes = [
        {**note, "rank": by_location.get(note["location_id"], note["rank"])}
        for note in explanation["higher_choices"]
    ]
    return {**explanation, "rank": ranks[placed_at], "higher_choices": notes}


def _free_place_with_room(
    rows: list[FreePlace], pending: Mapping[uuid.UUID, int], desired_start: date | None = None
) -> FreePlace:
    """The free place for a matched child: the latest one already free on the wanted start,
    else the earliest one (``rows`` are sorted by the day they are free)."""
    with_room = [
        row for row in rows if row.taken + row.held_back + pending.get(row.id, 0) < row.places
    ]
    in_time = [
        row for row in with_room if desired_start is None or row.available_from <= desired_start
    ]
    if in_time:
        return in_time[-1]
    if with_room:
        return with_room[0]
    # The pool counted these rows' room; reaching this means the pool and rows disagree.
    raise PlaceUnavailable("no free place row left for a match")


@dataclass(frozen=True)
class SimulationResult:
    placed: int
    vulnerable_placed: int
    applicants: int


def simulate(
    data: RoundInput, rules: allocation.RulePack, seed: int, *, extra_places: dict | None = None
) -> SimulationResult:
    """Run the allocation on a copy — with extra places at some locations — and save nothing."""
    pools = data.pools
    for location_id, extra in (extra_places or {}).items():
        pools = allocation.with_extra_places(pools, location_id, extra)
    claimed, _explanations, pools = company_places.match_claims(
        data.applicants, pools, data.company_claims, rules
    )
    others = [a for a in data.applicants if a.id not in claimed]
    outcome = allocation.allocate(others, pools, rules, seed)
    matched = set(outcome.matches) | set(claimed)
    vulnerable = {a.id for a in data.applicants if set(a.situation) & set(rules.vulnerable_flags)}
    return SimulationResult(
        placed=len(matched),
        vulnerable_placed=len(vulnerable & matched),
        applicants=len(data.applicants),
    )


def _set_preference_status(session, request_id, location_id, status: str) -> None:
    preference = session.exec(
        select(Preference).where(
            Preference.request_id == request_id, Preference.location_id == location_id
        )
    ).first()
    if preference is not None:
        preference.status = status
        session.add(preference)


# -- proposals ---------------------------------------------------------------------------------


def _require(proposal: Proposal, status: str) -> None:
    if proposal.status != status:
        raise InvalidTransition(f"proposal is {proposal.status}, not {status}")


def confirm_proposal(session, proposal: Proposal, *, now: datetime | None = None) -> None:
    """The provider confirms; the parent then has ``PARENT_ANSWER_DAYS`` to accept."""
    now = now or utcnow()
    _require(proposal, ProposalStatus.AWAITING_PROVIDER)
    proposal.status = ProposalStatus.AWAITING_PARENT
    proposal.provider_decided_at = now
    proposal.deadline = now + timedelta(days=PARENT_ANSWER_DAYS)
    session.add(proposal)


def reject_proposal(session, proposal: Proposal, *, reason: str, now=None) -> bool:
    """The provider refuses (with a reason code); the family goes back to the next round.

    Returns whether the place is still free for another family: when the provider says it is
    no longer free, it is taken off the announced places so no round offers it again.
    """
    _require(proposal, ProposalStatus.AWAITING_PROVIDER)
    proposal.status = ProposalStatus.REJECTED
    proposal.rejection_reason = reason
    proposal.provider_decided_at = now or utcnow()
    session.add(proposal)
    _reopen(session, proposal, PreferenceStatus.REFUSED)
    if reason != "no_longer_free":
        return True
    session.flush()
    session.exec(
        sa.update(FreePlace)
        .where(
            FreePlace.id == proposal.free_place_id,
            FreePlace.taken + FreePlace.held_back < FreePlace.places,
        )
        .values(places=FreePlace.places - 1)
        .execution_options(synchronize_session=False)
    )
    return False


def withdraw_request(session, request: ChildcareRequest) -> list[uuid.UUID]:
    """The family no longer needs a place: the request and its open proposals are withdrawn.

    Returns the locations whose proposed place is free again. A placed child keeps its place.
    """
    if request.status in (RequestStatus.PLACED, RequestStatus.WITHDRAWN):
        raise InvalidTransition(f"a {request.status} request cannot be withdrawn")
    freed = []
    for proposal in session.exec(
        select(Proposal).where(
            Proposal.request_id == request.id, Proposal.status.in_(ProposalStatus.OPEN)
        )
    ):
        proposal.status = ProposalStatus.WITHDRAWN
        session.add(proposal)
        freed.append(proposal.location_id)
    for preference in preferences_of(session, request.id):
        if preference.status in (PreferenceStatus.WAITING, PreferenceStatus.PROPOSED):
            preference.status = PreferenceStatus.WITHDRAWN
            session.add(preference)
    request.status = RequestStatus.WITHDRAWN
    session.add(request)
    session.flush()
    return freed


def decline_proposal(session, proposal: Proposal, *, now=None, expired: bool = False) -> None:
    """The parent declines (or lets the deadline pass); the place moves on to the next round."""
    _require(proposal, ProposalStatus.AWAITING_PARENT)
    proposal.status = ProposalStatus.EXPIRED if expired else ProposalStatus.DECLINED
    proposal.parent_decided_at = now or utcnow()
    session.add(proposal)
    _reopen(session, proposal, PreferenceStatus.DECLINED)


def _reopen(session, proposal: Proposal, preference_status: str) -> None:
    _set_preference_status(session, proposal.request_id, proposal.location_id, preference_status)
    request = session.get(ChildcareRequest, proposal.request_id)
    if request is not None and request.status == RequestStatus.PROPOSED:
        request.status = RequestStatus.OPEN
        session.add(request)


def take_place(session, free_place_id: uuid.UUID, *, emergency: bool = False) -> None:
    """Take one place with a conditional UPDATE: the database decides who gets the last one.

    Two families accepting at once both run this UPDATE; the row lock makes the second wait,
    and it then re-checks the condition against the committed count and matches no row.
    """
    if emergency:
        condition = FreePlace.emergency_taken < FreePlace.held_back
        values = {"emergency_taken": FreePlace.emergency_taken + 1}
    else:
        condition = FreePlace.taken + FreePlace.held_back < FreePlace.places
        values = {"taken": FreePlace.taken + 1}
    result = session.exec(
        sa.update(FreePlace)
        .where(FreePlace.id == free_place_id, condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PlaceUnavailable(str(free_place_id))


def accept_proposal(session, proposal: Proposal, *, now: datetime | None = None) -> Placement:
    """The parent accepts before the deadline: the place is taken, the request is placed.

    The same click twice is the same answer: the proposal row is locked first, and a proposal
    this parent already accepted returns its placement instead of an error."""
    now = now or utcnow()
    proposal = lock_row(session, Proposal, proposal.id) or proposal
    if proposal.status == ProposalStatus.ACCEPTED:
        placed = session.exec(select(Placement).where(Placement.proposal_id == proposal.id)).first()
        if placed is not None:
            return placed
    _require(proposal, ProposalStatus.AWAITING_PARENT)
    if proposal.deadline is not None and as_utc(proposal.deadline) < now:
        raise InvalidTransition("deadline passed")
    take_place(session, proposal.free_place_id)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.parent_decided_at = now
    session.add(proposal)
    placement = Placement(
        request_id=proposal.request_id,
        location_id=proposal.location_id,
        free_place_id=proposal.free_place_id,
        proposal_id=proposal.id,
        placed_at=now,
    )
    _mark_placed(session, proposal.request_id, proposal.location_id, placement, now)
    return placement


class EmergencyRefused(Exception):
    """The child cannot go to this emergency place; ``code`` says why (``words`` words it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def emergency_refusal(
    request: ChildcareRequest, location: Location, free_place: FreePlace, *, today: date
) -> str | None:
    """Why the child cannot take this emergency place, or ``None``.

    The child's age on the first day of the place must fit the location's type (no unborn baby
    anywhere, no toddler in out-of-school care, no school child in baby care) and the place's
    age group, which counts against the location's licensed places."""
    birth = request.birth_date or request.expected_birth_date
    if birth is None:
        return "emergency_birth_unknown"
    start = max(today, free_place.available_from)
    if request.birth_date is None or birth > start:
        return "emergency_not_born"
    months = allocation.months_between(birth, start)
    if not areas.age_fits(months, location.kind):
        if location.kind == "buitenschoolse_opvang":
            return "emergency_too_young"
        return "emergency_too_old"
    if allocation.age_group_for(birth, start, location.kind) != free_place.age_group:
        return "emergency_other_age_group"
    return None


def emergency_placement(
    session, request: ChildcareRequest, free_place: FreePlace, *, now: datetime | None = None
) -> Placement:
    """Place a child at once in a held-back emergency place (the caller writes the audit entry).

    Raises :class:`EmergencyRefused` when the child's age does not fit the place."""
    now = now or utcnow()
    if request.status == RequestStatus.PLACED:
        raise InvalidTransition("already placed")
    location = session.get(Location, free_place.location_id)
    refusal = emergency_refusal(request, location, free_place, today=now.date())
    if refusal is not None:
        raise EmergencyRefused(refusal)
    take_place(session, free_place.id, emergency=True)
    placement = Placement(
        request_id=request.id,
        location_id=free_place.location_id,
        free_place_id=free_place.id,
        emergency=True,
        placed_at=now,
    )
    _mark_placed(session, request.id, free_place.location_id, placement, now)
    return placement


def _mark_placed(session, request_id, location_id, placement: Placement, now: datetime) -> None:
    session.add(placement)
    request = session.get(ChildcareRequest, request_id)
    request.status = RequestStatus.PLACED
    request.placed_at = now
    session.add(request)
    _set_preference_status(session, request_id, location_id, PreferenceStatus.PLACED)
    # Other open proposals for this child lapse: a child needs one place.
    for other in session.exec(
        select(Proposal).where(
            Proposal.request_id == request_id,
            Proposal.status.in_(ProposalStatus.OPEN),
            Proposal.id != placement.proposal_id,
        )
    ):
        other.status = ProposalStatus.LAPSED
        session.add(other)
    session.flush()


def expire_proposals(session, *, now: datetime | None = None) -> list[Proposal]:
    """Proposals past their deadline expire so the place moves on.

    A parent who did not answer declined the place. A provider who did not answer refused
    nobody: the family keeps that choice waiting for the next round (``provider_decided_at``
    stays empty, which is how the caller tells the two apart)."""
    now = now or utcnow()
    expired = []
    for proposal in session.exec(select(Proposal).where(Proposal.status.in_(ProposalStatus.OPEN))):
        if proposal.deadline is None or as_utc(proposal.deadline) >= now:
            continue
        if proposal.status == ProposalStatus.AWAITING_PARENT:
            decline_proposal(session, proposal, now=now, expired=True)
        else:
            proposal.status = ProposalStatus.EXPIRED
            session.add(proposal)
            _reopen(session, proposal, PreferenceStatus.WAITING)
        expired.append(proposal)
    return expired
