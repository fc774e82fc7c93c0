"""Forms on flask-wtf: one base class and the field types every module shares.

A plugin's ``forms.py`` declares its forms on :class:`PlatformForm` with these fields; a view
only calls ``form.validate_on_submit()`` and hands ``form.data`` (or a value object built from
it) to a service. ``core/templates/forms.html`` renders any of these fields in the Utrecht
markup, with the error summary linking each message to its field::

    class ContactForm(PlatformForm):
        name = TextField(_l("Name"), required=True, max_length=120)
        email = EmailField(_l("E-mail address"), required=True)
        starts_on = DateField(_l("Start date"), earliest=date.today)
        places = IntegerField(_l("Places"), minimum=1, maximum=500)

Every message is an English ``lazy_gettext`` string translated in the core catalog, so a
Dutch page never shows an English WTForms default. Only POST (and PUT, PATCH, DELETE) binds
the submitted data: a GET or HEAD never reaches a view's submit branch.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import support
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField as _FlaskFileField
from wtforms import fields, validators, widgets
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation, ValidationError

from core.i18n import current_language

# C0 and C1 controls, DEL, and the Unicode line/paragraph separators: never part of a name or a
# note, and a NUL byte is refused by PostgreSQL itself. Multi-line text keeps tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

EMAIL_MAX = 254


def _without_control_characters(text: str, *, multiline: bool) -> str:
    return (_CONTROL if multiline else _CONTROL_SINGLE_LINE).sub("", text or "")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a character no person types (NUL, escape, a line separator...);
    ``multiline`` text may hold tabs and line breaks."""
    return bool((_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(text))


@lru_cache(maxsize=8)
def _wtforms_catalog(language: str) -> support.Translations:
    return support.Translations.load(messages_path(), [language], domain="wtforms")


class PlatformForm(FlaskForm):
    """The base of every form: CSRF is checked once for the whole app (``CSRFProtect``, htmx
    sends the token in a header), so the form carries no token field of its own."""

    class Meta:
        csrf = False

        def get_translations(self, form):
            """WTForms' own messages from a catalog read once per language (flask-wtf parses
            it from disk for every request)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return None
            return _wtforms_catalog(current_language())

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, first message) per invalid field, in the form's order: the summary at
        the top of the page links each message to its field."""
        return [(field.id, str(field.errors[0])) for field in self if field.errors]

    def labels_by_id(self) -> dict[str, str]:
        """The label of each field by its id: the summary names the field of each message, so
        three times "Fill in this field." says which three fields."""
        return {field.id: str(field.label.text) for field in self if field.label is not None}

    def errors_by_id(self) -> dict[str, str]:
        return dict(self.error_summary())

    def fail(self, field_name: str, message: str) -> None:
        """Mark a field invalid after validation, for a rule only a service can check."""
        getattr(self, field_name).errors = [*getattr(self, field_name).errors, message]


class QueryForm(PlatformForm):
    """Filters, search terms and page numbers read from the query string (a GET form).

    Bound to ``request.args`` on every method. A value that does not fit is not an error page:
    call ``form.validate()`` and read ``form.value(name, default)``, which falls back to the
    default for an invalid field (the page shows the message next to the filter)."""

    def __init__(self, *args, **kwargs) -> None:
        from flask import request

        kwargs.setdefault("formdata", request.args)
        super().__init__(*args, **kwargs)

    def value(self, name: str, default=None):
        field = getattr(self, name)
        return default if field.errors or field.data in (None, "", []) else field.data


def _first_value(valuelist) -> str:
    """The submitted text of a single-value field, stripped; ``""`` when nothing was sent."""
    return valuelist[0].strip() if valuelist else ""


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _Required(validators.InputRequired):
    """Something was sent, and it is more than spaces once stripped: " " in a name or an
    address is as empty as nothing, and must not reach the module as ``""``."""

    def __call__(self, form, field) -> None:
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def _required(required: bool, message) -> list:
    return [_Required(message=message)] if required else [validators.Optional()]


class _RefuseControlCharacters:
    def __init__(self, *, multiline: bool) -> None:
        self.pattern = _CONTROL if multiline else _CONTROL_SINGLE_LINE

    def __call__(self, form, field) -> None:
        if field.data and self.pattern.search(field.data):
            raise StopValidation(_l("Remove the invisible control characters from this field."))


class _MaxLength:
    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, form, field) -> None:
        if field.data and len(field.data) > self.limit:
            raise ValidationError(_l("Use at most %(limit)d characters.", limit=self.limit))


