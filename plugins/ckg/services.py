"""Referral rules and the referral workflow — plain Python, no Flask, no database session.

A *CKG* (Centrum voor Kinderzorg en Gezinsondersteuning) helps expectant parents and parents of
children up to and including 12 years old. The rules below follow its mandate: short stays (up
to six weeks) are directly accessible, long stays only through the indirect route (a mandated
service or the intersectoral access gate), and during a long stay two thirds of the
*Groeipakket* (the Flemish child benefit) is withheld — parents must be told before they agree.

Messages are lazy gettext strings so the views show them in the reader's language.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from core.local_time import local_date
from plugins.ckg.models import (
    NAME_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    Antenna,
    OfferEpisode,
    Referral,
    StatusChange,
)

MANDATE_MAX_AGE = 12  # "kinderen van 0 tot en met 12 jaar"
MAX_PARENTS = 2
MAX_CHILDREN = 4
SHORT_STAY_MAX = timedelta(
    weeks=6
)  # "Kortdurend verblijf (tot 6 weken): rechtstreeks toegankelijk"


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECEIVED = "received"
    INTAKE_PLANNED = "intake_planned"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REDIRECTED = "redirected"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class Offer(StrEnum):
    HOME = "home"
    DAY = "day"
    SHORT_STAY = "short_stay"
    LONG_STAY = "long_stay"
    TRAINING = "training"


class Urgency(StrEnum):
    CRISIS = "crisis"
    SOON = "soon"
    REGULAR = "regular"


class Consent(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    OVERRIDDEN = "overridden"


class OverrideReason(StrEnum):
    CRISIS = "crisis"
    MANDATE = "mandate"


DOMAINS = ("parenting", "finances", "housing", "health", "parent_mental_health", "stress")
OUTCOMES = ("goals_reached", "partly_reached", "stopped_by_family", "referred_onwards", "other")
URGENCY_ORDER = {Urgency.CRISIS: 0, Urgency.SOON: 1, Urgency.REGULAR: 2}

# Which offer uses which capacity column of an antenna; training has no places to fill.
CAPACITY_COLUMNS: dict[Offer, tuple[str, str]] = {
    Offer.HOME: ("home_guidance_slots", "home_guidance_occupied"),
    Offer.DAY: ("day_guidance_places", "day_guidance_occupied"),
    Offer.SHORT_STAY: ("short_stay_beds", "short_stay_occupied"),
    Offer.LONG_STAY: ("long_stay_beds", "long_stay_occupied"),
}

S = ReferralStatus
ALLOWED_TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.INTAKE_PLANNED}),
    S.INTAKE_PLANNED: frozenset({S.ACCEPTED, S.WAITLISTED, S.REDIRECTED}),
    S.WAITLISTED: frozenset({S.ACCEPTED, S.REDIRECTED}),
    # An accepted case may close directly (the family stops before the guidance starts).
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.REDIRECTED: frozenset({S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
# The crisis fast path: a crisis is taken in at once, without an intake appointment first.
CRISIS_TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.RECEIVED: frozenset({S.ACCEPTED}),
}
# States in which the CKG still has to act; the queue shows these.
OPEN_STATES = frozenset({S.SUBMITTED, S.RECEIVED, S.INTAKE_PLANNED, S.WAITLISTED})


class RuleError(ValueError):
    """A referral or a step breaks a rule; ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors


# ---------------------------------------------------------------------------------------------
# Submitting a referral
# ---------------------------------------------------------------------------------------------


@dataclass
class ParentInput:
    name: str = ""
    relation: str = ""


@dataclass
class ChildInput:
    name: str = ""
    birth_date: date | None = None
    expected_birth: date | None = None


@dataclass
class ReferralInput:
    """What a referrer submitted, already parsed from the form (dates as dates)."""

    organisation_id: uuid.UUID | None = None
    parents: list[ParentInput] = field(default_factory=list)
    children: list[ChildInput] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    concern_summary: str = ""
    requested_offer: str = ""
    urgency: str = ""
    route: str = "direct"
    access_gate_reference: str = ""
    groeipakket_notice_given: bool = False
    consent: str = ""
    consent_override_reason: str = ""
    consent_explanation: str = ""
    family_email: str = ""
    # How to reach the family and the referrer.
    family_phone: str = ""
    family_address: str = ""
    family_language: str = ""
    interpreter_needed: bool = False
    referrer_name: str = ""
    referrer_organisation_name: str = ""
    referrer_phone: str = ""
    # A parent referring their own family: they are the ones who consent (no override).
    self_referral: bool = False


