"""The starters' forms, on the core's field types (core/forms.py).

Each class is one HTML form; a view calls ``form.validate_on_submit()`` and hands the clean values
to a service. Rules that need the domain (a Belgian postcode, places per kind of childcare, a
premium needs an amount) are validators here; rules that need the database stay in services.py
and reach the page through ``form.fail``.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

from core.forms import (
    BooleanField,
    DateField,
    EmailField,
    FileField,
    IntegerField,
    KnownChoicesField,
    MultiCheckboxField,
    PlatformForm,
    RadioField,
    SelectField,
    TextAreaField,
    TextField,
    UUIDField,
)
from plugins.starters import company_places, services
from plugins.starters.eligibility import is_postcode, split_list
from plugins.starters.labels import (
    APPLICANT_KINDS,
    DECISIONS,
    DOCUMENT_KINDS,
    FACILITY_TYPES,
    INTEREST_OUTCOMES,
    LICENCE_STEPS,
    MEASURE_KINDS,
    PAYMENT_STATUSES,
)
from plugins.starters.models import ADDRESS_MAX, NAME_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from plugins.starters.photos import PHOTO_EXTENSIONS, PHOTO_MAX_BYTES
from plugins.starters.services import FacilityType, MeasureKind
from plugins.starters.uploads import ALLOWED_TYPES, MAX_BYTES

# File name endings the upload form offers; the upload service still sniffs the content.
DOCUMENT_EXTENSIONS = tuple(
    ending.lstrip(".") for _magic, endings in ALLOWED_TYPES.values() for ending in endings
)


def _belgian_postcode(form, field) -> None:
    if field.data and not is_postcode(field.data):
        raise StopValidation(_l("Fill in a Belgian postcode of four digits, like 3550."))


def _not_in_the_past(form, field) -> None:
    if field.data and field.data < date.today():
        raise StopValidation(_l("The opening date cannot be in the past."))


def _postcode_list(form, field) -> None:
    wrong = [code for code in split_list(field.data or "") if not is_postcode(code)]
    if wrong:
        raise ValidationError(
            _l("Not a Belgian postcode of four digits: %(codes)s.", codes=", ".join(wrong))
        )


def _place_list(form, field) -> None:
    if any(len(place) > NAME_MAX for place in split_list(field.data or "")):
        raise ValidationError(_l("Use at most %(limit)d characters.", limit=NAME_MAX))


class StartersForm(PlatformForm):
    """A field left out of the submission reads as empty text or no choices, as stored."""

    def process(self, *args, **kwargs) -> None:
        super().process(*args, **kwargs)
        for field in self:
            if isinstance(field, TextField) and field.data is None:
                field.data = ""
            elif isinstance(field, MultiCheckboxField) and field.data is None:
                field.data = []


# -- the application steps --------------------------------------------------------------------


class StepForm(StartersForm):
    """One step of the application; ``action`` is the button pressed ("save" keeps a draft)."""

    action = TextField(max_length=20)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Problems that belong to another part of the page (a step in the indicator).
        self.problems: list[tuple[str, str]] = []

    @property
    def saving_draft(self) -> bool:
        return self.action.data == "save"

    def add_problem(self, target_id: str, message: str) -> None:
        self.problems.append((target_id, message))

    def error_summary(self) -> list[tuple[str, str]]:
        return [*super().error_summary(), *self.problems]


class ProjectForm(StepForm):
    """Step 1. Saving a draft forgives what is missing, never what is wrong."""

    applicant_kind = RadioField(
        _l("Who applies?"), required=False, choices=list(APPLICANT_KINDS.items())
    )
    organisation_name = TextField(
        _l("Name of the organisation (when an organisation applies)"), max_length=NAME_MAX
    )
    applicant_name = TextField(
        _l("Your name (or the contact person of the organisation)"), max_length=NAME_MAX
    )
    applicant_email = EmailField(_l("Your e-mail address for this application"))
    facility_type = RadioField(
        _l("Kind of childcare"), required=False, choices=list(FACILITY_TYPES.items())
    )
    planned_places = IntegerField(_l("Planned number of places"), minimum=1, maximum=500)
    target_opening = DateField(_l("Planned opening date"), validators=[_not_in_the_past])
    postcode = TextField(
        _l("Postcode of the facility"), max_length=4, validators=[_belgian_postcode]
    )
    area = TextField(_l("Deelgemeente or village"), max_length=NAME_MAX)
    address = TextField(_l("Address of the facility, if you know it"), max_length=ADDRESS_MAX)

    PROJECT_FIELDS = (
        "applicant_kind",
        "organisation_name",
        "applicant_name",
        "applicant_email",
        "facility_type",
        "planned_places",
        "target_opening",
        "postcode",
        "area",
        "address",
    )
    REQUIRED = {
        "applicant_kind": _l("Choose one of the options."),
        "applicant_name": _l("Fill in your name."),
        "applicant_email": _l("Fill in your e-mail address."),
        "facility_type": _l("Choose the kind of childcare."),
        "planned_places": _l("Fill in a number."),
        "target_opening": _l("Fill in a date."),
        "postcode": _l("Fill in the postcode of the facility."),
    }

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if not self.saving_draft:
            required = dict(self.REQUIRED)
            if self.applicant_kind.data == "organisation":
                required["organisation_name"] = _l("Fill in the name of the organisation.")
            for name, message in required.items():
                field = self[name]
                if field.data in (None, "") and not field.errors:
                    field.errors = [*field.errors, message]
        kind, places = self.facility_type.data, self.planned_places.data
        if kind and places and not self.planned_places.errors:
            low, high = services.PLACES_BY_TYPE[FacilityType(kind)]
            if not low <= places <= high:
                self.fail(
                    "planned_places",
                    _l(
                        "This kind of childcare has from %(low)d to %(high)d places.",
                        low=low,
                        high=high,
                    ),
                )
        return not any(field.errors for field in self)

    def valid_values(self) -> dict:
        """The project's values to keep: what is right, and (for a draft) what was filled in."""
        return {
            name: self[name].data
            for name in self.PROJECT_FIELDS
            if not self[name].errors
            and (self[name].data not in ("", None) or not self.saving_draft)
        }


