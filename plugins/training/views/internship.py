"""Internship hours: the intern logs dated hours on their path page, the mentor (a member of the
childcare provider at the placement) confirms or rejects them on the mentoring page."""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, url_for

from core.identity.access import require_permission
from core.identity.confirmations import verified_email
from core.rendering import render
from core.web import db_session
from plugins.training import internship, store
from plugins.training.access import actor
from plugins.training.forms import HoursForm, ReviewForm, show_rule_errors
from plugins.training.models import Candidate, InternshipHours
from plugins.training.services import RuleError
from plugins.training.views.common import blueprint, today
from plugins.training.views.public import my_path_page


@blueprint.post("/mijn-traject/<uuid:candidate_id>/stage-uren")
@require_permission("training.follow")
def log_internship_hours(candidate_id: uuid.UUID):
    session = db_session()
    mine = store.candidates_of_citizen(session, g.user.id, verified_email(g.user))
    candidate = next((c for c in mine if c.id == candidate_id), None)
    if candidate is None:
        abort(404)
    form = HoursForm()
    if form.validate_on_submit():
        try:
            internship.log_hours(
                session,
                candidate,
                worked_on=form.worked_on.data,
                hours=form.hours.data,
                description=form.description.data or "",
                user_id=g.user.id,
                today=today(),
            )
        except RuleError as refused:
            show_rule_errors(form, refused.errors)
    if form.errors:
        session.rollback()
        return my_path_page(form, candidate_id)
    session.commit()
    return redirect(url_for("training.my_path", _anchor=f"hours-{candidate_id}"), 303)


def _mentor_organisations() -> set[uuid.UUID]:
    if g.get("user") is None:
        abort(401)
    organisations = internship.mentor_organisations(db_session(), g.user.id)
    if not organisations:
        abort(404)
    return organisations


@blueprint.get("/stagebegeleiding")
def mentoring():
    return _mentoring_page(_mentor_organisations())


def _mentoring_page(organisations, failed: InternshipHours | None = None, form=None):
    session = db_session()
    interns = [
        (candidate, internship.entries(session, candidate.id))
        for candidate in internship.interns_of(session, organisations)
    ]
    # One form per pending entry, each with its own field names and ids.
    forms = {
        entry.id: review_form(entry.id, formdata=None)
        for _candidate, entries in interns
        for entry in entries
    }
    if failed is not None:
        forms[failed.id] = form
    return (
        render("training/mentoring.html", interns=interns, review_forms=forms, failed_form=form),
        422 if form is not None else 200,
    )


def review_form(entry_id: uuid.UUID, **kwargs) -> ReviewForm:
    return ReviewForm(prefix=f"entry-{entry_id}", **kwargs)


@blueprint.post("/stagebegeleiding/uren/<uuid:entry_id>")
def review_internship_hours(entry_id: uuid.UUID):
    organisations = _mentor_organisations()
    session = db_session()
    entry = session.get(InternshipHours, entry_id)
    candidate = session.get(Candidate, entry.candidate_id) if entry else None
    if candidate is None or candidate.placement_provider_id not in organisations:
        abort(404)  # another provider's intern (or another tenant's): not revealed
    form = review_form(entry.id)
    if form.validate_on_submit():
        try:
            internship.review(
                session,
                entry,
                candidate,
                decision=form.decision.data,
                reason=form.reason.data or "",
                user_id=g.user.id,
                actor=actor(),
            )
        except RuleError as refused:
            show_rule_errors(form, refused.errors)
    if form.errors:
        session.rollback()
        return _mentoring_page(organisations, session.get(InternshipHours, entry_id), form)
    session.commit()
    return redirect(url_for("training.mentoring", _anchor=f"intern-{candidate.id}"), 303)
