"""The loket's HTML forms, one class per form, on the core's field types.

A view builds the form, sets the choices that depend on the municipality (its locations,
areas, registrations), calls ``validate_on_submit()`` and hands the typed values to a
service. The rules only a service can check (dates against the birth, locations against
the child's age) come back from the service as codes; ``words.error_messages`` words them.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from core.forms import (
    BooleanField,
    DateField,
    DateTimeField,
    EmailField,
    FileField,
    IntegerField,
    KnownChoicesField,
    MonthField,
    MultiCheckboxField,
    PlatformForm,
    QueryForm,
    RadioField,
    SelectField,
    TextAreaField,
    TextField,
    UUIDField,
)
from plugins.loket.allocation import TIE_BREAKS
from plugins.loket.ckg_hand_off import SUMMARY_MAX, URGENCIES, HandOffInput
from plugins.loket.contact import PHONE_MAX, checked_phone
from plugins.loket.location_import import FOUR_DIGITS
from plugins.loket.locations import MAX_CAPACITY, LocationInput
from plugins.loket.models import (
    AGE_GROUPS,
    CARE_NEEDS,
    DAY_PARTS,
    INTERFACE_LANGUAGES,
    LANGUAGES,
    LOCATION_KINDS,
    REJECTION_REASONS,
    SITUATION_FLAGS,
    STAFF_ORIGINS,
    TARIFFS,
    WEEKDAYS,
)
from plugins.loket.priority import work_fraction_flags
from plugins.loket.services import RequestInput

DAY_CHOICES = tuple(f"{day}-{part}" for day in WEEKDAYS for part in DAY_PARTS)
MAX_PREFERENCE_FIELDS = 10  # the highest ``max_preferences`` setting
# Brothers and sisters a parent can add to one request, after the first child.
MAX_SIBLINGS = 3
SIBLING_FIELDS = ("first_name", "last_name", "birth_date", "expected_birth_date", "care_needs")
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _pairs(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


def _single_spaced(value):
    return " ".join(value.split()) if isinstance(value, str) else value


# -- field types the kit lacks (candidates for core/forms.py) --------------------------------


class _OneMessage:
    """Every refusal of the field is one sentence that names the domain ("Choose a tariff."),
    instead of the kit's general message: the person learns what the field is about."""

    def __init__(self, *args, message, **kwargs) -> None:
        self.message = message
        super().__init__(*args, **kwargs)

    def post_validate(self, form, validation_stopped) -> None:
        if self.errors:
            self.errors = [self.message]


class ChoiceField(_OneMessage, SelectField):
    """A select whose every refusal (nothing chosen, an unknown value) says ``message``."""

    def __init__(self, label=None, *, message, required: bool = True, **kwargs) -> None:
        super().__init__(label, message=message, required=required, **kwargs)


class CountField(_OneMessage, IntegerField):
    """A whole number in bounds whose every refusal says ``message``."""


class _Numbered:
    """Forms repeated on one page (one per location, per session) give their fields the ids
    ``<name>-<suffix>``, so labels, messages and the summary point at the right one."""

    def number(self, suffix) -> _Numbered:
        for field in self:
            field.id = f"{field.name}-{suffix}"
        return self


# -- parents' requests ------------------------------------------------------------------------


def _valid(field):
    """The field's value, or ``None`` when it was refused (a choice that is not offered)."""
    return None if field.errors else field.data


def _preference(rank: int) -> SelectField:
    return SelectField(_l("Choice %(rank)d", rank=rank), required=False, coerce=str)


