"""The plugin's HTML forms on the core's field types (core/forms.py).

Field names are the ones the pages have always posted (``parent-1-name``, ``child-2-birth_date``,
``target``…); the domain rules a form cannot see (the CKG's mandate, consent, the workflow) stay
in services.py and come back as messages on these fields through :meth:`CkgForm.apply_rules`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.forms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    MultiCheckboxField,
    PlatformForm,
    RadioField,
    SelectField,
    TextAreaField,
    TextField,
    UUIDField,
    coerce_uuid,
)
from plugins.ckg.models import (
    ADDRESS_MAX,
    LANGUAGE_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    NOTE_MAX,
    PHONE_MAX,
    REASON_MAX,
    SUMMARY_MAX,
)
from plugins.ckg.services import (
    CAPACITY_COLUMNS,
    DOMAINS,
    EDITABLE_FIELDS,
    MAX_CHILDREN,
    MAX_PARENTS,
    ChildInput,
    Offer,
    OverrideReason,
    ParentInput,
    ReferralInput,
    StepDetails,
    Urgency,
)

CAPACITY_FIELDS = tuple(column for pair in CAPACITY_COLUMNS.values() for column in pair)


class CkgForm(PlatformForm):
    def field_by_id(self, field_id: str):
        return next((field for field in self if field.id == field_id), None)

    def apply_rules(self, errors: dict) -> None:
        """Show a service's rule messages (keyed by field id) next to their fields; a field
        that already has a message of its own keeps only that one."""
        for field_id, message in errors.items():
            field = self.field_by_id(field_id)
            if field is not None and not field.errors:
                field.errors = [*field.errors, str(message)]


def _text(value) -> str:
    return value or ""


class ReferralForm(CkgForm):
    """The referral form; ``organisation.choices`` are the CKGs the municipality granted."""

    organisation = SelectField(_l("CKG"), required=False, coerce=coerce_uuid)
    domains = MultiCheckboxField(_l("Domains of concern"), choices=list(DOMAINS))
    concern_summary = TextAreaField(
        _l("What worries you? (at most 1000 characters)"), max_length=SUMMARY_MAX, rows=5
    )
    requested_offer = RadioField(
        _l("What is asked of the CKG"), required=False, choices=[str(o) for o in Offer]
    )
    groeipakket_notice_given = BooleanField()
    route = RadioField(_l("Route"), required=False, choices=["direct", "indirect"])
    access_gate_reference = TextField(
        _l("Reference of the mandated service or the access gate"), max_length=NAME_MAX
    )
    urgency = RadioField(_l("Urgency"), required=False, choices=[str(u) for u in Urgency])
    consent = RadioField(
        _l("The parents' consent"), required=False, choices=["given", "refused", "overridden"]
    )
    consent_override_reason = RadioField(
        _l("Reason to go ahead without consent"),
        required=False,
        choices=[str(r) for r in OverrideReason],
    )
    consent_explanation = TextAreaField(
        _l("Why without consent? (at most 500 characters)"), max_length=REASON_MAX, rows=3
    )
    family_email = EmailField(_l("E-mail address of a parent (optional)"), max_length=320)
    family_phone = TextField(_l("Phone number of the family"), max_length=PHONE_MAX)
    family_address = TextField(_l("Address of the family"), max_length=ADDRESS_MAX)
    family_language = TextField(_l("Language the family prefers"), max_length=LANGUAGE_MAX)
    interpreter_needed = BooleanField(_l("An interpreter is needed"))
    referrer_name = TextField(_l("Your name"), max_length=NAME_MAX)
    referrer_organisation_name = TextField(_l("Your organisation"), max_length=NAME_MAX)
    referrer_phone = TextField(_l("Your phone number"), max_length=PHONE_MAX)

    def parent(self, number: int, part: str):
        return self[f"parent_{number}_{part}"]

    def child(self, number: int, part: str):
        return self[f"child_{number}_{part}"]

    def to_input(self) -> ReferralInput:
        parents = [
            ParentInput(
                name=_text(self.parent(n, "name").data),
                relation=_text(self.parent(n, "relation").data),
            )
            for n in range(1, MAX_PARENTS + 1)
        ]
        children = [
            ChildInput(
                name=_text(self.child(n, "name").data),
                birth_date=self.child(n, "birth_date").data,
                expected_birth=self.child(n, "expected_birth").data,
            )
            for n in range(1, MAX_CHILDREN + 1)
        ]
        return ReferralInput(
            organisation_id=self.organisation.data,
            parents=parents,
            children=children,
            domains=list(self.domains.data or ()),
            concern_summary=_text(self.concern_summary.data),
            requested_offer=_text(self.requested_offer.data),
            urgency=_text(self.urgency.data),
            route=self._typed("route") or "direct",
            access_gate_reference=self._typed("access_gate_reference"),
            groeipakket_notice_given=bool(self._typed("groeipakket_notice_given")),
            consent=self._typed("consent"),
            consent_override_reason=self._typed("consent_override_reason"),
            consent_explanation=self._typed("consent_explanation"),
            family_email=self._typed("family_email").lower(),
            family_phone=_text(self.family_phone.data),
            family_address=_text(self.family_address.data),
            family_language=_text(self.family_language.data),
            interpreter_needed=bool(self.interpreter_needed.data),
            referrer_name=self._typed("referrer_name"),
            referrer_organisation_name=self._typed("referrer_organisation_name"),
            referrer_phone=self._typed("referrer_phone"),
        )

    def _typed(self, name: str):
        """A field's value, or ``""`` when this form has no such field (the parent's form)."""
        field = self._fields.get(name)
        return (field.data or "") if field is not None else ""


class SelfReferralForm(ReferralForm):
    """A parent asks the CKG for help for their own family: a plain form without the
    referrer's, the route's or the consent's questions — the parent is the one who consents."""

    route = None
    access_gate_reference = None
    groeipakket_notice_given = None
    consent = None
    consent_override_reason = None
    consent_explanation = None
    family_email = None
    referrer_name = None
    referrer_organisation_name = None
    referrer_phone = None
    requested_offer = RadioField(
        _l("What help would you like?"),
        required=False,
        choices=[str(o) for o in Offer if o != Offer.LONG_STAY],
    )


