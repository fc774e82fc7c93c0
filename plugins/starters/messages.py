"""The words for refusals that services and uploads name by code."""

from __future__ import annotations

from flask_babel import gettext as _

from plugins.starters.uploads import MAX_BYTES


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
        "amount_required": _("Fill in the amount granted."),
        "amount_too_high": _("The amount granted cannot exceed the premium in the catalogue."),
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
    if code == "empty":
        return _("The file is empty.")
    return _("Choose a file to upload.")