class RequestForm(PlatformForm):
    """A childcare request, by the parent or by staff on the parent's behalf. Every field is
    optional here: a draft may be incomplete; :func:`services.validate_request` checks a
    request that is sent."""

    child_first_name = TextField(_l("First name"), max_length=100)
    child_last_name = TextField(_l("Last name"), max_length=100)
    birth_date = DateField(_l("Birth date"))
    expected_birth_date = DateField(_l("Expected birth date (not born yet)"))
    desired_start = DateField(_l("Desired start date"))
    days = KnownChoicesField(_l("Days and day parts"), choices=_pairs(DAY_CHOICES))
    preference_1 = _preference(1)
    preference_2 = _preference(2)
    preference_3 = _preference(3)
    preference_4 = _preference(4)
    preference_5 = _preference(5)
    preference_6 = _preference(6)
    preference_7 = _preference(7)
    preference_8 = _preference(8)
    preference_9 = _preference(9)
    preference_10 = _preference(10)
    area = TextField(_l("Area"), max_length=100, filters=[_single_spaced])
    area_kind = SelectField(
        _l("Type of care (optional)"), required=False, choices=_pairs(LOCATION_KINDS)
    )
    situation = KnownChoicesField(
        _l("Family situation (determines priority)"),
        choices=_pairs(flag for flag in SITUATION_FLAGS if flag != "sibling"),
    )
    sibling_location_id = SelectField(
        _l("A brother or sister already goes to"), required=False, coerce=str
    )
    # Work or day training aimed at work, per parent (plugins/loket/priority.py): 4/5 on average.
    work_percent_1 = CountField(
        _l("Parent 1 works or follows day training, percent of full time"),
        minimum=0,
        maximum=100,
        message=_l("Enter a percentage from 0 to 100."),
    )
    work_percent_2 = CountField(
        _l("Parent 2 (if any) works or follows day training, percent of full time"),
        minimum=0,
        maximum=100,
        message=_l("Enter a percentage from 0 to 100."),
    )
    care_needs = KnownChoicesField(_l("Specific care needs"), choices=_pairs(CARE_NEEDS))
    language = SelectField(
        _l("Language of our e-mails"), required=False, choices=_pairs(INTERFACE_LANGUAGES)
    )
    contact_language = SelectField(
        _l("Language for a conversation with the counter"),
        required=False,
        choices=_pairs(LANGUAGES),
    )
    parent_name = TextField(_l("Parent's name"), max_length=200)
    parent_email = EmailField(_l("E-mail address"))
    parent_phone = TextField(_l("Phone"), max_length=40)
    origin = SelectField(_l("Registered"), required=False, choices=_pairs(STAFF_ORIGINS))
    # With brothers or sisters in the request: one location for all of them, or each apart.
    siblings_together = RadioField(
        _l("Should the children go to the same location?"),
        required=False,
        choices=[
            ("together", _l("Together: the same location for all of them, or none of them yet")),
            ("apart", _l("Apart: each child gets a place on its own")),
        ],
    )
    action = TextField(max_length=20)  # the button pressed: "submit" or "draft"

    def offer(self, location_ids: Iterable[uuid.UUID]) -> RequestForm:
        """The municipality's locations are the only choices of a preference or a sibling's
        location."""
        choices = [(str(location_id), str(location_id)) for location_id in location_ids]
        for rank in range(1, MAX_PREFERENCE_FIELDS + 1):
            self[f"preference_{rank}"].choices = choices
        self.sibling_location_id.choices = choices
        return self

    @property
    def is_draft(self) -> bool:
        return self.action.data == "draft"

    def chosen_preferences(self) -> list[str]:
        """The chosen locations in the order of the selects (an empty select is skipped)."""
        ranks = range(1, MAX_PREFERENCE_FIELDS + 1)
        return [_valid(self[f"preference_{r}"]) for r in ranks if _valid(self[f"preference_{r}"])]

    def sibling_slots(self) -> list[int]:
        """The numbers of the sibling slots the parent filled in (any field of it)."""
        return [
            slot
            for slot in range(1, MAX_SIBLINGS + 1)
            if any(
                self[f"sibling_{slot}_{name}"].data or self[f"sibling_{slot}_{name}"].errors
                for name in SIBLING_FIELDS
            )
        ]

    def sibling_input(self, slot: int, shared: RequestInput) -> RequestInput:
        """The request of the sibling in ``slot``: its own name, birth and care needs, the
        rest (start, days, choices, family situation, contact) shared with the first child."""
        field = lambda name: self[f"sibling_{slot}_{name}"]  # noqa: E731
        return dataclasses.replace(
            shared,
            child_first_name=_valid(field("first_name")) or "",
            child_last_name=_valid(field("last_name")) or "",
            birth_date=_valid(field("birth_date")),
            expected_birth_date=_valid(field("expected_birth_date")),
            care_needs=list(_valid(field("care_needs")) or ()),
        )

    @property
    def together(self) -> bool:
        return self.siblings_together.data == "together"

    def request_input(self) -> RequestInput:
        """The typed values for the services (a field that did not validate is empty)."""
        sibling = _valid(self.sibling_location_id)
        return RequestInput(
            child_first_name=self.child_first_name.data or "",
            child_last_name=self.child_last_name.data or "",
            birth_date=self.birth_date.data,
            expected_birth_date=self.expected_birth_date.data,
            desired_start=self.desired_start.data,
            days=list(self.days.data or ()),
            preferences=[uuid.UUID(p) for p in self.chosen_preferences()],
            language=_valid(self.language) or "nl",
            contact_language=_valid(self.contact_language) or "",
            care_needs=list(self.care_needs.data or ()),
            situation=[
                *(self.situation.data or ()),
                *work_fraction_flags(_valid(self.work_percent_1), _valid(self.work_percent_2)),
            ],
            sibling_location_id=uuid.UUID(sibling) if sibling else None,
            parent_name=self.parent_name.data or "",
            parent_email=self.parent_email.data or "",
            parent_phone=self.parent_phone.data or "",
            area=self.area.data or "",
            area_kind=_valid(self.area_kind) or "",
        )


