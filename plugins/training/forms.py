"""The training plugin's forms, one per HTML form, on the core's shared field types.

A view binds a form, sets the choices that depend on the request (the sessions still open, the
organisations the person may act for), calls ``validate_on_submit()`` and hands the values to
the store. Rules only the store can check come back as ``RuleError`` and are put on the fields
with :func:`show_rule_errors`, so every message stands beside its field and in the summary.

Dates and times of info sessions and courses are typed in Belgian time and stored in UTC
(``DateTimeField(zone="Europe/Brussels")``).
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

from core.db import utcnow
from core.forms import (
    BooleanField,
    DateField,
    DateTimeField,
    EmailField,
    FileField,
    IntegerField,
    MultiCheckboxField,
    PlatformForm,
    SelectField,
    TextAreaField,
    TextField,
    UUIDField,
)
from plugins.training.labels import (
    DROPOUT_LABELS,
    INTAKE_LABELS,
    LANGUAGE_NAMES,
    QUALIFICATION_LABELS,
    SCHEDULE_LABELS,
    STAGE_LABELS,
)
from plugins.training.models import NAME_MAX, PHONE_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from plugins.training.services import Stage

# -- field types ---------------------------------------------------------------------------------


def _choices(labels: dict) -> list[tuple[str, str]]:
    """(code, label) pairs from one of the plugin's label tables (lazy: read per language)."""
    return [(str(code), text) for code, text in labels.items()]


class OrganisationField(SelectField):
    """Who runs what a manager publishes: one of their organisations, or (staff) the
    municipality itself, the empty value. With a single choice the field is not shown and
    that choice is taken."""

    def __init__(self, label=None, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(label, **kwargs)

    def offer(self, organisations: dict) -> None:
        """``organisations`` maps ids (``None`` for the municipality) to names."""
        self.choices = [
            ("" if key is None else str(key), name) for key, name in organisations.items()
        ]

    def pre_validate(self, form) -> None:
        values = [value for value, _name in self.choices]
        if self.data in (None, ""):
            if "" in values:
                self.data = None
            elif len(values) == 1:
                self.data = values[0]
            else:
                raise StopValidation(_l("Choose who runs it."))
        elif self.data not in values:
            raise StopValidation(_l("Choose who runs it."))

    @property
    def organisation_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.data) if self.data else None


class _InTheFuture:
    def __init__(self, message) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is not None and field.data <= utcnow():
            raise ValidationError(self.message)


class _PhoneCharacters:
    def __call__(self, form, field) -> None:
        if field.data and not all(ch.isdigit() or ch in " +-/()." for ch in field.data):
            raise ValidationError(_l("Enter a phone number with digits only."))


def _single_spaces(value):
    # Names are compared and shown on one line: runs of spaces (a pasted tab) become one.
    return " ".join(value.split()) if isinstance(value, str) else value


def _lower(value):
    # One address, one person: the store looks addresses up in lower case.
    return value.lower() if isinstance(value, str) else value


def _name(label, required_message, max_length: int = NAME_MAX) -> TextField:
    return TextField(
        label,
        required=True,
        required_message=required_message,
        max_length=max_length,
        filters=[_single_spaces],
    )


def _email() -> EmailField:
    return EmailField(
        _l("E-mail address"),
        required=True,
        required_message=_l("Enter your e-mail address."),
        filters=[_lower],
    )


def _location() -> TextField:
    return _name(_l("Location"), _l("Give the location."), TITLE_MAX)


def _capacity() -> IntegerField:
    return IntegerField(_l("Seats"), required=True, minimum=1, maximum=500)


def show_rule_errors(form: PlatformForm, errors: dict, *, aliases: dict | None = None) -> None:
    """Put a store's ``RuleError`` messages on the fields they name (``aliases`` maps a rule's
    key to the field that shows it)."""
    aliases = aliases or {}
    for key, message in errors.items():
        form.fail(aliases.get(key, key), message)


# -- public: info sessions and courses -----------------------------------------------------------


class RegistrationForm(PlatformForm):
    """Registering for an info session; ``info_session`` choices are the sessions still open."""

    interest = SelectField(
        _l("Which info session?"),
        choices=_choices(QUALIFICATION_LABELS),
        required_message=_l("Choose the kind of info session."),
    )
    info_session = SelectField(_l("Date and place"), required_message=_l("Choose an info session."))
    given_name = _name(_l("First name"), _l("Enter your first name."))
    family_name = _name(_l("Last name"), _l("Enter your last name."))
    email = _email()
    phone = TextField(_l("Phone (optional)"), max_length=PHONE_MAX, validators=[_PhoneCharacters()])
    contact_consent = BooleanField()

    def offer_sessions(self, sessions) -> None:
        """The info sessions still open are the choices (their ids)."""
        self.kinds = {str(s.id): s.kind for s in sessions}
        self.info_session.choices = [(key, key) for key in self.kinds]

    def validate_info_session(self, field) -> None:
        interest = self.interest.data
        if interest and not self.interest.errors and self.kinds[field.data] != interest:
            raise ValidationError(_l("This session is for the other kind; choose another."))

    def person(self) -> dict:
        return {
            "given_name": self.given_name.data,
            "family_name": self.family_name.data,
            "email": self.email.data,
        }


