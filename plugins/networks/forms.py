"""The plugin's HTML forms on the core's field types (core/forms.py).

The domain rules stay in services.py: a :class:`~plugins.networks.services.RuleError` names the
element (or field) its messages belong to, and :meth:`NetworksForm.apply_rules` puts them on the
form, so the page shows every message next to its field and in the error summary. A page with
one form per member or per invitation gives each form's elements their own ids
(:meth:`NetworksForm.with_ids`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from core.forms import (
    BooleanField,
    DateField,
    EmailField,
    MultiCheckboxField,
    PlatformForm,
    TextAreaField,
    TextField,
    UUIDField,
    coerce_uuid,
)
from plugins.networks.models import MINUTES_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX
from plugins.networks.services import LANGUAGES, DirectoryQuery, ServiceInput


class NetworksForm(PlatformForm):
    def value(self, name: str) -> str:
        return self[name].data or ""

    def with_ids(self, prefix: str, *, strip: str = "") -> NetworksForm:
        """Give every field the id ``<prefix>-<name>`` (``strip`` removed from the name), for a
        page that shows this form more than once or next to a form with the same names."""
        for field in self:
            field.id = f"{prefix}-{field.name.removeprefix(strip)}"
        return self

    def apply_rules(self, errors: dict) -> None:
        """A service's rule messages (keyed by element id or field name) on the fields that
        have no message of their own yet."""
        for field in self:
            message = errors.get(field.id, errors.get(field.name))
            if message is not None and not field.errors:
                field.errors = [str(message)]


def _named(field_class, name: str, *args, **kwargs):
    return field_class(*args, name=name, **kwargs)


class NetworkForm(NetworksForm):
    """Start a network, or change its name, kind and purpose."""

    name = TextField(_l("Name of the network"), max_length=NAME_MAX)
    purpose = TextAreaField(_l("Purpose (at most 2000 characters)"), max_length=TEXT_MAX)
    kind = TextField(_l("Kind of network"), max_length=60)


class MemberForm(NetworksForm):
    """Admit a granted organisation, or name a partner without an account."""

    organisation = UUIDField(_l("Organisation"), required=False)
    member_name = _named(TextField, "member-name", _l("Name"), max_length=NAME_MAX)
    sector = TextField(_l("Sector"), max_length=60)
    coordinates = BooleanField()


class ContactForm(NetworksForm):
    contact_name = _named(TextField, "contact-name", _l("Name"), max_length=NAME_MAX)
    contact_function = _named(TextField, "contact-function", _l("Function"), max_length=NAME_MAX)
    contact_email = _named(EmailField, "contact-email", _l("E-mail"))
    contact_phone = _named(TextField, "contact-phone", _l("Phone"), max_length=40)


class CoordinatorForm(NetworksForm):
    coordinates = BooleanField()


class EndMembershipForm(NetworksForm):
    """Only a button; ``member`` carries the refusal (the member still owns open actions) and
    its id is the button's, ``end-<member id>``."""

    member = UUIDField(required=False)


class InvitationForm(NetworksForm):
    invitation = TextAreaField(max_length=TEXT_MAX, rows=3)
    partner_tenant = UUIDField(required=False)


class CounterpartForm(NetworksForm):
    counterpart = UUIDField(required=False)


class ServiceForm(NetworksForm):
    """A service on the social map; its elements have ``service-<name>`` ids."""

    member = UUIDField(_l("Offered by"), id="service-member", required=False)
    name = TextField(_l("Name of the service"), id="service-name", max_length=NAME_MAX)
    description = TextAreaField(
        _l("What the service offers"), id="service-description", max_length=TEXT_MAX
    )
    category = TextField(_l("Kind of help"), id="service-category", max_length=60)
    target_group = TextField(_l("For whom"), id="service-target_group", max_length=SHORT_MAX)
    how_to_reach = TextField(_l("How to reach"), id="service-how_to_reach", max_length=SHORT_MAX)
    cost = TextField(_l("Cost"), id="service-cost", max_length=30)
    cost_note = TextField(_l("About the cost"), id="service-cost_note", max_length=SHORT_MAX)
    contact = TextField(_l("Contact"), id="service-contact", max_length=SHORT_MAX)
    languages = MultiCheckboxField(_l("Languages"), id="service-languages", choices=list(LANGUAGES))
    public = BooleanField(id="service-public")

    def to_input(self) -> ServiceInput:
        chosen = set(self.languages.data or ())
        return ServiceInput(
            member_id=self.member.data,
            name=self.value("name"),
            description=self.value("description"),
            category=self.value("category"),
            target_group=self.value("target_group"),
            how_to_reach=self.value("how_to_reach"),
            languages=[code for code in LANGUAGES if code in chosen],
            cost=self.value("cost"),
            cost_note=self.value("cost_note"),
            contact=self.value("contact"),
            public=bool(self.public.data),
        )