def _add_sibling_fields() -> None:
    """Fixed slots rather than a list that grows with JavaScript: the form works without it."""
    for slot in range(1, MAX_SIBLINGS + 1):
        prefix = f"sibling_{slot}_"
        setattr(RequestForm, prefix + "first_name", TextField(_l("First name"), max_length=100))
        setattr(RequestForm, prefix + "last_name", TextField(_l("Last name"), max_length=100))
        setattr(RequestForm, prefix + "birth_date", DateField(_l("Birth date")))
        setattr(
            RequestForm,
            prefix + "expected_birth_date",
            DateField(_l("Expected birth date (not born yet)")),
        )
        setattr(
            RequestForm,
            prefix + "care_needs",
            KnownChoicesField(_l("Specific care needs"), choices=_pairs(CARE_NEEDS)),
        )


_add_sibling_fields()


class WithdrawForm(PlatformForm):
    """Withdrawing a request, only with the box that says the family understands it."""

    confirm = BooleanField(false_values=("", "no", "false"))
    scope = SelectField(required=False, choices=[("child", "child"), ("family", "family")])


class AnswerForm(PlatformForm):
    """The parent's answer to a proposed place: one of two buttons."""

    answer = SelectField(choices=[("accept", "accept"), ("decline", "decline")])


# -- staff ------------------------------------------------------------------------------------


class WorkListFilters(QueryForm):
    """The work list's filters, read from the query string (``formdata=request.args``); a
    filter that does not parse is left out, as a search box should."""

    location = UUIDField(required=False)
    month = MonthField()
    page = IntegerField(minimum=1)


class ProofForm(PlatformForm):
    proof_checked = BooleanField(false_values=("", "no", "false"))


class CkgHandOffForm(PlatformForm):
    ckg_consent = BooleanField(
        _l("The parent consented to share these details with the CKG"),
        false_values=("", "no", "false"),
    )
    concern_summary = TextAreaField(_l("Why the family needs support"), max_length=SUMMARY_MAX)
    urgency = ChoiceField(
        _l("Urgency"), choices=_pairs(URGENCIES), message=_l("Choose how urgent it is.")
    )
    ckg_organisation_id = UUIDField(_l("CKG"), required=False)

    def hand_off_input(self) -> HandOffInput:
        return HandOffInput(
            consent=bool(self.ckg_consent.data),
            concern_summary=self.concern_summary.data or "",
            urgency=self.urgency.data or "",
            ckg_organisation_id=self.ckg_organisation_id.data,
        )


class EmergencyPlaceForm(PlatformForm):
    free_place_id = UUIDField(_l("Held-back place"))


class RulesForm(PlatformForm):
    """The priority rules, and for a simulation also extra places at one location."""

    tie_break = ChoiceField(
        _l("Tie-break"), choices=_pairs(TIE_BREAKS), message=_l("Choose a tie-break.")
    )
    vulnerable_share_percent = CountField(
        _l("Target share for vulnerable families, in percent"),
        required=True,
        minimum=0,
        maximum=100,
        message=_l("Enter a percentage from 0 to 100."),
    )
    location_id = UUIDField(_l("Extra places at"), required=False)
    extra_places = CountField(
        _l("Number of extra places per age group"),
        minimum=0,
        maximum=50,
        message=_l("Enter a number of places from 0 to 50."),
    )

    def rules(self) -> dict:
        return {
            "tie_break": self.tie_break.data,
            "vulnerable_share_percent": self.vulnerable_share_percent.data,
        }