for _number in range(1, MAX_PARENTS + 1):
    setattr(
        ReferralForm,
        f"parent_{_number}_name",
        TextField(
            _l("Name of parent or guardian %(number)d", number=_number),
            name=f"parent-{_number}-name",
            max_length=NAME_MAX,
        ),
    )
    setattr(
        ReferralForm,
        f"parent_{_number}_relation",
        TextField(
            _l("Relation to the children (mother, father, guardian…)"),
            name=f"parent-{_number}-relation",
            max_length=30,
        ),
    )
for _number in range(1, MAX_CHILDREN + 1):
    setattr(
        ReferralForm,
        f"child_{_number}_name",
        TextField(_l("First name"), name=f"child-{_number}-name", max_length=NAME_MAX),
    )
    setattr(
        ReferralForm,
        f"child_{_number}_birth_date",
        DateField(_l("Birth date"), name=f"child-{_number}-birth_date"),
    )
    setattr(
        ReferralForm,
        f"child_{_number}_expected_birth",
        DateField(_l("Expected birth date (unborn child)"), name=f"child-{_number}-expected_birth"),
    )


class StepForm(CkgForm):
    """A workflow step; which target may follow which is the workflow's rule (services.move)."""

    # The radio group's fieldset has the id "status": the workflow's message names it.
    target = TextField(_l("New status"), id="status", max_length=30)
    intake_on = DateField(_l("Intake date (for “intake planned”)"))
    offer = TextField(_l("Offer"), max_length=30)
    antenna = UUIDField(_l("Antenna"), required=False)
    starts_on = DateField(_l("Start date"))
    planned_end = DateField(_l("Planned end (for a short stay, at most six weeks)"))
    redirected_to = TextField(
        _l("Service the family is redirected to (for “redirected”)"), max_length=NAME_MAX
    )
    outcome = TextField(_l("Outcome (for “closed”)"), max_length=40)
    reason = TextAreaField(
        _l("Reason (at most 500 characters; required to waitlist or redirect)"),
        max_length=REASON_MAX,
        rows=2,
    )

    def to_details(self, antennas: dict) -> StepDetails:
        """The step's details; ``antennas`` by id (the referral's CKG's own)."""
        return StepDetails(
            reason=_text(self.reason.data),
            intake_on=self.intake_on.data,
            offer=_text(self.offer.data),
            antenna=antennas.get(self.antenna.data) if self.antenna.data else None,
            starts_on=self.starts_on.data,
            planned_end=self.planned_end.data,
            redirected_to=_text(self.redirected_to.data),
            outcome=_text(self.outcome.data),
        )