class MeetingForm(NetworksForm):
    held_on = DateField(_l("Date"))
    starts_at = TextField(_l("Starts at"), max_length=5)
    ends_at = TextField(_l("Ends at"), max_length=5)
    place = TextField(_l("Place"), max_length=SHORT_MAX)
    agenda = TextAreaField(_l("Agenda"), max_length=6000, rows=6)


class RescheduleForm(NetworksForm):
    """A new date, time or place for a planned meeting; the invitees get an update."""

    held_on = DateField(_l("Date"))
    starts_at = TextField(_l("Starts at"), max_length=5)
    ends_at = TextField(_l("Ends at"), max_length=5)
    place = TextField(_l("Place"), max_length=SHORT_MAX)


class CancelMeetingForm(NetworksForm):
    pass


class AttendanceForm(NetworksForm):
    """A meeting's attendance; :func:`attendance_form` adds the fields of its members."""


def attendance_form(members, recorded: dict | None = None) -> AttendanceForm:
    """The attendance form of a meeting: a presence and a person per member. With ``recorded``
    (attendance rows by member id) it shows those rows instead of what was posted."""

    class MeetingAttendanceForm(AttendanceForm):
        pass

    for member in members:
        setattr(
            MeetingAttendanceForm,
            f"presence_{member.id.hex}",
            TextField(name=f"presence-{member.id}"),
        )
        setattr(
            MeetingAttendanceForm,
            f"person_{member.id.hex}",
            TextField(name=f"person-{member.id}", max_length=150),
        )
    if recorded is None:
        return MeetingAttendanceForm()
    data = {}
    for member_id, row in recorded.items():
        data[f"presence_{member_id.hex}"], data[f"person_{member_id.hex}"] = row.status, row.person
    return MeetingAttendanceForm(formdata=None, data=data)


class MinutesForm(NetworksForm):
    minutes = TextAreaField(id="minutes-text", max_length=MINUTES_MAX * 2, rows=8)


class ActionForm(NetworksForm):
    title = TextField(max_length=SHORT_MAX)
    due_on = DateField()
    owner = UUIDField(required=False)


class RegionalActionForm(NetworksForm):
    """An action a partner municipality adds to the owner's regional meeting (issue 21)."""

    title = TextField(max_length=SHORT_MAX)
    due_on = DateField()


class ActionStatusForm(NetworksForm):
    status = TextField(max_length=30)


class CaseForm(NetworksForm):
    """``participants.choices`` are the ids of the network's members."""

    purpose = TextAreaField(max_length=TEXT_MAX * 2, rows=3)
    participants = MultiCheckboxField(coerce=coerce_uuid)


class ConsentForm(NetworksForm):
    consent_case_reference = TextField(max_length=64)
    consent_basis = TextField(id="consent-basis", max_length=SHORT_MAX * 2)
    consent_confirmed = BooleanField(id="consent-confirmed")


class FamilyDetailsForm(NetworksForm):
    family_details = TextAreaField(max_length=MINUTES_MAX * 2)


def read_directory_query(args: MultiDict) -> DirectoryQuery:
    return DirectoryQuery(
        text=args.get("q", "").strip()[:100],
        category=args.get("category", "").strip()[:30],
        language=args.get("language", "").strip()[:5],
        cost=args.get("cost", "").strip()[:15],
    )