class CourseSignupForm(PlatformForm):
    given_name = _name(_l("First name"), _l("Enter your first name."))
    family_name = _name(_l("Last name"), _l("Enter your last name."))
    email = _email()
    employer = _name(
        _l("Childcare provider you work for"),
        _l("Name the childcare provider you work for."),
        TITLE_MAX,
    )

    person = RegistrationForm.person


# -- managers: programmes, cohorts, info sessions, courses ---------------------------------------


class ProgrammeForm(PlatformForm):
    organisation = OrganisationField(_l("Run by"))
    name = _name(_l("Name"), _l("Give the programme a name."), TITLE_MAX)
    qualification = SelectField(
        _l("Qualification"),
        choices=_choices(QUALIFICATION_LABELS),
        required_message=_l("Choose the qualification."),
    )
    description = TextAreaField(_l("Description"), max_length=TEXT_MAX, rows=3)


class CohortForm(PlatformForm):
    name = _name(_l("Name"), _l("Give the cohort a name."), TITLE_MAX)
    starts_on = DateField(_l("Start date"), required=True)
    ends_on = DateField(_l("Expected end date"), required=True)
    location = _location()
    capacity = _capacity()
    required_internship_hours = IntegerField(
        _l("Required internship hours"), required=True, minimum=0, maximum=2000
    )
    modules_total = IntegerField(_l("Number of modules"), minimum=0, maximum=50)
    schedule = SelectField(
        _l("Schedule"),
        choices=_choices(SCHEDULE_LABELS),
        required_message=_l("Choose the schedule."),
    )

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError(_l("The end date comes after the start date."))


class InfoSessionForm(PlatformForm):
    organisation = OrganisationField(_l("Run by"))
    kind = SelectField(
        _l("For"),
        choices=_choices(QUALIFICATION_LABELS),
        required_message=_l("Choose the kind of info session."),
    )
    starts_at = DateTimeField(
        _l("Date and time"),
        required=True,
        zone="Europe/Brussels",
        required_message=_l("Enter a date and time."),
        validators=[_InTheFuture(_l("An info session is planned in the future."))],
    )
    location = _location()
    capacity = _capacity()


class CourseForm(PlatformForm):
    organisation = OrganisationField(_l("Run by"))
    title = _name(_l("Title"), _l("Give the course a title."), TITLE_MAX)
    starts_at = DateTimeField(
        _l("Date and time"),
        required=True,
        zone="Europe/Brussels",
        required_message=_l("Enter a date and time."),
        validators=[_InTheFuture(_l("A course is planned in the future."))],
    )
    location = _location()
    capacity = _capacity()
    description = TextAreaField(_l("Description"), max_length=TEXT_MAX, rows=3)


class _TickedRows(MultiCheckboxField):
    """Ticked rows of a list; a value that is no row of it (cancelled meanwhile, or crafted)
    counts as not ticked rather than refusing the whole list."""

    def pre_validate(self, form) -> None:
        known = {value for value, *_ in self.iter_choices()}
        self.data = [value for value in self.data or () if value in known]


class AttendanceForm(PlatformForm):
    """Who came: ``attended`` choices are the ids of the registrations or sign-ups."""

    attended = _TickedRows(_l("Came"))

    def offer(self, rows) -> None:
        self.attended.choices = [(str(row.id), str(row.id)) for row in rows]

    def attended_ids(self) -> set[uuid.UUID]:
        return {uuid.UUID(value) for value in self.attended.data or ()}


# -- managers: a candidate's path ----------------------------------------------------------------


class CandidateForm(PlatformForm):
    organisation = OrganisationField(_l("Run by"))
    given_name = _name(_l("First name"), _l("Enter your first name."))
    family_name = _name(_l("Last name"), _l("Enter your last name."))
    email = _email()
    phone = TextField(_l("Phone (optional)"), max_length=PHONE_MAX, validators=[_PhoneCharacters()])
    interest = SelectField(
        _l("Qualification"),
        choices=_choices(QUALIFICATION_LABELS),
        required_message=_l("Choose the qualification."),
    )
    contact_consent = BooleanField()

    person = RegistrationForm.person


COHORT_STAGES = (Stage.INTAKE, Stage.ENROLLED, Stage.IN_TRAINING)