class ReferralDataForm(CkgForm):
    """The CKG corrects what the referrer passed on (services.edit_referral); ids are prefixed
    so they do not clash with the other forms of the page."""

    concern_summary = TextAreaField(
        _l("What worries the referrer? (at most 1000 characters)"),
        id="edit-concern_summary",
        max_length=SUMMARY_MAX,
        rows=4,
    )
    domains = MultiCheckboxField(_l("Domains of concern"), id="edit-domains", choices=list(DOMAINS))
    family_phone = TextField(
        _l("Phone number of the family"), id="edit-family_phone", max_length=PHONE_MAX
    )
    family_address = TextField(
        _l("Address of the family"), id="edit-family_address", max_length=ADDRESS_MAX
    )
    family_language = TextField(
        _l("Language the family prefers"), id="edit-family_language", max_length=LANGUAGE_MAX
    )
    interpreter_needed = BooleanField(_l("An interpreter is needed"), id="edit-interpreter_needed")
    groeipakket_notice_given = BooleanField(
        _l("The parents know that two thirds of the Groeipakket is withheld during a long stay"),
        id="edit-groeipakket_notice_given",
    )
    referrer_name = TextField(
        _l("Name of the referrer"), id="edit-referrer_name", max_length=NAME_MAX
    )
    referrer_organisation_name = TextField(
        _l("Organisation of the referrer"),
        id="edit-referrer_organisation_name",
        max_length=NAME_MAX,
    )
    referrer_phone = TextField(
        _l("Phone number of the referrer"), id="edit-referrer_phone", max_length=PHONE_MAX
    )

    @classmethod
    def for_referral(cls, referral) -> ReferralDataForm:
        return cls(formdata=None, data={name: getattr(referral, name) for name in EDITABLE_FIELDS})

    def values(self) -> dict:
        return {name: self[name].data for name in EDITABLE_FIELDS}

    def apply_rules(self, errors: dict) -> None:
        super().apply_rules({f"edit-{key}": message for key, message in errors.items()})


class OfferForm(CkgForm):
    """One more offer for an accepted case; the ids differ from the step form's (one page)."""

    offer = TextField(_l("Offer"), id="add-offer", max_length=30)
    antenna = UUIDField(_l("Antenna"), id="add-antenna", required=False)
    starts_on = DateField(_l("Start date"), id="add-starts_on")
    planned_end = DateField(
        _l("Planned end (for a short stay, at most six weeks)"), id="add-planned_end"
    )

    def to_details(self, antennas: dict) -> StepDetails:
        return StepDetails(
            offer=_text(self.offer.data),
            antenna=antennas.get(self.antenna.data) if self.antenna.data else None,
            starts_on=self.starts_on.data,
            planned_end=self.planned_end.data,
        )

    def apply_rules(self, errors: dict) -> None:
        super().apply_rules({f"add-{key}": message for key, message in errors.items()})