# A phone number as people type it: digits, spaces and + ( ) / . - — with 8 to 15 digits.
PHONE_PATTERN = re.compile(r"\+?[0-9 ()/.\-]+")
PHONE_DIGITS = (8, 15)


def is_phone_number(value: str) -> bool:
    digits = sum(character.isdigit() for character in value)
    return bool(PHONE_PATTERN.fullmatch(value)) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day``."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def check_referral(data: ReferralInput, *, today: date, allowed_ckgs: set[uuid.UUID]) -> None:
    """Raise :class:`RuleError` with one message per broken rule; return when it may be submitted."""
    errors: dict[str, str] = {}
    if data.organisation_id not in allowed_ckgs:
        errors["organisation"] = _l("Choose the CKG you refer the family to.")
    _check_family(data, today, errors)
    if not data.domains:
        errors["domains"] = _l("Tick at least one domain of concern.")
    elif set(data.domains) - set(DOMAINS):
        errors["domains"] = _l("Choose domains of concern from the list.")
    if len(data.concern_summary) > SUMMARY_MAX:
        errors["concern_summary"] = _l(
            "Keep the description under %(max)d characters.", max=SUMMARY_MAX
        )
    if data.requested_offer not in set(Offer):
        errors["requested_offer"] = _l("Choose what is asked of the CKG.")
    if data.urgency not in set(Urgency):
        errors["urgency"] = _l("Choose how urgent the help is.")
    if data.route not in ("direct", "indirect"):
        errors["route"] = _l("Choose the route of the referral.")
    if data.requested_offer == Offer.LONG_STAY:
        _check_long_stay(data, errors)
    if len(data.access_gate_reference) > NAME_MAX:
        errors["access_gate_reference"] = _l(
            "Keep the reference under %(max)d characters.", max=NAME_MAX
        )
    _check_consent(data, errors)
    if data.family_email and ("@" not in data.family_email or len(data.family_email) > 320):
        errors["family_email"] = _l("Enter the parent's e-mail address, e.g. naam@voorbeeld.be.")
    _check_contact(data, errors)
    if errors:
        raise RuleError(errors)


def _check_contact(data: ReferralInput, errors: dict[str, str]) -> None:
    for field_id, value in (
        ("family_phone", data.family_phone),
        ("referrer_phone", data.referrer_phone),
    ):
        if value and not is_phone_number(value):
            errors[field_id] = _l("Enter a phone number of 8 to 15 digits, e.g. 011 12 34 56.")
    if data.urgency == Urgency.CRISIS and not data.self_referral and not data.referrer_phone:
        # The on-call worker calls back at once, day or night.
        errors.setdefault(
            "referrer_phone",
            _l(
                "A crisis referral needs your phone number: the CKG's on-call worker calls you back."
            ),
        )
    if data.self_referral and data.urgency == Urgency.CRISIS and not data.family_phone:
        errors.setdefault(
            "family_phone",
            _l("Give a phone number: in a crisis the CKG's on-call worker calls you back."),
        )


