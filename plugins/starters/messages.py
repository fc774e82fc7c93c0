"""The words for refusals that services and uploads name by code."""

from __future__ import annotations

from flask_babel import gettext as _

from plugins.starters.eligibility import Unmet, restricts_area
from plugins.starters.labels import FACILITY_TYPES, label
from plugins.starters.uploads import MAX_BYTES


def or_list(items: list[str]) -> str:
    """``["Zolder", "Heusden", "Koersel"]`` → ``"Zolder, Heusden or Koersel"``."""
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s or %(last)s", first=", ".join(items[:-1]), last=items[-1])


def area_text(measure) -> str:
    """The measure's area in words (place names first, then postcodes); empty when everywhere."""
    if not restricts_area(measure.area_postcodes, measure.area_places):
        return ""
    postcodes = [_("postcode %(postcode)s", postcode=code) for code in measure.area_postcodes]
    return or_list([*measure.area_places, *postcodes])


def project_place(application) -> str:
    place = " ".join(part for part in (application.postcode, application.area) if part)
    return place or _("an area not filled in yet")


def unmet_reason(unmet: Unmet, measure, application) -> str:
    """One sentence naming the condition and what the project has instead."""
    if unmet == Unmet.FACILITY_TYPE:
        kinds = or_list([label(FACILITY_TYPES, kind) for kind in measure.facility_types])
        kind = label(FACILITY_TYPES, application.facility_type) if application.facility_type else ""
        return _(
            "Only for %(kinds)s; this project is %(kind)s.",
            kinds=kinds,
            kind=kind or _("not filled in yet"),
        )
    if unmet == Unmet.TOO_FEW_PLACES:
        return _(
            "Only for projects with at least %(minimum)d places; this project plans %(places)d.",
            minimum=measure.min_places,
            places=application.planned_places or 0,
        )
    if unmet == Unmet.TOO_MANY_PLACES:
        return _(
            "Only for projects with at most %(maximum)d places; this project plans %(places)d.",
            maximum=measure.max_places,
            places=application.planned_places or 0,
        )
    return _(
        "Only for projects in %(area)s; this project is in %(place)s.",
        area=area_text(measure),
        place=project_place(application),
    )


def not_eligible_message(measure, unmet: list[Unmet], application) -> str:
    """The refusal a starter reads when asking for a measure their project does not meet."""
    reasons = " ".join(unmet_reason(condition, measure, application) for condition in unmet)
    return _(
        "“%(measure)s” does not fit your project. %(reasons)s",
        measure=measure.title,
        reasons=reasons,
    )


def rule_message(code: str) -> str:
    messages = {
        "measure_not_open": _("One of the chosen measures is not open for applications."),
        "measure_not_eligible": _("One of the chosen measures does not fit your project."),
        "no_measures": _("Choose at least one measure."),
        "project_incomplete": _("Complete the step about your project first."),
        "documents_missing": _("Add the documents that the chosen measures require."),
        "declaration_missing": _("Confirm the declaration."),
        "not_a_draft": _("This application was already submitted."),
        "not_under_review": _("This application is not under review."),
        "question_required": _("Write your question."),
        "already_answered": _("This question was already answered."),
        "answer_required": _("Write your answer."),
        "already_decided": _("This measure was already decided."),
        "decision_required": _("Choose approve or refuse."),
        "reason_required": _("Give the reason for a refusal."),
        "exception_reason_required": _(
            "The project does not meet every condition of this measure: explain why you approve it."
        ),
        "amount_required": _("Fill in the amount granted."),
        "opening_in_future": _("The opening date cannot be in the future."),
        "amount_too_high": _("The amount granted cannot exceed the premium in the catalogue."),
        "not_payable": _("Only an approved premium with an amount can be paid."),
        "payment_out_of_order": _(
            "A payment goes step by step: first requested, then paid, then (if needed) recovered."
        ),
        "payment_in_future": _("The date cannot be in the future."),
        "payment_before_previous": _("The date cannot be before the previous step."),
        "recovery_reason_required": _("Give the reason why the premium is recovered."),
        "send_back_reason_required": _("Say why the proposal is sent back."),
        "not_proposed": _("This measure is not waiting for a second approval."),
        "same_person": _(
            "You proposed this approval yourself: another staff member must give the second "
            "approval."
        ),
    }
    return messages.get(code, _("This action is not possible now."))


def upload_message(code: str, detail: str = "") -> str:
    if code == "too_big":
        return _("The file is too big: at most %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024))
    if code == "wrong_type":
        return _("Only PDF, PNG and JPEG files are accepted.")
    if code == "content_mismatch":
        return _("The file's content does not match its name: only real PDF, PNG or JPEG files.")
    if code == "bad_name":
        return _("The file name is not accepted: use a plain name like businessplan.pdf.")
    if code == "infected":
        return _("The file was refused by the virus scanner: %(reason)s", reason=detail)
    if code == "scan_failed":
        return _(
            "The virus scan could not be completed, so the file was not stored. Try again later; "
            "if it keeps failing, contact the municipality."
        )
    if code == "empty":
        return _("The file is empty.")
    return _("Choose a file to upload.")


def photo_message(code: str, detail: str = "") -> str:
    from plugins.starters.photos import PHOTO_MAX_BYTES

    if code == "too_big":
        return _("The photo is too big: at most %(mb)d MB.", mb=PHOTO_MAX_BYTES // (1024 * 1024))
    if code in ("not_an_image", "wrong_type", "content_mismatch"):
        return _("Only photos in PNG or JPEG are accepted.")
    if code == "too_many":
        return _("A building has at most %(count)d photos.", count=detail)
    return upload_message(code, detail)