class TextField(fields.StringField):
    """Text on one line, stripped; control characters and over-long text refused."""

    def __init__(
        self,
        label=None,
        *,
        required: bool = False,
        max_length: int = 200,
        required_message=None,
        **kwargs,
    ) -> None:
        self.max_length = max_length
        checks = [
            *_required(required, required_message or _l("Fill in this field.")),
            _RefuseControlCharacters(multiline=False),
            _MaxLength(max_length),
        ]
        super().__init__(
            label,
            validators=[*checks, *kwargs.pop("validators", ())],
            filters=[_strip, *kwargs.pop("filters", ())],
            **kwargs,
        )

    def _value(self) -> str:
        # What was typed is shown again to correct, without the characters that were refused.
        shown = self.data if isinstance(self.data, str) else (self.raw_data or [""])[0]
        return _without_control_characters(shown, multiline=isinstance(self, TextAreaField))


class TextAreaField(TextField):
    """Text over several lines; newlines and tabs are kept, other control characters refused."""

    widget = widgets.TextArea()

    def __init__(self, label=None, *, max_length: int = 2000, rows: int = 4, **kwargs) -> None:
        self.rows = rows
        super().__init__(label, max_length=max_length, **kwargs)
        self.validators = [
            _RefuseControlCharacters(multiline=True)
            if isinstance(v, _RefuseControlCharacters)
            else v
            for v in self.validators
        ]


class _SingleEmailAddress:
    """One address as mail systems agree on it (the ``email-validator`` package): no list
    (``a@x,b@y``), no display name, quotes or angle brackets (``"><svg…>@x``), a domain with a
    dot. The stored form is normalised: the domain lower-cased and an international domain in
    its ASCII (punycode) form, so one address is one person and every mail server takes it."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        try:
            checked = validate_email(
                field.data,
                check_deliverability=False,
                allow_smtputf8=False,
                allow_quoted_local=False,
                allow_display_name=False,
                allow_domain_literal=False,
            )
        except EmailNotValidError:
            raise StopValidation(_l("Fill in one e-mail address, like name@example.be.")) from None
        # RFC 5321 limits; email-validator does not hold every mail server to the local one.
        if len(checked.local_part) > 64 or len(checked.ascii_email) > EMAIL_MAX:
            raise StopValidation(_l("Fill in one e-mail address, like name@example.be."))
        field.data = checked.ascii_email


class EmailField(TextField):
    """Exactly one e-mail address, normalised (see :class:`_SingleEmailAddress`)."""

    input_type = "email"

    def __init__(self, label=None, **kwargs) -> None:
        kwargs.setdefault("max_length", EMAIL_MAX)
        kwargs.setdefault("required_message", _l("Fill in an e-mail address."))
        super().__init__(
            label, validators=[_SingleEmailAddress(), *kwargs.pop("validators", ())], **kwargs
        )
        self.widget = widgets.EmailInput()


Bound = date | Callable[[], date] | None
# What the browser's date picker sends, and how people in Flanders write a date without one.
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
# No person means year 1 or 10000; outside these a date is a typo (or a probe for a crash).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?")
# ASCII digits only: ``int()`` also takes "٣" and "³" would not parse; both are refused politely.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")


def _resolve(bound: Bound) -> date | None:
    return bound() if callable(bound) else bound


def _typed_date(raw: str) -> date | None:
    """YYYY-MM-DD or day/month/year (31/01/2027, 31-1-2027, 31.01.2027), ASCII digits only."""
    try:
        if _ISO_DATE.fullmatch(raw):
            return date.fromisoformat(raw)
        if match := _DAY_FIRST.fullmatch(raw):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def coerce_uuid(value) -> uuid.UUID:
    """The ``coerce`` of a choice of ids: the posted text, or the stored id itself."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class DateField(fields.DateField):
    """A date as the browser's date picker sends it (YYYY-MM-DD) or as a person types it without
    one (31/01/2027), within bounds.

    ``earliest``/``latest`` are dates or callables (``date.today``) evaluated per submission.
    """

    widget = widgets.DateInput()

    def __init__(
        self,
        label=None,
        *,
        required: bool = False,
        earliest: Bound = None,
        latest: Bound = None,
        required_message=None,
        **kwargs,
    ) -> None:
        self.earliest = EARLIEST_DATE if earliest is None else earliest
        self.latest = LATEST_DATE if latest is None else latest
        super().__init__(
            label,
            format="%Y-%m-%d",
            validators=[
                *_required(required, required_message or _l("Fill in a date.")),
                self._within_bounds,
                *kwargs.pop("validators", ()),
            ],
            **kwargs,
        )

    def process_formdata(self, valuelist) -> None:
        raw = _first_value(valuelist)
        if not raw:
            self.data = None
            return
        self.data = _typed_date(raw)
        if self.data is None:
            raise ValueError(_l("Fill in the date as day/month/year, like 31/01/2027."))

    def pre_validate(self, form) -> None:
        # A value that did not parse keeps its own message; do not add "fill in a date".
        if self.process_errors:
            raise StopValidation()

    @staticmethod
    def _within_bounds(form, field) -> None:
        earliest, latest = _resolve(field.earliest), _resolve(field.latest)
        if field.data is None:
            return
        if earliest and field.data < earliest or latest and field.data > latest:
            if earliest and latest:
                message = _l(
                    "Fill in a date from %(earliest)s to %(latest)s.",
                    earliest=earliest.isoformat(),
                    latest=latest.isoformat(),
                )
            elif earliest:
                message = _l("Fill in a date on or after %(day)s.", day=earliest.isoformat())
            else:
                message = _l("Fill in a date on or before %(day)s.", day=latest.isoformat())
            raise StopValidation(message)

    def bounds(self) -> tuple[date | None, date | None]:
        return _resolve(self.earliest), _resolve(self.latest)