def _check_family(data: ReferralInput, today: date, errors: dict[str, str]) -> None:
    if not any(parent.name for parent in data.parents):
        errors["parent-1-name"] = _l("Enter at least one parent or guardian.")
    for number, parent in enumerate(data.parents, start=1):
        if len(parent.name) > NAME_MAX:
            errors[f"parent-{number}-name"] = _l(
                "Keep the name under %(max)d characters.", max=NAME_MAX
            )
    children = [
        child for child in data.children if child.name or child.birth_date or child.expected_birth
    ]
    if not children:
        errors["child-1-name"] = _l(
            "Enter at least one child, with a birth date or an expected birth date."
        )
    for number, child in enumerate(data.children, start=1):
        if not (child.name or child.birth_date or child.expected_birth):
            continue
        key = f"child-{number}"
        if len(child.name) > NAME_MAX:
            errors[f"{key}-name"] = _l("Keep the name under %(max)d characters.", max=NAME_MAX)
        elif child.birth_date is None and child.expected_birth is None:
            errors[f"{key}-birth_date"] = _l(
                "Child %(number)d: enter a birth date, or an expected birth date for an unborn child.",
                number=number,
            )
        elif child.birth_date is not None and child.birth_date > today:
            errors[f"{key}-birth_date"] = _l(
                "Child %(number)d: a birth date cannot lie in the future; "
                "use the expected birth date for an unborn child.",
                number=number,
            )
        elif child.birth_date is not None and age_on(child.birth_date, today) > MANDATE_MAX_AGE:
            errors[f"{key}-birth_date"] = _l(
                "Child %(number)d is older than 12: that is outside the CKG's mandate. "
                "Look for other help, e.g. the CAW, the CLB or the Jongerenadviescentrum (JAC).",
                number=number,
            )
        elif child.expected_birth is not None and child.expected_birth < today:
            errors[f"{key}-expected_birth"] = _l(
                "Child %(number)d: the expected birth date has passed; enter the birth date.",
                number=number,
            )


def _check_long_stay(data: ReferralInput, errors: dict[str, str]) -> None:
    if data.route != "indirect" or not data.access_gate_reference.strip():
        errors["access_gate_reference"] = _l(
            "A long stay is not directly accessible: it needs the indirect route. "
            "Enter the reference of the mandated service or the access gate (intersectorale "
            "toegangspoort), or ask for a short stay (up to six weeks)."
        )
    if not data.groeipakket_notice_given:
        errors["groeipakket_notice_given"] = _l(
            "Confirm that the parents know that two thirds of the Groeipakket is withheld "
            "during a long stay."
        )


def _check_consent(data: ReferralInput, errors: dict[str, str]) -> None:
    if data.consent == Consent.GIVEN:
        return
    if data.consent == Consent.REFUSED:
        errors["consent"] = _l(
            "The parents refused: a referral without their consent can only be submitted with "
            "a recorded override (crisis or mandate)."
        )
        return
    if data.consent != Consent.OVERRIDDEN:
        errors["consent"] = _l("Record whether the parents consented to this referral.")
        return
    if data.consent_override_reason not in set(OverrideReason):
        errors["consent_override_reason"] = _l(
            "Choose why consent is overridden: crisis or mandate."
        )
    elif data.consent_override_reason == OverrideReason.CRISIS and data.urgency != Urgency.CRISIS:
        errors["consent_override_reason"] = _l(
            "Consent can only be overridden for a crisis when the urgency is crisis."
        )
    elif data.consent_override_reason == OverrideReason.MANDATE and data.route != "indirect":
        errors["consent_override_reason"] = _l(
            "Consent can only be overridden on a mandate through the indirect route, with its "
            "reference."
        )
    if not data.consent_explanation.strip():
        errors["consent_explanation"] = _l("Explain why the referral goes ahead without consent.")
    elif len(data.consent_explanation) > REASON_MAX:
        errors["consent_explanation"] = _l(
            "Keep the explanation under %(max)d characters.", max=REASON_MAX
        )


# ---------------------------------------------------------------------------------------------
# The workflow
# ---------------------------------------------------------------------------------------------


@dataclass
class StepDetails:
    """What a step needs besides the target state (only some steps use each field)."""

    reason: str = ""
    intake_on: date | None = None
    offer: str = ""
    antenna: Antenna | None = None
    starts_on: date | None = None
    planned_end: date | None = None
    redirected_to: str = ""
    outcome: str = ""


def allowed_targets(current: str, urgency: str = "") -> frozenset[ReferralStatus]:
    """The states a referral in ``current`` may move to; a crisis has its fast path too."""
    try:
        status = ReferralStatus(current)
    except ValueError:
        return frozenset()
    targets = ALLOWED_TRANSITIONS.get(status, frozenset())
    if urgency == Urgency.CRISIS:
        targets = targets | CRISIS_TRANSITIONS.get(status, frozenset())
    return targets


def may_move(current: str, target: str, urgency: str = "") -> bool:
    try:
        return ReferralStatus(target) in allowed_targets(current, urgency)
    except ValueError:
        return False