class WhatIfForm(RulesForm):
    """The same fields for a simulation, on the same page as the rules form: its fields get ids
    of their own (names stay), so each label and error summary link finds its own field."""

    ID_PREFIX = "whatif-"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            field.id = f"{self.ID_PREFIX}{field.name}"


# -- providers --------------------------------------------------------------------------------


class FreePlaceForm(_Numbered, PlatformForm):
    places = CountField(
        _l("Number of free places"),
        required=True,
        minimum=1,
        maximum=99,
        message=_l("Enter a number of places from 1 to 99."),
    )
    available_from = DateField(_l("Free from"), required=True)
    age_group = ChoiceField(
        _l("Age group"), choices=_pairs(AGE_GROUPS), message=_l("Choose an age group.")
    )
    days = KnownChoicesField(
        _l("Days and day parts (none chosen: every day)"), choices=_pairs(DAY_CHOICES)
    )


class FreePlaceChangeForm(PlatformForm):
    """A report's places, date and days changed afterwards (the age group stays)."""

    places = CountField(
        _l("Number of free places"),
        required=True,
        minimum=1,
        maximum=99,
        message=_l("Enter a number of places from 1 to 99."),
    )
    available_from = DateField(_l("Free from"), required=True)
    days = KnownChoicesField(
        _l("Days and day parts (none chosen: every day)"), choices=_pairs(DAY_CHOICES)
    )


class WithdrawFreePlaceForm(PlatformForm):
    """Only the CSRF token: withdrawing asks nothing more."""