class MeasuresForm(StepForm):
    """Step 2. The options are the open measures; the service checks each fits the project."""

    measures = MultiCheckboxField(_l("Which support do you ask for?"), coerce=uuid.UUID)


class DeclarationForm(StepForm):
    """Step 4."""

    declaration = BooleanField(
        _l(
            "I declare that this information is true and complete, and I agree that the "
            "municipality checks it."
        )
    )


class DocumentForm(StartersForm):
    """One document for an application: the field checks its name and size; the upload service
    sniffs the content and runs the virus scan."""

    kind = SelectField(
        _l("Kind of document"),
        id="document-kind",
        choices=list(DOCUMENT_KINDS.items()),
        required_message=_l("Choose what kind of document this is."),
    )
    document = FileField(
        _l("File"),
        id="document-file",
        required=True,
        extensions=DOCUMENT_EXTENSIONS,
        max_bytes=MAX_BYTES,
    )


# -- review -----------------------------------------------------------------------------------


class QuestionForm(StartersForm):
    question = TextAreaField(_l("Ask the starter for more information"), max_length=REASON_MAX)


class AnswerForm(StartersForm):
    answer = TextAreaField(_l("Your answer"), max_length=TEXT_MAX)

    def for_question(self, question_id: uuid.UUID) -> AnswerForm:
        """Every open question has its own form on the page: ids name the question."""
        self.answer.id = f"answer-{question_id}"
        return self


class DecisionForm(StartersForm):
    """The decision on one requested measure; the service checks the rules of a decision."""

    decision = RadioField(
        _l("Decision"),
        required=False,
        choices=[(code, DECISIONS[code]) for code in ("approved", "refused")],
    )
    amount = IntegerField(_l("Amount granted in euro"), minimum=0, maximum=1_000_000)
    reason = TextAreaField(_l("Reason"), max_length=REASON_MAX, rows=3)

    def for_row(self, requested_id: uuid.UUID) -> DecisionForm:
        """Several measures are decided on one page: ids carry the requested measure's id."""
        prefix = f"decision-{requested_id}"
        for field in self:
            field.id = f"{prefix}-{field.name}"
        return self


class SecondApprovalForm(StartersForm):
    """The second staff member confirms a proposed approval (four eyes); the service checks
    that they are not the one who proposed it."""

    confirm = BooleanField(_l("I checked this decision and approve it as a second staff member"))

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if not self.confirm.data and not self.confirm.errors:
            self.fail("confirm", _l("Tick the box to confirm the approval."))
        return not any(field.errors for field in self)

    def for_row(self, requested_id: uuid.UUID) -> SecondApprovalForm:
        self.confirm.id = f"second-{requested_id}-confirm"
        return self


class SendBackForm(StartersForm):
    """A proposed approval is sent back to be decided again (by anyone of staff, with why)."""

    reason = TextAreaField(_l("Why is the proposal sent back?"), max_length=REASON_MAX, rows=2)

    def for_row(self, requested_id: uuid.UUID) -> SendBackForm:
        self.reason.id = f"send-back-{requested_id}-reason"
        return self