def next_states(current: str, urgency: str = "") -> list[ReferralStatus]:
    order = list(ReferralStatus)
    return sorted(allowed_targets(current, urgency), key=order.index)


def move(
    referral: Referral,
    target: str,
    *,
    actor: str,
    now: datetime,
    details: StepDetails | None = None,
    organisation_antennas: set[uuid.UUID] | None = None,
) -> StatusChange:
    """Move ``referral`` to ``target`` or raise :class:`RuleError`; returns the history row.

    The caller adds the returned row to the session. ``organisation_antennas`` are the ids of the
    antennas of the referral's CKG (an acceptance must name one of them).
    """
    details = details or StepDetails()
    if not may_move(referral.status, target, referral.urgency):
        raise RuleError(
            {
                "status": _l(
                    "A referral that is %(current)s cannot become %(target)s.",
                    current=status_label(referral.status),
                    target=status_label(target),
                )
            }
        )
    target = ReferralStatus(target)
    reason = details.reason.strip()
    if len(reason) > REASON_MAX:
        raise RuleError({"reason": _l("Keep the reason under %(max)d characters.", max=REASON_MAX)})
    _STEP_CHECKS.get(target, _no_check)(referral, details, organisation_antennas or set())
    change = StatusChange(
        referral_id=referral.id,
        from_status=referral.status,
        to_status=target,
        at=now,
        actor=actor,
        reason=reason,
    )
    referral.status = target
    if target == S.SUBMITTED:
        referral.submitted_at = now
    elif target == S.INTAKE_PLANNED:
        referral.intake_on = details.intake_on
    elif target == S.ACCEPTED:
        referral.accepted_offer = details.offer
        referral.antenna_id = details.antenna.id
        referral.starts_on = details.starts_on
        referral.stay_planned_end = (
            details.planned_end if details.offer == Offer.SHORT_STAY else None
        )
        occupy_place(details.antenna, Offer(details.offer))
    elif target == S.REDIRECTED:
        referral.redirected_to = details.redirected_to.strip()
    elif target == S.CLOSED:
        referral.outcome = details.outcome
        referral.closed_at = now
        # The place taken at acceptance comes free for the next family.
        if details.antenna is not None and details.antenna.id == referral.antenna_id:
            release_place(details.antenna, Offer(referral.accepted_offer))
    return change


def _no_check(referral: Referral, details: StepDetails, antennas: set[uuid.UUID]) -> None:
    return None


def _check_intake(referral: Referral, details: StepDetails, antennas: set[uuid.UUID]) -> None:
    if details.intake_on is None:
        raise RuleError({"intake_on": _l("Enter the date of the intake.")})


def _check_accept(referral: Referral, details: StepDetails, antennas: set[uuid.UUID]) -> None:
    check_offer(referral, details, antennas)


def check_offer(referral: Referral, details: StepDetails, antennas: set[uuid.UUID]) -> None:
    """The rules for an offer the CKG starts (at acceptance, or added to an accepted case)."""
    errors: dict[str, str] = {}
    if details.offer not in set(Offer):
        errors["offer"] = _l("Choose the offer the family is accepted for.")
    elif details.offer == Offer.LONG_STAY and referral.route != "indirect":
        errors["offer"] = _l(
            "A long stay needs the indirect route; this referral came directly. "
            "Offer a short stay or ask for the access gate's reference."
        )
    elif details.offer == Offer.LONG_STAY and not referral.groeipakket_notice_given:
        errors["offer"] = _l(
            "A long stay needs the Groeipakket notice: record that the parents know two thirds "
            "of the Groeipakket is withheld during a long stay (correct the referral's data)."
        )
    if details.antenna is None or details.antenna.id not in antennas:
        errors["antenna"] = _l("Choose the antenna where the help takes place.")
    elif details.offer in set(Offer) and free_places(details.antenna, Offer(details.offer)) == 0:
        errors["antenna"] = _l(
            "This antenna has no free place for that offer: choose another antenna or put the "
            "referral on the waiting list."
        )
    if details.starts_on is None:
        errors["starts_on"] = _l("Enter the start date.")
    elif details.offer == Offer.SHORT_STAY:
        _check_short_stay(details, errors)
    if errors:
        raise RuleError(errors)