class IntegerField(fields.IntegerField):
    """A whole number from ``minimum`` to ``maximum``."""

    widget = widgets.NumberInput()

    def __init__(
        self,
        label=None,
        *,
        required: bool = False,
        minimum: int = 0,
        maximum: int = 1_000_000,
        required_message=None,
        **kwargs,
    ) -> None:
        self.minimum, self.maximum = minimum, maximum
        super().__init__(
            label,
            validators=[
                *_required(required, required_message or _l("Fill in a number.")),
                self._within_bounds,
                *kwargs.pop("validators", ()),
            ],
            **kwargs,
        )

    def process_formdata(self, valuelist) -> None:
        raw = _first_value(valuelist)
        if not raw:
            self.data = None
            return
        if not _WHOLE_NUMBER.fullmatch(raw):
            self.data = None
            raise ValueError(_l("Fill in a whole number."))
        self.data = int(raw)

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()

    @staticmethod
    def _within_bounds(form, field) -> None:
        if field.data is not None and not field.minimum <= field.data <= field.maximum:
            raise StopValidation(
                _l(
                    "Fill in a number from %(minimum)d to %(maximum)d.",
                    minimum=field.minimum,
                    maximum=field.maximum,
                )
            )


class MonthField(fields.StringField):
    """A month typed as YYYY-MM (``<input type="month">``), in the same range as a date.

    ``data`` is the first day of that month."""

    widget = widgets.MonthInput()

    def __init__(self, label=None, *, required: bool = False, **kwargs) -> None:
        super().__init__(
            label,
            validators=[
                *_required(required, _l("Fill in a month.")),
                *kwargs.pop("validators", ()),
            ],
            **kwargs,
        )

    def process_formdata(self, valuelist) -> None:
        raw = _first_value(valuelist)
        if not raw:
            self.data = None
            return
        try:
            if not _ISO_MONTH.fullmatch(raw):
                raise ValueError(raw)
            first = date.fromisoformat(f"{raw}-01")
            if not EARLIEST_DATE <= first <= LATEST_DATE:
                raise ValueError(raw)
        except ValueError:
            self.data = None
            raise ValueError(_l("Fill in a month as YYYY-MM.")) from None
        self.data = first

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()

    def _value(self) -> str:
        if isinstance(self.data, date):
            return self.data.strftime("%Y-%m")
        return (self.raw_data or [""])[0]