class PaymentForm(StartersForm):
    """Staff record the next step of a granted premium's payment; the service checks the order."""

    status = RadioField(
        _l("Payment step"),
        choices=[(code, PAYMENT_STATUSES[code]) for code in ("requested", "paid", "recovered")],
        required_message=_l("Choose the payment step."),
    )
    on = DateField(_l("On"), required=True)
    note = TextAreaField(_l("Note (required for a recovery)"), max_length=REASON_MAX, rows=2)

    def for_row(self, requested_id: uuid.UUID) -> PaymentForm:
        for field in self:
            field.id = f"payment-{requested_id}-{field.name}"
        return self


class PaymentRequestForm(StartersForm):
    """The starter asks for a granted premium to be paid (only the CSRF token)."""


class LicenceForm(StartersForm):
    done = KnownChoicesField(_l("Licence checklist"), choices=list(LICENCE_STEPS.items()))


class OpeningForm(StartersForm):
    opened_on = DateField(_l("The facility opened on"), required=True)


class LocationForm(StartersForm):
    """The loket location of the new facility; the choices are the loket's locations."""

    location_id = SelectField(
        _l("Location of the facility in the loket"),
        required_message=_l("Choose one of the locations."),
    )


# -- the catalogue, buildings and agreements --------------------------------------------------


class MeasureForm(StartersForm):
    title = TextField(
        _l("Title"), required=True, max_length=TITLE_MAX, required_message=_l("Fill in a title.")
    )
    kind = RadioField(
        _l("Kind of measure"),
        choices=list(MEASURE_KINDS.items()),
        required_message=_l("Choose the kind of measure."),
    )
    description = TextAreaField(
        _l("Description"),
        required=True,
        max_length=TEXT_MAX,
        rows=8,
        required_message=_l("Describe the measure."),
    )
    amount_eur = IntegerField(_l("Amount in euro (for a premium)"), minimum=1, maximum=1_000_000)
    conditions = TextAreaField(_l("Conditions"), max_length=TEXT_MAX)
    requires_loket_participation = BooleanField(
        _l("The facility must take part in the local loket")
    )
    facility_types = KnownChoicesField(
        _l("For which kinds of childcare? (none chosen: every kind)"),
        choices=list(FACILITY_TYPES.items()),
    )
    min_places = IntegerField(_l("At least this many places"), minimum=0, maximum=500)
    max_places = IntegerField(_l("At most this many places"), minimum=0, maximum=500)
    area_places = TextField(
        _l("Only in these deelgemeenten or villages"),
        max_length=TEXT_MAX,
        validators=[_place_list],
    )
    area_postcodes = TextField(
        _l("Or only with these postcodes"), max_length=TEXT_MAX, validators=[_postcode_list]
    )
    required_documents = KnownChoicesField(
        _l("Documents the starter must add"), choices=list(DOCUMENT_KINDS.items())
    )
    opens_on = DateField(_l("Open from"))
    closes_on = DateField(_l("Open until"))
    published = BooleanField(_l("Published in the public catalogue"))

    @classmethod
    def for_measure(cls, measure) -> MeasureForm:
        """The form as an edit page shows it before a submit: the stored measure, or a new one."""
        if measure is None:
            return cls(data={"published": True})
        data = {name: getattr(measure, name) for name in cls.MODEL_FIELDS}
        data["area_postcodes"] = ", ".join(measure.area_postcodes)
        data["area_places"] = ", ".join(measure.area_places)
        return cls(data=data)

    MODEL_FIELDS = (
        "title",
        "kind",
        "description",
        "amount_eur",
        "conditions",
        "requires_loket_participation",
        "facility_types",
        "min_places",
        "max_places",
        "required_documents",
        "opens_on",
        "closes_on",
        "published",
    )

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        premium = self.kind.data == MeasureKind.PREMIUM
        if premium and self.amount_eur.data is None and not self.amount_eur.errors:
            self.fail("amount_eur", _l("A premium needs an amount."))
        low, high = self.min_places.data, self.max_places.data
        if low is not None and high is not None and low > high:
            self.fail("max_places", _l("The maximum cannot be below the minimum."))
        opens, closes = self.opens_on.data, self.closes_on.data
        if opens and closes and closes < opens:
            self.fail("closes_on", _l("The closing date cannot be before the opening date."))
        return not any(field.errors for field in self)

    def values(self) -> dict:
        """The measure's columns, the area typed as lists turned into lists."""
        values = {name: self[name].data for name in self.MODEL_FIELDS}
        values["conditions"] = values["conditions"] or ""
        values["area_postcodes"] = split_list(self.area_postcodes.data or "")
        values["area_places"] = split_list(self.area_places.data or "")
        if values["kind"] != MeasureKind.PREMIUM:
            values["amount_eur"] = None
        return values