class StepForm(PlatformForm):
    """The step form of the candidate page; the board's buttons post ``target`` (and
    ``from_board``) only."""

    target = SelectField(
        _l("Move to"),
        choices=_choices(STAGE_LABELS),
        required_message=_l("Choose the stage to move to."),
    )
    reason = TextAreaField(max_length=REASON_MAX, rows=2)
    intake_outcome = SelectField(choices=_choices(INTAKE_LABELS), required=False)
    intake_reasons = TextAreaField(max_length=REASON_MAX, rows=2)
    needs_childcare = BooleanField()
    cohort = UUIDField(required=False)
    placement_location = UUIDField(required=False)
    placement_name = TextField(max_length=TITLE_MAX)
    employer = TextField(max_length=TITLE_MAX)
    employed_in_region = BooleanField()
    dropout_reason = SelectField(choices=_choices(DROPOUT_LABELS), required=False)
    dropout_note = TextAreaField(max_length=REASON_MAX, rows=2)
    from_board = BooleanField()

    def cohort_id(self) -> uuid.UUID | None:
        """The cohort matters only for the stages that name one."""
        return self.cohort.data if self.target.data in COHORT_STAGES else None


class ProgressForm(PlatformForm):
    modules = IntegerField(_l("Modules passed to add"), minimum=0, maximum=50)


class PartnerForm(PlatformForm):
    """Staff hand a candidate to a training partner; choices are the tenant's partners."""

    partner = SelectField(_l("Training partner"), required_message=_l("Choose a training partner."))


class HandOffForm(PlatformForm):
    child_name = TextField(_l("Child's first name"), max_length=NAME_MAX)
    child_birth_date = DateField(_l("Date of birth (or expected date)"))
    desired_start = DateField(_l("Childcare needed from"))
    language = SelectField(
        _l("Language for contact"), choices=_choices(LANGUAGE_NAMES), required=False, default="nl"
    )
    note = TextAreaField(_l("Note for the loket (optional)"), max_length=REASON_MAX, rows=3)
    consent = BooleanField()


class HoursForm(PlatformForm):
    """An intern logs one day of internship (the date rule is the store's: a clear message)."""

    worked_on = DateField(
        _l("Date"), required=True, required_message=_l("Enter the date you worked.")
    )
    hours = IntegerField(
        _l("Hours"),
        required=True,
        minimum=1,
        maximum=12,
        required_message=_l("Enter between 1 and %(max)s hours for one day.", max=12),
    )
    description = TextAreaField(_l("What did you do?"), max_length=REASON_MAX, rows=3)


class StaffHoursForm(HoursForm):
    """The school logs a day of internship on the intern's behalf; the mentor still confirms it."""

    worked_on = DateField(
        _l("Date"), required=True, required_message=_l("Enter the date the candidate worked.")
    )
    description = TextAreaField(_l("What did the candidate do?"), max_length=REASON_MAX, rows=3)


class ReviewForm(PlatformForm):
    """The mentor confirms or rejects one entry; a rejection needs a reason."""

    decision = SelectField(
        _l("Decision"),
        choices=[("confirmed", _l("Confirm")), ("rejected", _l("Reject"))],
        required_message=_l("Choose confirm or reject."),
    )
    reason = TextAreaField(_l("Reason for rejecting"), max_length=REASON_MAX, rows=2)


class DocumentForm(PlatformForm):
    """A criminal-record extract or a diploma; documents.py sniffs the content."""

    kind = SelectField(
        _l("Kind of document"),
        choices=[
            ("criminal_record", _l("Criminal-record extract (model 2)")),
            ("diploma", _l("Diploma")),
        ],
        required_message=_l("Choose what kind of document this is."),
    )
    issued_on = DateField(_l("Issued on"), required=True, required_message=_l("Fill in a date."))
    expires_on = DateField(_l("Valid until (empty: no end)"))
    document = FileField(
        _l("File"),
        required=True,
        extensions=("pdf", "png", "jpg", "jpeg"),
        max_bytes=5 * 1024 * 1024,
    )


class VacancyForm(PlatformForm):
    """A provider publishes a job opening for childcare workers."""

    title = TextField(_l("Job title"), required=True, max_length=TITLE_MAX)
    location = TextField(_l("Location"), required=True, max_length=TITLE_MAX)
    hours_per_week = IntegerField(_l("Hours per week"), required=True, minimum=1, maximum=40)
    starts_on = DateField(_l("Starts on"), required=True, required_message=_l("Fill in a date."))
    contact = TextField(_l("Contact (name, e-mail or phone)"), required=True, max_length=TITLE_MAX)


class HireForm(PlatformForm):
    """Staff record that a candidate was hired for a vacancy; choices are the open vacancies."""

    vacancy = SelectField(_l("Vacancy"), required_message=_l("Choose the vacancy."))


class CohortMessageForm(PlatformForm):
    """Staff write one message to every candidate of a cohort."""

    subject = TextField(_l("Subject"), required=True, max_length=TITLE_MAX)
    body = TextAreaField(_l("Message"), required=True, max_length=4000, rows=6)
