"""Reading the loket's HTML forms into service inputs, and wording error codes for people."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from plugins.loket.models import (
    CARE_NEEDS,
    DAY_PARTS,
    LANGUAGES,
    LOCATION_KINDS,
    SITUATION_FLAGS,
    WEEKDAYS,
)
from plugins.loket.services import RequestInput

DAY_CHOICES = tuple(f"{day}-{part}" for day in WEEKDAYS for part in DAY_PARTS)


def parse_date(raw: str) -> date | None | str:
    """A date, ``None`` when empty, or the error code ``"date_invalid"``."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return "date_invalid"


def parse_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID((raw or "").strip())
    except ValueError:
        return None


def request_input(form: MultiDict, max_preferences: int) -> tuple[RequestInput, dict[str, str]]:
    """Read the request form; return the input and parse errors (field id → code)."""
    errors: dict[str, str] = {}
    dates = {}
    for name in ("birth_date", "expected_birth_date", "desired_start"):
        value = parse_date(form.get(name, ""))
        if value == "date_invalid":
            errors[name] = "date_invalid"
            value = None
        dates[name] = value
    preferences = []
    # One more select than allowed is never shown, but a crafted form may send more.
    for rank in range(1, 11):
        location = parse_uuid(form.get(f"preference_{rank}", ""))
        if location is not None:
            preferences.append(location)
    language = form.get("language", "nl")
    area_kind = form.get("area_kind", "")
    data = RequestInput(
        child_first_name=form.get("child_first_name", "")[:100],
        child_last_name=form.get("child_last_name", "")[:100],
        days=[d for d in form.getlist("days") if d in DAY_CHOICES],
        preferences=preferences,
        language=language if language in LANGUAGES else "nl",
        care_needs=[n for n in form.getlist("care_needs") if n in CARE_NEEDS],
        situation=[s for s in form.getlist("situation") if s in SITUATION_FLAGS and s != "sibling"],
        sibling_location_id=parse_uuid(form.get("sibling_location_id", "")),
        parent_name=form.get("parent_name", "")[:200],
        parent_email=form.get("parent_email", "").strip()[:320],
        parent_phone=form.get("parent_phone", "")[:40],
        area=" ".join(form.get("area", "").split())[:100],
        area_kind=area_kind if area_kind in LOCATION_KINDS else "",
        **dates,
    )
    return data, errors


def error_messages(codes: Mapping[str, str], max_preferences: int = 0) -> dict[str, str]:
    """Field id → a sentence that says what is wrong and what to do."""
    words = {
        "required": _("Fill in this field."),
        "date_invalid": _("Enter a date as day, month and year."),
        "birth_date_required": _("Enter the birth date, or the expected birth date."),
        "birth_date_in_future": _("The birth date lies in the future: use the expected date."),
        "expected_birth_date_past": _("The expected birth date has passed: enter the birth date."),
        "expected_birth_date_too_far": _("You can register at most nine months before birth."),
        "start_in_past": _("The desired start date lies in the past."),
        "start_before_birth": _("The desired start date lies before the (expected) birth."),
        "days_required": _("Choose at least one day part."),
        "preferences_required": _("Choose at least one location."),
        "preferences_or_area_required": _("Choose at least one location, or an area."),
        "locations_or_area": _("Choose either locations or an area, not both."),
        "unknown_area": _("Choose an area from the list."),
        "area_without_kind": _("This area has no location of the chosen type of care."),
        "area_required_for_kind": _("Choose an area for this type of care."),
        "area_without_fitting_location": _(
            "This area has no location for a child of this age at the desired start."
        ),
        "too_many_preferences": _(
            "Choose at most %(count)d locations.", count=max_preferences or 1
        ),
        "duplicate_preferences": _("Each location may be chosen only once."),
        "unknown_location": _("Choose locations from the list."),
        "child_too_old_for_location": _(
            "The child is too old for a baby and toddler location at the desired start."
        ),
        "child_too_young_for_location": _(
            "The child is too young for out-of-school care at the desired start."
        ),
        "email_invalid": _("Enter a valid e-mail address."),
        "duplicate_request": _("There is already a request for this child."),
        "places_invalid": _("Enter a number of places from 1 to 99."),
        "age_group_invalid": _("Choose an age group."),
        "reason_invalid": _("Choose a reason."),
        "tariff_invalid": _("Choose a tariff."),
        "consent_required": _("Hand a family on only with the parent's consent: tick the box."),
        "summary_too_long": _("Keep the summary under 2000 characters."),
        "urgency_invalid": _("Choose how urgent it is."),
        "opening_days_required": _("Choose at least one opening day."),
        "day_parts_required": _("Choose at least one day part."),
        "area_too_long": _("Keep the area under 100 characters."),
        "capacity_invalid": _("The capacity must be a number from 0 to 1000."),
    }
    return {field: words.get(code, code) for field, code in codes.items()}