class ProviderDecisionForm(_Numbered, PlatformForm):
    decision = TextField(max_length=20)  # the button pressed: "confirm" or "reject"
    reason = ChoiceField(
        _l("Reason for rejecting"),
        required=False,
        choices=_pairs(REJECTION_REASONS),
        message=_l("Choose a reason."),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.decision.data != "confirm" and not self.reason.data:
            self.fail("reason", _("Choose a reason."))
            return False
        return valid


def _capacity(group: str) -> CountField:
    return CountField(
        name=f"capacity-{group}",
        minimum=0,
        maximum=MAX_CAPACITY,
        message=_l("The capacity must be a number from 0 to 1000."),
    )


class _PhoneNumber:
    """A phone number a family can dial (see :func:`plugins.loket.contact.checked_phone`)."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        phone = checked_phone(field.data)
        if phone is None:
            raise StopValidation(_l("Fill in a phone number, like 011 42 12 34."))
        field.data = phone


def _contact_phone() -> TextField:
    return TextField(_l("Phone for families"), max_length=PHONE_MAX, validators=[_PhoneNumber()])


def _contact_email() -> EmailField:
    return EmailField(_l("E-mail address for families"))


def _vulnerable_subsidy() -> BooleanField:
    return BooleanField(
        _l("Receives the extra subsidy for vulnerable families (keeps places for them)"),
        false_values=("", "no", "false"),
    )


def _provider_field() -> SelectField:
    # Choices (the tenant's provider organisations) are set by the view.
    return SelectField(_l("Provider organisation (reports the free places)"), required=False)


class LocationForm(PlatformForm):
    """What a location offers; loket staff and the location's own provider fill it in.

    Only staff link the location to a provider organisation: the view ignores that field for
    a provider member, who may not hand the location to someone else."""

    provider_organisation_id = _provider_field()
    reserve_places = CountField(
        _l("Places always kept free for occasional and emergency care (empty: the setting)"),
        minimum=0,
        maximum=MAX_CAPACITY,
        message=_l("Enter a number of places from 0 to 1000."),
    )

    tariff = ChoiceField(_l("Tariff"), choices=_pairs(TARIFFS), message=_l("Choose a tariff."))
    # Only staff set the subsidy (Opgroeien grants it); the view ignores it for a provider.
    vulnerable_subsidy = _vulnerable_subsidy()
    contact_phone = _contact_phone()
    contact_email = _contact_email()
    care_needs = KnownChoicesField(
        _l("Specific care needs this location can support"), choices=_pairs(CARE_NEEDS)
    )
    opening_days = KnownChoicesField(
        _l("Opening days"),
        required=True,
        choices=_pairs(WEEKDAYS),
        required_message=_l("Choose at least one opening day."),
    )
    day_parts = KnownChoicesField(
        _l("Day parts"),
        required=True,
        choices=_pairs(DAY_PARTS),
        required_message=_l("Choose at least one day part."),
    )
    capacity_baby = _capacity("baby")
    capacity_toddler = _capacity("toddler")
    capacity_schoolchild = _capacity("schoolchild")
    area = TextField(max_length=100, filters=[_single_spaced])
    participates = BooleanField(
        _l("Takes part in the local childcare counter"), false_values=("", "no", "false")
    )

    def capacity_fields(self) -> dict:
        return {group: self[f"capacity_{group}"] for group in AGE_GROUPS}

    def location_input(self) -> LocationInput:
        return LocationInput(
            tariff=self.tariff.data,
            care_needs=list(self.care_needs.data or ()),
            opening_days=list(self.opening_days.data or ()),
            day_parts=list(self.day_parts.data or ()),
            area=self.area.data or "",
            participates=bool(self.participates.data),
            reserve_places=self.reserve_places.data,
            contact_phone=self.contact_phone.data or "",
            contact_email=self.contact_email.data or "",
            capacity={
                group: field.data
                for group, field in self.capacity_fields().items()
                if field.data is not None
            },
        )


class NewLocationForm(PlatformForm):
    """A location staff add by hand (the CSV import adds many at once)."""

    name = TextField(_l("Name"), required=True, max_length=200, filters=[_single_spaced])
    address = TextField(_l("Address"), max_length=300)
    postcode = TextField(_l("Postcode"), required=True, max_length=10)
    municipality = TextField(_l("Municipality"), max_length=100)
    kind = ChoiceField(
        _l("Type of care"), choices=_pairs(LOCATION_KINDS), message=_l("Choose a type of care.")
    )
    capacity = CountField(
        _l("Licensed places (the location page splits them per age group)"),
        required=True,
        minimum=0,
        maximum=MAX_CAPACITY,
        message=_l("The capacity must be a number from 0 to 1000."),
    )
    provider_organisation_id = _provider_field()
    # Not chosen: income-related, as most locations that take part in a local counter are.
    tariff = ChoiceField(
        _l("Tariff"), required=False, choices=_pairs(TARIFFS), message=_l("Choose a tariff.")
    )
    vulnerable_subsidy = _vulnerable_subsidy()
    contact_phone = _contact_phone()
    contact_email = _contact_email()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.postcode.data and not FOUR_DIGITS.fullmatch(self.postcode.data):
            self.fail("postcode", _("The postcode must have four digits."))
            return False
        return valid


class LocationImportForm(PlatformForm):
    csv_file = FileField(
        _l("CSV file"), required=True, extensions=("csv",), max_bytes=MAX_IMPORT_BYTES
    )


# -- info sessions ----------------------------------------------------------------------------


class InfoSessionForm(PlatformForm):
    title = TextField(_l("Title"), required=True, max_length=200)
    starts_at = DateTimeField(
        _l("Date and time"),
        required=True,
        # Staff type the time on a Belgian clock; it is stored in UTC.
        zone="Europe/Brussels",
        required_message=_l("Enter a date and time."),
    )
    place = TextField(_l("Place (empty: online)"), max_length=300)
    capacity = CountField(
        _l("Seats"),
        required=True,
        minimum=1,
        maximum=500,
        default=20,
        message=_l("Enter a number of seats from 1 to 500."),
    )
    language = SelectField(_l("Language"), required=False, choices=_pairs(LANGUAGES))
    online = BooleanField(false_values=("", "no", "false"))


class InfoRegistrationForm(_Numbered, PlatformForm):
    name = TextField(_l("Your name"), required=True, max_length=200)
    email = EmailField(_l("Your e-mail address"), required=True)


class AttendanceForm(PlatformForm):
    """The registrations that attended; choices are the session's registrations."""

    attended = MultiCheckboxField(coerce=uuid.UUID)