def short_stay_limit(starts_on: date) -> date:
    """The last day a short stay may run: six weeks after it starts."""
    return starts_on + SHORT_STAY_MAX


def _check_short_stay(details: StepDetails, errors: dict[str, str]) -> None:
    if details.planned_end is None:
        errors["planned_end"] = _l("Enter the planned end of the short stay.")
    elif details.planned_end < details.starts_on:
        errors["planned_end"] = _l("The planned end cannot lie before the start date.")
    elif details.planned_end > short_stay_limit(details.starts_on):
        errors["planned_end"] = _l(
            "A short stay is directly accessible for at most six weeks: plan its end on "
            "%(date)s at the latest. A longer stay is a long stay, reached only through the "
            "indirect route (a mandated service or the access gate), with the Groeipakket "
            "notice given to the parents.",
            date=local_date(short_stay_limit(details.starts_on)),
        )


def _check_reason(referral: Referral, details: StepDetails, antennas: set[uuid.UUID]) -> None:
    if not details.reason.strip():
        raise RuleError({"reason": _l("Give the reason for this step.")})


def _check_redirect(referral: Referral, details: StepDetails, antennas: set[uuid.UUID]) -> None:
    errors: dict[str, str] = {}
    if not details.redirected_to.strip():
        errors["redirected_to"] = _l("Name the service the family is redirected to.")
    elif len(details.redirected_to) > NAME_MAX:
        errors["redirected_to"] = _l("Keep the name under %(max)d characters.", max=NAME_MAX)
    if not details.reason.strip():
        errors["reason"] = _l("Explain why the family is redirected.")
    if errors:
        raise RuleError(errors)


def _check_close(referral: Referral, details: StepDetails, antennas: set[uuid.UUID]) -> None:
    if details.outcome not in OUTCOMES:
        raise RuleError({"outcome": _l("Choose the outcome of the help.")})


_STEP_CHECKS = {
    S.INTAKE_PLANNED: _check_intake,
    S.ACCEPTED: _check_accept,
    S.WAITLISTED: _check_reason,
    S.REDIRECTED: _check_redirect,
    S.CLOSED: _check_close,
}


# ---------------------------------------------------------------------------------------------
# The CKG corrects the referral's data
# ---------------------------------------------------------------------------------------------

# What the CKG may correct after talking with the family or the referrer.
EDITABLE_FIELDS = (
    "concern_summary",
    "domains",
    "family_phone",
    "family_address",
    "family_language",
    "interpreter_needed",
    "groeipakket_notice_given",
    "referrer_name",
    "referrer_organisation_name",
    "referrer_phone",
)


def edit_referral(referral: Referral, values: dict) -> dict[str, dict]:
    """Apply the CKG's corrections; returns ``{field: {"before": …, "after": …}}`` for each field
    that changed (the audit keeps the referrer's original). Raises :class:`RuleError`."""
    if referral.anonymised_at is not None:
        raise RuleError({"concern_summary": _l("An anonymised referral cannot be changed.")})
    errors: dict[str, str] = {}
    domains = list(values.get("domains") or [])
    if not domains:
        errors["domains"] = _l("Tick at least one domain of concern.")
    elif set(domains) - set(DOMAINS):
        errors["domains"] = _l("Choose domains of concern from the list.")
    for field_id in ("family_phone", "referrer_phone"):
        if values.get(field_id) and not is_phone_number(values[field_id]):
            errors[field_id] = _l("Enter a phone number of 8 to 15 digits, e.g. 011 12 34 56.")
    if errors:
        raise RuleError(errors)
    changes: dict[str, dict] = {}
    for name in EDITABLE_FIELDS:
        after = domains if name == "domains" else values.get(name)
        if name in ("interpreter_needed", "groeipakket_notice_given"):
            after = bool(after)
        elif name != "domains":
            after = (after or "").strip()
        before = getattr(referral, name)
        if after != before:
            changes[name] = {"before": before, "after": after}
            setattr(referral, name, after)
    return changes


# ---------------------------------------------------------------------------------------------
# Offers as episodes
# ---------------------------------------------------------------------------------------------

# A case holds offers only while the CKG helps the family.
CARE_STATES = frozenset({S.ACCEPTED, S.IN_PROGRESS})