class EndOfferForm(CkgForm):
    ended_on = DateField(_l("Actual end"), id="ended_on")


class TransferForm(CkgForm):
    """A case in care moves to an antenna (of this CKG or another); a referral not yet accepted
    goes to another CKG (plugins/ckg/transfer.py)."""

    antenna = UUIDField(_l("Move the case to antenna"), id="transfer-antenna", required=False)
    ckg = UUIDField(_l("Hand the referral over to"), id="handover-ckg", required=False)

    def apply_rules(self, errors: dict) -> None:
        ids = {"antenna": "transfer-antenna", "ckg": "handover-ckg"}
        super().apply_rules({ids.get(key, key): message for key, message in errors.items()})


class ConsentForm(CkgForm):
    """The family's choice about its consent (plugins/ckg/consent.py)."""

    # An unknown choice is answered by consent.apply, with a message that says what to do.
    action = TextField(_l("Your consent"), max_length=30)
    confirmed = BooleanField()


class AssignForm(CkgForm):
    """Take the case (``me``) or give it back (``nobody``)."""

    assign = RadioField(_l("Worker"), choices=["me", "nobody"])


class NoteForm(CkgForm):
    body = TextAreaField(
        _l("New note (at most %(max)d characters)", max=NOTE_MAX),
        id="note-body",
        required=True,
        required_message=_l("Write the note before saving it."),
        max_length=NOTE_MAX,
        rows=3,
    )


class MessageForm(CkgForm):
    message = TextAreaField(
        _l("Message (at most %(max)d characters)", max=MESSAGE_MAX),
        max_length=MESSAGE_MAX,
        rows=3,
    )


CAPACITY_LABELS = {
    "home_guidance_slots": _l("Home-guidance slots"),
    "home_guidance_occupied": _l("Home-guidance slots in use"),
    "day_guidance_places": _l("Day-guidance places"),
    "day_guidance_occupied": _l("Day-guidance places in use"),
    "short_stay_beds": _l("Short-stay beds"),
    "short_stay_occupied": _l("Short-stay beds in use"),
    "long_stay_beds": _l("Long-stay beds"),
    "long_stay_occupied": _l("Long-stay beds in use"),
}


class AntennaForm(CkgForm):
    """One antenna's capacity and on-call contact; ``antenna_id`` empty adds an antenna.

    The page shows one such form per antenna: :meth:`for_antenna` gives each its own element
    ids (``antenna-<id>-short_stay_beds``, ``new-name``) while the names stay the same.
    """

    antenna_id = UUIDField(required=False)
    # Only a new antenna names its CKG and its name (the view checks both).
    organisation_id = SelectField(_l("CKG"), required=False, coerce=coerce_uuid)
    name = TextField(_l("Name of the antenna"), max_length=100)
    on_call_email = EmailField(_l("On-call e-mail (24/7, receives crisis alerts)"), max_length=320)
    on_call_phone = TextField(_l("On-call phone (24/7)"), max_length=40)
    second_on_call_email = EmailField(
        _l("Second on-call e-mail (alerted when a crisis is not picked up in time)"),
        max_length=320,
    )

    def for_antenna(self, antenna) -> AntennaForm:
        prefix = f"antenna-{antenna.id}" if antenna is not None else "new"
        for field in self:
            field.id = f"{prefix}-{field.name}"
        return self

    def capacity_fields(self) -> list:
        return [self[column] for column in CAPACITY_FIELDS]

    def capacity_values(self) -> dict[str, int]:
        # An empty box means no places (the page always posts every box).
        return {column: self[column].data or 0 for column in CAPACITY_FIELDS}


for _column in CAPACITY_FIELDS:
    setattr(
        AntennaForm,
        _column,
        IntegerField(CAPACITY_LABELS[_column], minimum=0, maximum=999),
    )
