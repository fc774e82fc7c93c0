"""Rules of the networks plugin — plain Python, no Flask request, no database session.

A *Huis van het Kind* brings a municipality's family services together (childcare, schools,
OCMW, CKG, police, homework support …); a *lokaal overleg kinderarmoede* (child-poverty
consultation) brings the same partners round the table for vulnerable families. Partners meet,
agree actions, keep a shared social map (*sociale kaart*) and sometimes discuss a family — then
only under a pseudonymous case reference.

Messages are lazy gettext strings so the views show them in the reader's language.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from core.plugin_types import ConsentRecord
from plugins.networks.models import (
    MINUTES_MAX,
    NAME_MAX,
    SHORT_MAX,
    TEXT_MAX,
    DirectoryService,
    NetworkAction,
    NetworkMember,
)

MAX_AGENDA_ITEMS = 20
CASE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read out on the phone
CASE_CODE_LENGTH = 4


class NetworkKind(StrEnum):
    HUIS_VAN_HET_KIND = "huis_van_het_kind"
    CHILD_POVERTY = "child_poverty_consultation"
    INCLUSIVE_CARE = "inclusive_care_network"
    REGIONAL = "regional_cooperation"


class Sector(StrEnum):
    CHILDCARE = "childcare"
    SCHOOL = "school"
    OCMW = "ocmw"
    CKG = "ckg"
    POLICE = "police"
    HOMEWORK = "homework_support"
    HEALTH = "health"
    WELFARE = "welfare"
    OTHER = "other"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


UNFINISHED = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


class Presence(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


class ServiceCategory(StrEnum):
    CHILDCARE = "childcare"
    PARENTING = "parenting_support"
    EDUCATION = "education"
    HEALTH = "health"
    FINANCIAL = "financial_support"
    LEISURE = "leisure"
    OTHER = "other"


class Cost(StrEnum):
    FREE = "free"
    SOCIAL_TARIFF = "social_tariff"
    PAID = "paid"


LANGUAGES = ("nl", "fr", "en", "de", "ar", "tr", "pl", "ro", "uk", "ru", "es", "so")


class RuleError(ValueError):
    """Input that breaks a rule; ``errors`` maps form field ids to messages."""

    def __init__(self, errors: dict) -> None:
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors


def _required_text(errors: dict, key: str, value: str, maximum: int, message) -> None:
    if not value.strip():
        errors[key] = message
    elif len(value) > maximum:
        errors[key] = _l("Keep this under %(max)d characters.", max=maximum)


def _optional_text(errors: dict, key: str, value: str, maximum: int) -> None:
    if len(value) > maximum:
        errors[key] = _l("Keep this under %(max)d characters.", max=maximum)


# -- networks and members ---------------------------------------------------------------------


def check_network(name: str, purpose: str, kind: str) -> None:
    errors: dict = {}
    _required_text(errors, "name", name, NAME_MAX, _l("Give the network a name."))
    _optional_text(errors, "purpose", purpose, TEXT_MAX)
    if kind not in set(NetworkKind):
        errors["kind"] = _l("Choose the kind of network.")
    if errors:
        raise RuleError(errors)


def check_member(
    *,
    organisation_id: uuid.UUID | None,
    name: str,
    sector: str,
    granted: set[uuid.UUID],
    already: set[uuid.UUID],
) -> None:
    """A member is a granted organisation (once per network) or a partner named here."""
    errors: dict = {}
    if organisation_id is not None:
        if organisation_id not in granted:
            errors["organisation"] = _l(
                "Only organisations the municipality granted the networks module can join."
            )
        elif organisation_id in already:
            errors["organisation"] = _l("This organisation is already a member.")
    else:
        _required_text(
            errors, "member-name", name, NAME_MAX, _l("Choose an organisation or name the partner.")
        )
    if sector not in set(Sector):
        errors["sector"] = _l("Choose the partner's sector.")
    if errors:
        raise RuleError(errors)


def check_contact(name: str, function: str, email: str, phone: str) -> None:
    errors: dict = {}
    _required_text(errors, "contact-name", name, NAME_MAX, _l("Give the contact person's name."))
    _optional_text(errors, "contact-function", function, NAME_MAX)
    if email and ("@" not in email or len(email) > 320 or any(c.isspace() for c in email)):
        errors["contact-email"] = _l("Enter an e-mail address, e.g. naam@organisatie.be.")
    _optional_text(errors, "contact-phone", phone, 40)
    if errors:
        raise RuleError(errors)


# -- meetings and actions ---------------------------------------------------------------------


def agenda_lines(raw: str) -> list[str]:
    """One agenda item per non-empty line, leading bullets removed."""
    return [
        line.strip().lstrip("-*•").strip()
        for line in (raw or "").replace("\r\n", "\n").split("\n")
        if line.strip().lstrip("-*•").strip()
    ]


def check_meeting(held_on: date | None, place: str, agenda: list[str]) -> None:
    errors: dict = {}
    if held_on is None:
        errors["held_on"] = _l("Enter the date of the meeting.")
    _optional_text(errors, "place", place, NAME_MAX)
    if len(agenda) > MAX_AGENDA_ITEMS:
        errors["agenda"] = _l("Keep the agenda to %(max)d items.", max=MAX_AGENDA_ITEMS)
    elif any(len(item) > SHORT_MAX for item in agenda):
        errors["agenda"] = _l("Keep each agenda item under %(max)d characters.", max=SHORT_MAX)
    if errors:
        raise RuleError(errors)


def meeting_times(start_text: str, end_text: str) -> tuple[time | None, time | None]:
    """The typed start and end (``14:00``, ``9.30``), both optional; an end needs a start."""
    errors: dict = {}
    start, end = _time_of_day(start_text), _time_of_day(end_text)
    if start_text and start is None:
        errors["starts_at"] = _l("Enter the start time as hours and minutes, like 14:00.")
    if end_text and end is None:
        errors["ends_at"] = _l("Enter the end time as hours and minutes, like 16:00.")
    elif end is not None and start is None and not errors:
        errors["starts_at"] = _l("Enter the start time too.")
    elif end is not None and start is not None and end <= start:
        errors["ends_at"] = _l("The meeting must end after it starts.")
    if errors:
        raise RuleError(errors)
    return start, end


def _time_of_day(text: str) -> time | None:
    hours, separator, minutes = text.strip().replace(".", ":").partition(":")
    if not hours.isdigit() or (separator and not minutes.isdigit()) or len(minutes) not in (0, 2):
        return None
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes or 0) <= 59):
        return None
    return time(int(hours), int(minutes or 0))


def check_minutes(minutes: str) -> None:
    if len(minutes) > MINUTES_MAX:
        raise RuleError(
            {"minutes": _l("Keep the minutes under %(max)d characters.", max=MINUTES_MAX)}
        )


def check_action(
    title: str, due_on: date | None, owner_member_id: uuid.UUID | None, members: set[uuid.UUID]
) -> None:
    errors: dict = {}
    _required_text(errors, "action-title", title, SHORT_MAX, _l("Describe the action."))
    if due_on is None:
        errors["action-due_on"] = _l("Enter the due date.")
    if owner_member_id not in members:
        errors["action-owner"] = _l("Choose the member organisation that owns the action.")
    if errors:
        raise RuleError(errors)


def check_status(status: str) -> ActionStatus:
    if status not in set(ActionStatus):
        raise RuleError({"status": _l("Choose a status.")})
    return ActionStatus(status)


def is_overdue(action: NetworkAction, today: date) -> bool:
    """Past its due date and neither done nor dropped."""
    return action.status in UNFINISHED and action.due_on < today


def overdue_actions(actions: Iterable[NetworkAction], today: date) -> list[NetworkAction]:
    """The overdue ones, longest overdue first."""
    return sorted((a for a in actions if is_overdue(a, today)), key=lambda a: (a.due_on, a.title))


def days_overdue(action: NetworkAction, today: date) -> int:
    return max(0, (today - action.due_on).days)


# -- the partner directory (sociale kaart) -----------------------------------------------------


@dataclass
class ServiceInput:
    member_id: uuid.UUID | None
    name: str
    description: str = ""
    category: str = ServiceCategory.OTHER
    target_group: str = ""
    how_to_reach: str = ""
    languages: list[str] = field(default_factory=list)
    cost: str = Cost.FREE
    cost_note: str = ""
    contact: str = ""
    public: bool = False


def check_service(data: ServiceInput, editable_members: set[uuid.UUID]) -> None:
    errors: dict = {}
    if data.member_id not in editable_members:
        errors["service-member"] = _l("Choose the member that offers this service.")
    _required_text(errors, "service-name", data.name, NAME_MAX, _l("Give the service a name."))
    _optional_text(errors, "service-description", data.description, TEXT_MAX)
    for key in ("target_group", "how_to_reach", "cost_note", "contact"):
        _optional_text(errors, f"service-{key}", getattr(data, key), SHORT_MAX)
    if data.category not in set(ServiceCategory):
        errors["service-category"] = _l("Choose a category.")
    if data.cost not in set(Cost):
        errors["service-cost"] = _l("Choose what the service costs.")
    if any(language not in LANGUAGES for language in data.languages):
        errors["service-languages"] = _l("Choose languages from the list.")
    if errors:
        raise RuleError(errors)


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    category: str = ""
    language: str = ""
    cost: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.category or self.language or self.cost)


def search_services(
    services: Iterable[DirectoryService],
    member_names: dict[uuid.UUID, str],
    query: DirectoryQuery,
) -> list[DirectoryService]:
    """Services matching every given filter; text matches any word in name, description,
    target group, how to reach or the member's name (case-insensitive)."""
    words = [word for word in query.text.lower().split() if word]
    found = []
    for service in services:
        if query.category and service.category != query.category:
            continue
        if query.language and query.language not in service.languages:
            continue
        if query.cost and service.cost != query.cost:
            continue
        haystack = " ".join(
            (
                service.name,
                service.description,
                service.target_group,
                service.how_to_reach,
                member_names.get(service.member_id, ""),
            )
        ).lower()
        if all(word in haystack for word in words):
            found.append(service)
    return sorted(found, key=lambda s: (s.name.lower(), member_names.get(s.member_id, "")))