class BuildingForm(StartersForm):
    address = TextField(
        _l("Address"),
        required=True,
        max_length=ADDRESS_MAX,
        required_message=_l("Fill in the address."),
    )
    area_m2 = IntegerField(_l("Floor area in m²"), required=True, minimum=1, maximum=100_000)
    suitable_places = IntegerField(
        _l("Suitable number of places"), required=True, minimum=1, maximum=500
    )
    rent_and_conditions = TextAreaField(_l("Rent and conditions"), max_length=REASON_MAX, rows=2)
    accessibility = TextAreaField(_l("Accessibility"), max_length=REASON_MAX, rows=2)
    available_from = DateField(_l("Available from"))

    def values(self) -> dict:
        values = dict(self.data)
        for name in ("rent_and_conditions", "accessibility"):
            values[name] = values[name] or ""
        return values


class BuildingPhotoForm(StartersForm):
    """A photo of a building; the photo service checks the content (see photos.py)."""

    photo = FileField(
        _l("Photo (PNG or JPEG, at most 5 MB)"),
        id="building-photo",
        required=True,
        extensions=PHOTO_EXTENSIONS,
        max_bytes=PHOTO_MAX_BYTES,
    )
    caption = TextField(_l("What the photo shows (for people who cannot see it)"), max_length=200)


class BuildingStatusForm(StartersForm):
    """Withdraw a building or offer it again (only the CSRF token)."""


class InterestForm(StartersForm):
    """A starter's interest in a building, for one of their applications."""

    application_id = UUIDField()
    message = TextAreaField(
        _l("Message to the municipality (optional)"), max_length=REASON_MAX, rows=2
    )

    def for_building(self, building_id: uuid.UUID) -> InterestForm:
        self.message.id = f"message-{building_id}"
        return self


class MatchForm(StartersForm):
    """Staff record whether a starter's interest in a building became a match."""

    outcome = RadioField(
        _l("Outcome of the match"),
        choices=[(code, INTEREST_OUTCOMES[code]) for code in ("matched", "not_matched")],
        required_message=_l("Choose matched or not matched."),
    )
    note = TextAreaField(_l("Note"), max_length=REASON_MAX, rows=2)

    def for_interest(self, interest_id: uuid.UUID) -> MatchForm:
        self.outcome.id = f"outcome-{interest_id}"
        self.note.id = f"note-{interest_id}"
        return self


class AgreementForm(StartersForm):
    """A company agreement; the location choices are the loket's locations (if any)."""

    company = TextField(
        _l("Company"),
        required=True,
        max_length=NAME_MAX,
        required_message=_l("Fill in the company."),
    )
    facility_name = TextField(
        _l("Facility"),
        required=True,
        max_length=NAME_MAX,
        required_message=_l("Fill in the facility."),
    )
    location_id = SelectField(
        _l("Location in the loket (when the facility is known there)"), required=False
    )
    places = IntegerField(_l("Reserved places"), required=True, minimum=1, maximum=500)
    starts_on = DateField(_l("From"), required=True)
    ends_on = DateField(_l("Until (optional)"))
    note = TextAreaField(_l("Note"), max_length=REASON_MAX, rows=2)
    email_domains = TextField(
        _l("The company's e-mail domains (employees prove their address on one to claim a place)"),
        max_length=REASON_MAX,
    )
    contact_email = EmailField(_l("Company contact who hears of each claim"), required=False)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        starts, ends = self.starts_on.data, self.ends_on.data
        if starts and ends and ends < starts:
            self.fail("ends_on", _l("The end date cannot be before the start date."))
        domains = company_places.normalised_domains(self.email_domains.data or "")
        wrong = [d for d in domains if not company_places.is_company_domain(d)]
        if wrong and not self.email_domains.errors:
            self.fail(
                "email_domains",
                _l(
                    "Not a company's own domain: %(domains)s. Anyone can get an address at a "
                    "public mail provider, so it proves no employment.",
                    domains=", ".join(wrong),
                ),
            )
        if domains and not self.location_id.data and not self.places.errors:
            self.fail(
                "location_id",
                _l("Choose the facility's location in the loket: employees claim places there."),
            )
        return not any(field.errors for field in self)

    def values(self) -> dict:
        values = dict(self.data)
        values["location_id"] = uuid.UUID(values["location_id"]) if values["location_id"] else None
        values["note"] = values["note"] or ""
        values["email_domains"] = company_places.normalised_domains(values["email_domains"] or "")
        values["contact_email"] = values["contact_email"] or ""
        return values