def form_values(data: RequestInput) -> dict:
    """The submitted values, so the form comes back filled in."""
    return {
        "child_first_name": data.child_first_name,
        "child_last_name": data.child_last_name,
        "birth_date": data.birth_date.isoformat() if data.birth_date else "",
        "expected_birth_date": (
            data.expected_birth_date.isoformat() if data.expected_birth_date else ""
        ),
        "desired_start": data.desired_start.isoformat() if data.desired_start else "",
        "days": data.days,
        "preferences": [str(p) for p in data.preferences],
        "language": data.language,
        "care_needs": data.care_needs,
        "situation": data.situation,
        "sibling_location_id": str(data.sibling_location_id or ""),
        "parent_name": data.parent_name,
        "parent_email": data.parent_email,
        "parent_phone": data.parent_phone,
        "area": data.area,
        "area_kind": data.area_kind,
    }


def labels() -> dict[str, dict[str, str]]:
    """Words for the codes stored in the database, in the visitor's language."""
    return {
        "kind": {
            "groepsopvang": _("Group childcare"),
            "gezinsopvang": _("Childminder"),
            "buitenschoolse_opvang": _("Out-of-school care"),
        },
        "tariff": {
            "income_related": _("Income-related price"),
            "free_price": _("Free price"),
        },
        "age_group": {
            "baby": _("Baby (under 18 months)"),
            "toddler": _("Toddler (18 months to 3 years)"),
            "schoolchild": _("School child"),
        },
        "day": {
            "mon": _("Monday"),
            "tue": _("Tuesday"),
            "wed": _("Wednesday"),
            "thu": _("Thursday"),
            "fri": _("Friday"),
        },
        "part": {"morning": _("morning"), "afternoon": _("afternoon")},
        "care_need": {
            "medical": _("Medical care"),
            "developmental_delay": _("Developmental delay"),
            "physical_disability": _("Physical disability"),
            "behavioural": _("Behavioural support"),
            "dietary": _("Special diet"),
        },
        "situation": {
            "work_or_training": _("Parents work or follow training"),
            "single_parent": _("Single parent"),
            "low_income": _("Low income"),
            "foster_child": _("Foster child"),
            "urgency": _("Social or pedagogical urgency"),
        },
        "status": {
            "draft": _("Draft"),
            "open": _("Waiting for a place"),
            "proposed": _("Place proposed"),
            "placed": _("Placed"),
            "withdrawn": _("Withdrawn"),
            "waiting": _("Still in the running"),
            "refused": _("Refused by the provider"),
            "declined": _("Declined"),
            "awaiting_provider": _("Waiting for the provider"),
            "awaiting_parent": _("Waiting for the parent"),
            "accepted": _("Accepted"),
            "rejected": _("Rejected"),
            "expired": _("Expired"),
            "lapsed": _("Place taken by another family"),
        },
        "origin": {
            "parent": _("Parent online"),
            "phone": _("By phone"),
            "paper": _("On paper"),
            "referral": _("Referral"),
            "training": _("Training programme"),
        },
        "reason": {
            "no_free_place": _("no free place for this age group"),
            "days_not_offered": _("the requested days are not offered"),
            "care_needs_not_supported": _("the care needs cannot be supported"),
            "outranked": _("all places went to families with a higher priority"),
            "not_reached": _("not needed: a higher choice took the family"),
            "no_longer_free": _("The place is no longer free"),
            "care_need_not_supported": _("The care need cannot be supported"),
            "days_not_possible": _("The days are not possible"),
            "other": _("Another reason"),
        },
        "urgency": {
            "regular": _("Regular"),
            "soon": _("Soon"),
            "crisis": _("Crisis"),
        },
        "trigger": {
            "free_places_reported": _("free places were reported"),
            "declined": _("another family declined the place"),
            "expired": _("another family let the answer deadline pass"),
            "withdrawn": _("another family withdrew its request"),
            "rejected": _("the provider did not take another family"),
        },
        "registration": {
            "registered": _("registered"),
            "waiting": _("on the waiting list"),
            "cancelled": _("cancelled"),
        },
        "language": {
            "nl": "Nederlands",
            "fr": "Français",
            "en": "English",
            "ar": "العربية",
            "tr": "Türkçe",
            "pl": "Polski",
            "ro": "Română",
            "other": _("Other language"),
        },
    }