class DateTimeField(fields.DateTimeLocalField):
    """A moment typed as YYYY-MM-DDTHH:MM (``<input type="datetime-local">``), with its date in
    the range of :class:`DateField`.

    ``zone`` says where the person's clock hangs: ``None`` gives a naive ``datetime``; a zone
    name (``"Europe/Brussels"``, ``"UTC"``) reads the typed time there and gives it in UTC."""

    def __init__(
        self,
        label=None,
        *,
        required: bool = False,
        earliest: Bound = None,
        latest: Bound = None,
        zone: str | None = None,
        required_message=None,
        **kwargs,
    ) -> None:
        self.earliest = EARLIEST_DATE if earliest is None else earliest
        self.latest = LATEST_DATE if latest is None else latest
        self.zone = ZoneInfo(zone) if zone else None
        super().__init__(
            label,
            format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
            validators=[
                *_required(required, required_message or _l("Fill in a date and time.")),
                self._within_bounds,
                *kwargs.pop("validators", ()),
            ],
            **kwargs,
        )

    def process_formdata(self, valuelist) -> None:
        raw = _first_value(valuelist)
        if not raw:
            self.data = None
            return
        try:
            if not _ISO_DATETIME.fullmatch(raw):
                raise ValueError(raw)
            typed = datetime.fromisoformat(raw)
        except ValueError:
            self.data = None
            raise ValueError(_l("Fill in a date and time as YYYY-MM-DD HH:MM.")) from None
        self.data = typed
        if self.zone is not None and EARLIEST_DATE <= typed.date() <= LATEST_DATE:
            self.data = typed.replace(tzinfo=self.zone).astimezone(UTC)

    def _value(self) -> str:
        if self.raw_data:
            return _without_control_characters(self.raw_data[0], multiline=False)
        if isinstance(self.data, datetime):
            shown = self.data.astimezone(self.zone) if self.zone else self.data
            return shown.strftime("%Y-%m-%dT%H:%M")
        return ""

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()

    @staticmethod
    def _within_bounds(form, field) -> None:
        earliest, latest = _resolve(field.earliest), _resolve(field.latest)
        if field.data is not None and not earliest <= field.data.date() <= latest:
            raise StopValidation(
                _l(
                    "Fill in a date from %(earliest)s to %(latest)s.",
                    earliest=earliest.isoformat(),
                    latest=latest.isoformat(),
                )
            )


class _ChoiceMessages:
    invalid = _l("Choose one of the options.")


def _choice_checks(required: bool, message) -> list:
    return [validators.InputRequired(message=message)] if required else [validators.Optional()]


class SelectField(fields.SelectField):
    """One of ``choices`` ((value, label) pairs); any other value is refused with a message.

    Choices may be set per request (``form.location.choices = [...]``) before validation.
    """

    def __init__(
        self, label=None, *, required: bool = True, required_message=None, **kwargs
    ) -> None:
        choices = kwargs.pop("choices", [])
        super().__init__(
            label,
            choices=[],
            validators=[
                *_choice_checks(required, required_message or _l("Choose one of the options.")),
                *kwargs.pop("validators", ()),
            ],
            **kwargs,
        )
        # (value, label) pairs, or a callable returning them; kept as given (WTForms would
        # convert tuples to its own choice objects).
        self.choices = choices

    def pre_validate(self, form) -> None:
        if self.data in (None, ""):
            return  # InputRequired (with its required_message) or Optional decides.
        if self.data not in {value for value, *_ in self.iter_choices()}:
            raise StopValidation(_ChoiceMessages.invalid)

    def process_formdata(self, valuelist) -> None:
        raw = valuelist[0] if valuelist else None
        if raw in (None, ""):
            self.data = None
            return
        try:
            self.data = self.coerce(raw)
        except (ValueError, TypeError):
            self.data = None
            raise ValueError(_ChoiceMessages.invalid) from None

    def iter_choices(self):
        for value, label, *_ in self._choices_list():
            yield (value, label, value == self.data, {})

    def _choices_list(self) -> list[tuple]:
        choices = self.choices() if callable(self.choices) else self.choices or []
        return [
            (self.coerce(c[0]), c[1]) if isinstance(c, (tuple, list)) else (c, c) for c in choices
        ]


class RadioField(SelectField):
    """One of ``choices``, shown as radio buttons in a fieldset."""