# -- case consultation -------------------------------------------------------------------------


def new_case_reference(taken: set[str], choose=secrets.choice) -> str:
    """A pseudonymous reference like ``CASE-7F3K`` that is not yet taken in this tenant."""
    for _attempt in range(1000):
        code = "".join(choose(CASE_ALPHABET) for _ in range(CASE_CODE_LENGTH))
        reference = f"CASE-{code}"
        if reference not in taken:
            return reference
    raise RuntimeError("no free case reference")  # 32**4 codes: only with a rigged chooser


def check_case(purpose: str, participants: set[uuid.UUID], members: set[uuid.UUID]) -> None:
    errors: dict = {}
    _required_text(
        errors, "case-purpose", purpose, TEXT_MAX, _l("Say what the consultation is for.")
    )
    if not participants:
        errors["case-participants"] = _l("Choose the members that take part.")
    elif not participants <= members:
        errors["case-participants"] = _l("Only members of this network can take part.")
    if errors:
        raise RuleError(errors)


@dataclass(frozen=True)
class ConsentCheck:
    allowed: bool
    source: str = ""  # hook | local
    basis: str = ""
    recorded_at: date | datetime | None = None


def consent_from_hook(record: ConsentRecord | None) -> ConsentCheck:
    """The consent owner's answer: only a record with ``given`` admits family details."""
    if record is None or not record.given:
        return ConsentCheck(allowed=False)
    return ConsentCheck(
        allowed=True, source="hook", basis=record.basis, recorded_at=record.recorded_at
    )


def check_local_consent(basis: str, confirmed: bool) -> None:
    errors: dict = {}
    if not confirmed:
        errors["consent-confirmed"] = _l(
            "Confirm that the family gave consent to discuss their details in this network."
        )
    _required_text(
        errors,
        "consent-basis",
        basis,
        SHORT_MAX,
        _l("Say how the consent was given (e.g. signed form, date, by whom)."),
    )
    if errors:
        raise RuleError(errors)


def check_family_details(details: str, consent: ConsentCheck) -> None:
    if not consent.allowed:
        raise RuleError(
            {
                "family_details": _l(
                    "Family details can only be recorded once the family's consent is recorded."
                )
            }
        )
    errors: dict = {}
    _optional_text(errors, "family_details", details, TEXT_MAX)
    if errors:
        raise RuleError(errors)


def member_ids(members: Iterable[NetworkMember]) -> set[uuid.UUID]:
    return {member.id for member in members}