def first_episode(referral: Referral) -> OfferEpisode:
    """The offer a case was accepted for (its place was taken by :func:`move`)."""
    return OfferEpisode(
        referral_id=referral.id,
        offer=referral.accepted_offer,
        antenna_id=referral.antenna_id,
        starts_on=referral.starts_on,
        planned_end=referral.stay_planned_end,
    )


def add_offer(referral: Referral, details: StepDetails, antennas: set[uuid.UUID]) -> OfferEpisode:
    """One more offer for an accepted case (e.g. day guidance beside home guidance); takes its
    place at the antenna. Raises :class:`RuleError`."""
    if referral.status not in CARE_STATES:
        raise RuleError(
            {"offer": _l("Offers are added to a case once it is accepted, until it closes.")}
        )
    check_offer(referral, details, antennas)
    occupy_place(details.antenna, Offer(details.offer))
    return OfferEpisode(
        referral_id=referral.id,
        offer=details.offer,
        antenna_id=details.antenna.id,
        starts_on=details.starts_on,
        planned_end=details.planned_end if details.offer == Offer.SHORT_STAY else None,
    )


def episode_state(episode: OfferEpisode, today: date) -> str:
    """``planned`` (starts after ``today``), ``running`` or ``ended``: how the family and the
    referrer read an offer; ``today`` is the day in Belgium."""
    if episode.ended_on is not None and episode.ended_on <= today:
        return "ended"
    if episode.starts_on > today:
        return "planned"
    return "running"


def end_episode(episode: OfferEpisode, ended_on: date | None, antenna: Antenna | None) -> None:
    """End one offer on ``ended_on``; its place at ``antenna`` comes free. Raises :class:`RuleError`."""
    if episode.ended_on is not None:
        raise RuleError({"ended_on": _l("This offer has already ended.")})
    if ended_on is None:
        raise RuleError({"ended_on": _l("Enter the date the offer ended.")})
    if ended_on < episode.starts_on:
        raise RuleError({"ended_on": _l("An offer cannot end before it starts.")})
    episode.ended_on = ended_on
    if antenna is not None and antenna.id == episode.antenna_id:
        release_place(antenna, Offer(episode.offer))


def end_open_episodes(
    episodes: list[OfferEpisode], antennas: dict[uuid.UUID, Antenna], today: date
) -> list[OfferEpisode]:
    """Closing a case ends every offer still running (on ``today``, or its start if later)."""
    ended = []
    for episode in episodes:
        if episode.ended_on is None:
            end_episode(episode, max(today, episode.starts_on), antennas.get(episode.antenna_id))
            ended.append(episode)
    return ended


# The one answer for a transfer target that is not there, whatever the reason.
UNKNOWN_TARGET = _l(
    "Choose an antenna of this CKG or of another CKG that serves this municipality."
)


def transfer(
    referral: Referral,
    episodes: list[OfferEpisode],
    target: Antenna | None,
    antennas: dict[uuid.UUID, Antenna],
) -> None:
    """Move a case and its running offers to another antenna — of the same CKG, or of another
    CKG that serves the municipality (``antennas`` holds the antennas of both): each running
    offer takes a place there and frees its old one; ended offers stay where they took place.
    Handed to another CKG, the case is that CKG's from now on (and nobody's there yet).
    Raises :class:`RuleError`, changing nothing."""
    if referral.status not in CARE_STATES:
        raise RuleError({"antenna": _l("Only an accepted case can move to another antenna.")})
    if target is None or target.id not in antennas:
        # An antenna of a CKG that does not serve the municipality is as unknown as a made-up
        # one: the same message, so a transfer form cannot be used to probe for antennas.
        raise RuleError({"antenna": UNKNOWN_TARGET})
    if target.id == referral.antenna_id:
        raise RuleError({"antenna": _l("The case is already at this antenna.")})
    running = [episode for episode in episodes if episode.ended_on is None]
    needed: dict[Offer, int] = {}
    for episode in running:
        if episode.antenna_id != target.id and Offer(episode.offer) in CAPACITY_COLUMNS:
            needed[Offer(episode.offer)] = needed.get(Offer(episode.offer), 0) + 1
    for offer, count in needed.items():
        if (free_places(target, offer) or 0) < count:
            raise RuleError(
                {
                    "antenna": _l(
                        "%(antenna)s has no free place for one of the case's running offers: "
                        "the case stays where it is.",
                        antenna=target.name,
                    )
                }
            )
    for episode in running:
        if episode.antenna_id == target.id:
            continue
        old = antennas.get(episode.antenna_id)
        if old is not None:
            release_place(old, Offer(episode.offer))
        occupy_place(target, Offer(episode.offer))
        episode.antenna_id = target.id
    referral.antenna_id = target.id
    if target.organisation_id != referral.organisation_id:
        referral.organisation_id = target.organisation_id
        # The worker who had the case belongs to the sending CKG.
        referral.assigned_user_id = None