class MultiCheckboxField(fields.SelectMultipleField):
    """Any subset of ``choices``, shown as checkboxes in a fieldset; unknown values refused."""

    def __init__(
        self, label=None, *, required: bool = False, required_message=None, **kwargs
    ) -> None:
        choices = kwargs.pop("choices", [])
        checks = (
            [validators.InputRequired(message=required_message or _l("Choose at least one."))]
            if required
            else []
        )
        super().__init__(
            label, choices=[], validators=[*checks, *kwargs.pop("validators", ())], **kwargs
        )
        self.choices = choices

    def process_formdata(self, valuelist) -> None:
        try:
            self.data = [self.coerce(value) for value in valuelist]
        except (ValueError, TypeError):
            self.data = []
            raise ValueError(_ChoiceMessages.invalid) from None

    def pre_validate(self, form) -> None:
        known = {value for value, *_ in self.iter_choices()}
        if any(value not in known for value in self.data or ()):
            raise StopValidation(_ChoiceMessages.invalid)

    def iter_choices(self):
        choices = self.choices() if callable(self.choices) else self.choices or []
        for choice in choices:
            value, label = (
                (choice[0], choice[1]) if isinstance(choice, (tuple, list)) else (choice, choice)
            )
            value = self.coerce(value)
            yield (value, label, value in (self.data or ()), {})


class KnownChoicesField(MultiCheckboxField):
    """Checkboxes that keep only the values offered and drop the rest without a message.

    An edit page may still carry an option removed since it was opened (or a crafted value
    like ``sun-morning``): the other answers count, the unknown one is simply not an answer."""

    def pre_validate(self, form) -> None:
        chosen = set(self.data or ())
        # In the order offered, so what is stored does not depend on the browser's order.
        self.data = [value for value, *_ in self.iter_choices() if value in chosen]
        if not self.data and self.flags.required:
            required = next(v for v in self.validators if isinstance(v, validators.InputRequired))
            raise StopValidation(required.message)


class BooleanField(fields.BooleanField):
    """A single checkbox: ``True`` when ticked."""


class UUIDField(fields.StringField):
    """An id (of a row the view still has to look up in the tenant's session)."""

    widget = widgets.HiddenInput()

    def __init__(self, label=None, *, required: bool = True, **kwargs) -> None:
        super().__init__(
            label,
            validators=[
                *_required(required, _l("Choose one of the options.")),
                *kwargs.pop("validators", ()),
            ],
            **kwargs,
        )

    def process_formdata(self, valuelist) -> None:
        raw = _first_value(valuelist)
        if not raw:
            self.data = None
            return
        try:
            self.data = uuid.UUID(raw)
        except ValueError:
            self.data = None
            raise ValueError(_ChoiceMessages.invalid) from None

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()

    def _value(self) -> str:
        return str(self.data) if self.data else ""


class FileField(_FlaskFileField):
    """One uploaded file, at most ``max_bytes``, with one of ``extensions`` (lower case, no
    dot). The content itself (type sniffing, virus scan) is the plugin's upload service's job."""

    def __init__(
        self,
        label=None,
        *,
        required: bool = False,
        max_bytes: int = 10 * 1024 * 1024,
        extensions: Iterable[str] = (),
        **kwargs,
    ) -> None:
        self.max_bytes, self.extensions = max_bytes, tuple(extensions)
        super().__init__(
            label,
            validators=[
                *(
                    [validators.InputRequired(message=_l("Choose a file."))]
                    if required
                    else [validators.Optional()]
                ),
                self._acceptable,
                *kwargs.pop("validators", ()),
            ],
            **kwargs,
        )

    @staticmethod
    def _acceptable(form, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        name = upload.filename.rsplit("/", 1)[-1]
        if field.extensions and name.rsplit(".", 1)[-1].lower() not in field.extensions:
            raise StopValidation(
                _l("Choose a file of type %(types)s.", types=", ".join(field.extensions))
            )
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        upload.stream.seek(0)
        if size > field.max_bytes:
            raise StopValidation(
                _l("Choose a file of at most %(mb)d MB.", mb=max(1, field.max_bytes // 1_048_576))
            )


def field_kind(field) -> str:
    """The macro ``forms.field`` uses to render ``field`` (see core/templates/forms.html)."""
    for kind, classes in _KINDS:
        if isinstance(field, classes):
            return kind
    return "text"


_KINDS = (
    ("textarea", TextAreaField),
    ("month", MonthField),
    ("datetime", fields.DateTimeLocalField),
    ("email", EmailField),
    ("radios", RadioField),
    ("checkboxes", MultiCheckboxField),
    ("select", (SelectField, fields.SelectField)),
    ("date", (DateField, fields.DateField)),
    ("number", (IntegerField, fields.IntegerField)),
    ("checkbox", fields.BooleanField),
    ("file", fields.FileField),
    ("hidden", (UUIDField, fields.HiddenField)),
)


def init_app(app) -> None:
    app.jinja_env.globals["form_field_kind"] = field_kind
