"""Words for the loket's codes, in the visitor's language: the rules a service checked, and the
values stored in the database (a status, a day part, an age group)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from core.i18n import words_per_language


def error_messages(codes: Mapping[str, str], max_preferences: int = 0) -> dict[str, str]:
    """Field id → a sentence for each rule a service checked (codes from ``validate_request``
    and ``ckg_hand_off.validate``): what is wrong and what to do."""
    words = {
        "required": _("Fill in this field."),
        "emergency_birth_unknown": _(
            "Enter the child's birth date first: the age decides which places fit."
        ),
        "emergency_not_born": _(
            "The child is not born yet (or its birth date is not entered): an emergency place "
            "starts now."
        ),
        "emergency_too_young": _(
            "The child is too young for out-of-school care: choose a place in baby and "
            "toddler care."
        ),
        "emergency_too_old": _(
            "The child is too old for baby and toddler care: choose a place in out-of-school care."
        ),
        "emergency_other_age_group": _(
            "This place is for another age group than the child's: choose a place for its age."
        ),
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
        "consent_required": _("Hand a family on only with the parent's consent: tick the box."),
        "summary_too_long": _("Keep the summary under 2000 characters."),
        "urgency_invalid": _("Choose how urgent it is."),
    }
    return {field: words.get(code, code) for field, code in codes.items()}


@words_per_language
def care_need_words() -> dict[str, str]:
    """The care needs in the visitor's language; on their own, because a list words them per
    row and all of :func:`labels` per row cost a work list page thousands of lookups."""
    return {
        "medical": _("Medical care"),
        "developmental_delay": _("Developmental delay"),
        "physical_disability": _("Physical disability"),
        "behavioural": _("Behavioural support"),
        "dietary": _("Special diet"),
    }


@words_per_language
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
        "care_need": care_need_words(),
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
        "state": {
            "draft": _("Draft"),
            "open": _("Waiting for a place"),
            "open_after_decline": _("Declined a place; the other choices are still in the running"),
            "no_choice_left": _(
                "No choice is still in the running: change the request to add locations"
            ),
            "proposed": _("Place proposed"),
            "placed": _("Placed"),
            "withdrawn": _("Withdrawn"),
        },
        "origin": {
            "online": _("Online, by the parent"),
            "parent": _("Online, by the parent"),
            "phone": _("By phone"),
            "counter": _("At the counter"),
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
            "together_not_possible": _("no place here for all your children together"),
            "no_longer_free": _("The place is no longer free"),
            "care_need_not_supported": _("The care need cannot be supported"),
            "days_not_possible": _("The days are not possible"),
            "other": _("Another reason"),
        },
        # What would change the outcome, per reason a choice gave no place.
        "what_changes_it": {
            "no_free_place": _(
                "A place here frees up or is reported later; more locations or another start "
                "date widen your chances."
            ),
            "outranked": _(
                "Families with a higher priority came first. If your situation changed (for "
                "example you now work at least 4/5), change your request and show proof."
            ),
            "days_not_offered": _("Choose days this location is open to widen your chances."),
            "care_needs_not_supported": _(
                "The counter contacts you to talk about the care your child needs."
            ),
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


def care_needs_text(codes) -> str:
    """Care needs in words, comma-separated ("" for none)."""
    if not codes:
        return ""
    names = care_need_words()
    return ", ".join(names.get(code, code) for code in codes or ())
