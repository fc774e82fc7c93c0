"""Reading the starters' forms: values kept as typed, plus a message per field that is wrong."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from plugins.starters import services
from plugins.starters.eligibility import is_postcode, split_list
from plugins.starters.models import ADDRESS_MAX, NAME_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from plugins.starters.services import DocumentKind, FacilityType, MeasureKind

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Parsed:
    """What a form yielded: clean values, the raw input to show again, messages per field."""

    raw: dict
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, key: str, limit: int, *, required: bool = False, message: str = "") -> str:
        value = str(self.raw.get(key, "")).strip()
        if required and not value:
            self.errors[key] = message or _("Fill in this field.")
        elif len(value) > limit:
            self.errors[key] = _("Use at most %(limit)d characters.", limit=limit)
        self.values[key] = value
        return value

    def integer(
        self, key: str, *, required: bool = False, minimum: int = 0, maximum: int = 10_000_000
    ) -> int | None:
        value = str(self.raw.get(key, "")).strip()
        if not value:
            if required:
                self.errors[key] = _("Fill in a number.")
            self.values[key] = None
            return None
        try:
            number = int(value)
        except ValueError:
            self.errors[key] = _("Fill in a whole number.")
            return None
        if not minimum <= number <= maximum:
            self.errors[key] = _(
                "Fill in a number from %(minimum)d to %(maximum)d.",
                minimum=minimum,
                maximum=maximum,
            )
            return None
        self.values[key] = number
        return number

    def day(self, key: str, *, required: bool = False) -> date | None:
        value = str(self.raw.get(key, "")).strip()
        if not value:
            if required:
                self.errors[key] = _("Fill in a date.")
            self.values[key] = None
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.errors[key] = _("Fill in a date as YYYY-MM-DD.")
            return None
        self.values[key] = parsed
        return parsed

    def choice(self, key: str, choices, *, required: bool = True, message: str = "") -> str:
        value = str(self.raw.get(key, "")).strip()
        if value not in {str(choice) for choice in choices}:
            if value or required:
                self.errors[key] = message or _("Choose one of the options.")
            value = ""
        self.values[key] = value
        return value


def raw_form(form) -> dict:
    """The submitted form as a dict; fields that may repeat stay lists."""
    raw = {key: form.get(key, "") for key in form}
    for key in ("facility_types", "required_documents", "measures", "done"):
        raw[key] = form.getlist(key)
    return raw


def parse_project(raw: dict, today: date, *, partial: bool = False) -> Parsed:
    """The project step. ``partial`` (saving a draft) forgives what is missing, not what is wrong."""
    parsed = Parsed(raw)
    required = not partial
    kind = parsed.choice("applicant_kind", ("person", "organisation"), required=required)
    parsed.text(
        "organisation_name",
        NAME_MAX,
        required=required and kind == "organisation",
        message=_("Fill in the name of the organisation."),
    )
    parsed.text("applicant_name", NAME_MAX, required=required, message=_("Fill in your name."))
    email = parsed.text(
        "applicant_email", 320, required=required, message=_("Fill in your e-mail address.")
    )
    if email and not _EMAIL.match(email):
        parsed.errors["applicant_email"] = _("Fill in an e-mail address like name@example.be.")
    facility = parsed.choice(
        "facility_type",
        list(FacilityType),
        required=required,
        message=_("Choose the kind of childcare."),
    )
    places = parsed.integer("planned_places", required=required, minimum=1, maximum=500)
    if facility and places:
        low, high = services.PLACES_BY_TYPE[FacilityType(facility)]
        if not low <= places <= high:
            parsed.errors["planned_places"] = _(
                "This kind of childcare has from %(low)d to %(high)d places.", low=low, high=high
            )
    opening = parsed.day("target_opening", required=required)
    if opening and opening < today:
        parsed.errors["target_opening"] = _("The opening date cannot be in the past.")
    postcode = parsed.text(
        "postcode", 4, required=required, message=_("Fill in the postcode of the facility.")
    )
    if postcode and not is_postcode(postcode):
        parsed.errors["postcode"] = _("Fill in a Belgian postcode of four digits, like 3550.")
    parsed.text("area", NAME_MAX)
    parsed.text("address", ADDRESS_MAX)
    return parsed


def parse_measure_ids(raw: dict) -> list[uuid.UUID]:
    ids = []
    for value in raw.get("measures", []):
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return ids


def parse_measure(raw: dict) -> Parsed:
    """The catalogue form."""
    parsed = Parsed(raw)
    parsed.text("title", TITLE_MAX, required=True, message=_("Fill in a title."))
    parsed.text("description", TEXT_MAX, required=True, message=_("Describe the measure."))
    kind = parsed.choice("kind", list(MeasureKind), message=_("Choose the kind of measure."))
    amount = parsed.integer("amount_eur", minimum=1, maximum=1_000_000)
    if kind == MeasureKind.PREMIUM and amount is None and "amount_eur" not in parsed.errors:
        parsed.errors["amount_eur"] = _("A premium needs an amount.")
    parsed.text("conditions", TEXT_MAX)
    parsed.values["requires_loket_participation"] = bool(raw.get("requires_loket_participation"))
    types = [value for value in raw.get("facility_types", []) if value in set(FacilityType)]
    parsed.values["facility_types"] = types
    documents = [value for value in raw.get("required_documents", []) if value in set(DocumentKind)]
    parsed.values["required_documents"] = documents
    low = parsed.integer("min_places", minimum=0, maximum=500)
    high = parsed.integer("max_places", minimum=0, maximum=500)
    if low is not None and high is not None and low > high:
        parsed.errors["max_places"] = _("The maximum cannot be below the minimum.")
    _area(parsed)
    opens = parsed.day("opens_on")
    closes = parsed.day("closes_on")
    if opens and closes and closes < opens:
        parsed.errors["closes_on"] = _("The closing date cannot be before the opening date.")
    parsed.values["published"] = bool(raw.get("published"))
    return parsed


def _area(parsed: Parsed) -> None:
    """Postcodes and place names, each typed as a list separated by commas."""
    postcodes = split_list(str(parsed.raw.get("area_postcodes", "")))
    wrong = [code for code in postcodes if not is_postcode(code)]
    if wrong:
        parsed.errors["area_postcodes"] = _(
            "Not a Belgian postcode of four digits: %(codes)s.", codes=", ".join(wrong)
        )
    parsed.values["area_postcodes"] = postcodes
    typed = str(parsed.raw.get("area_places", ""))
    places = split_list(typed)
    if len(typed) > TEXT_MAX or any(len(place) > NAME_MAX for place in places):
        parsed.errors["area_places"] = _("Use at most %(limit)d characters.", limit=NAME_MAX)
    parsed.values["area_places"] = places


def parse_building(raw: dict) -> Parsed:
    parsed = Parsed(raw)
    parsed.text("address", ADDRESS_MAX, required=True, message=_("Fill in the address."))
    parsed.integer("area_m2", required=True, minimum=1, maximum=100_000)
    parsed.integer("suitable_places", required=True, minimum=1, maximum=500)
    parsed.text("rent_and_conditions", REASON_MAX)
    parsed.text("accessibility", REASON_MAX)
    parsed.day("available_from")
    return parsed


def parse_agreement(raw: dict, location_ids: set[str]) -> Parsed:
    parsed = Parsed(raw)
    parsed.text("company", NAME_MAX, required=True, message=_("Fill in the company."))
    parsed.text("facility_name", NAME_MAX, required=True, message=_("Fill in the facility."))
    location = str(raw.get("location_id", "")).strip()
    if location and location not in location_ids:
        parsed.errors["location_id"] = _("Choose one of the locations.")
    parsed.values["location_id"] = uuid.UUID(location) if location in location_ids else None
    parsed.integer("places", required=True, minimum=1, maximum=500)
    starts = parsed.day("starts_on", required=True)
    ends = parsed.day("ends_on")
    if starts and ends and ends < starts:
        parsed.errors["ends_on"] = _("The end date cannot be before the start date.")
    parsed.text("note", REASON_MAX)
    return parsed