UNKNOWN_CKG = _l("Choose another CKG that serves this municipality.")


def hand_over_referral(referral: Referral, target_id: uuid.UUID | None, serving: set) -> None:
    """A referral the CKG has not accepted yet goes to another CKG that serves the
    municipality (``serving``): it is that CKG's from now on, with its history, in the state it
    was in. Raises :class:`RuleError`, changing nothing."""
    if referral.status not in OPEN_STATES:
        raise RuleError(
            {"ckg": _l("A case in care moves with its offers: choose an antenna of the other CKG.")}
        )
    if target_id == referral.organisation_id:
        raise RuleError({"ckg": _l("The referral is already with this CKG.")})
    if target_id is None or target_id not in serving:
        # A CKG that does not serve the municipality is as unknown as a made-up id.
        raise RuleError({"ckg": UNKNOWN_CKG})
    referral.organisation_id = target_id
    referral.assigned_user_id = None


# ---------------------------------------------------------------------------------------------
# Capacity
# ---------------------------------------------------------------------------------------------


def capacity(antenna: Antenna, offer: Offer) -> tuple[int, int]:
    """(places, occupied) of ``antenna`` for ``offer``; training has no places: (0, 0)."""
    columns = CAPACITY_COLUMNS.get(offer)
    if columns is None:
        return (0, 0)
    return getattr(antenna, columns[0]), getattr(antenna, columns[1])


def free_places(antenna: Antenna, offer: Offer) -> int | None:
    """Free places, or ``None`` for an offer without places (training)."""
    if offer not in CAPACITY_COLUMNS:
        return None
    places, occupied = capacity(antenna, offer)
    return max(places - occupied, 0)


def occupy_place(antenna: Antenna, offer: Offer) -> None:
    if offer in CAPACITY_COLUMNS:
        column = CAPACITY_COLUMNS[offer][1]
        setattr(antenna, column, getattr(antenna, column) + 1)


def release_place(antenna: Antenna, offer: Offer) -> None:
    if offer in CAPACITY_COLUMNS:
        column = CAPACITY_COLUMNS[offer][1]
        setattr(antenna, column, max(getattr(antenna, column) - 1, 0))


# ---------------------------------------------------------------------------------------------
# The queue
# ---------------------------------------------------------------------------------------------


def queue_order(referral: Referral) -> tuple:
    """Crisis first, then soon, then regular; within each, the longest waiting first."""
    waiting_since = referral.submitted_at or referral.created_at
    return (URGENCY_ORDER.get(Urgency(referral.urgency), 9), waiting_since)


def waiting_minutes(referral: Referral, now: datetime) -> int:
    since = referral.submitted_at or referral.created_at
    return max(int((now - _aware(since, now)).total_seconds() // 60), 0)


def _aware(moment: datetime, reference: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they are stored in UTC.
    if moment.tzinfo is None and reference.tzinfo is not None:
        return moment.replace(tzinfo=reference.tzinfo)
    return moment


def clock_label(minutes: int) -> str:
    """``3 d 4 h``, ``2 h 5 min`` or ``12 min``: compact enough for a queue row."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


STATUS_LABELS = {
    S.DRAFT: _l("draft"),
    S.SUBMITTED: _l("submitted"),
    S.RECEIVED: _l("received"),
    S.INTAKE_PLANNED: _l("intake planned"),
    S.ACCEPTED: _l("accepted"),
    S.WAITLISTED: _l("on the waiting list"),
    S.REDIRECTED: _l("redirected"),
    S.IN_PROGRESS: _l("in progress"),
    S.CLOSED: _l("closed"),
}
