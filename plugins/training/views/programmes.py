"""Programmes, their cohorts, and a cohort's pipeline board (managers)."""

from __future__ import annotations

import uuid

from flask import redirect, url_for
from sqlmodel import select

from core import audit
from core.rendering import render
from core.web import db_session
from plugins.training import store
from plugins.training.access import actor, require_manager, visible_organisations
from plugins.training.forms import CohortForm, CohortMessageForm, ProgrammeForm
from plugins.training.models import Cohort, CohortMessage, Programme
from plugins.training.services import PIPELINE, IntakeOutcome, Progress, Stage, next_stages
from plugins.training.views.common import blueprint, load, offer_organisations, organisation_names

# Moves the board offers as a single button: they need nothing but the click.
ONE_CLICK = {Stage.INFO_SESSION_ATTENDED, Stage.ENROLLED, Stage.IN_TRAINING, Stage.GRADUATED}


@blueprint.route("/programmas", methods=["GET", "POST"])
@require_manager
def programmes():
    session = db_session()
    form = ProgrammeForm()
    choices = offer_organisations(form)
    if form.validate_on_submit():
        programme = Programme(
            organisation_id=form.organisation.organisation_id,
            name=form.name.data,
            qualification=form.qualification.data,
            description=form.description.data or "",
        )
        session.add(programme)
        session.commit()
        return redirect(url_for("training.programme", programme_id=programme.id), 303)
    visible = visible_organisations()
    return (
        render(
            "training/programmes.html",
            programmes=store.programmes(session, visible),
            cohorts=store.cohorts(session, visible),
            organisation_names=organisation_names(),
            organisation_choices=choices,
            form=form,
        ),
        422 if form.errors else 200,
    )


@blueprint.route("/programmas/<uuid:programme_id>", methods=["GET", "POST"])
@require_manager
def programme(programme_id: uuid.UUID):
    session = db_session()
    found = load(Programme, programme_id)
    form = CohortForm()
    if form.validate_on_submit():
        cohort = Cohort(
            programme_id=found.id,
            organisation_id=found.organisation_id,
            name=form.name.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            schedule=form.schedule.data,
            location=form.location.data,
            capacity=form.capacity.data,
            required_internship_hours=form.required_internship_hours.data,
            modules_total=form.modules_total.data or 0,
        )
        session.add(cohort)
        session.commit()
        return redirect(url_for("training.board", cohort_id=cohort.id), 303)
    return (
        render(
            "training/programme.html",
            programme=found,
            cohorts=store.cohorts(session, visible_organisations(), programme_id=found.id),
            organisation_names=organisation_names(),
            form=form,
        ),
        422 if form.errors else 200,
    )


@blueprint.get("/groepen/<uuid:cohort_id>")
@require_manager
def board(cohort_id: uuid.UUID):
    return board_page(load(Cohort, cohort_id))


def board_page(cohort: Cohort, errors: dict | None = None, status: int = 200, message_form=None):
    """The board; ``errors`` maps a card (candidate id) to the message of its refused move."""
    session = db_session()
    members = store.candidates(session, visible_organisations(), cohort_id=cohort.id)
    # A cohort's own stages run from enrolment on; the stages before it show only while a
    # candidate the intake had in mind for this cohort still stands there.
    enrolment = PIPELINE.index(Stage.ENROLLED)
    columns = [
        (stage, [c for c in members if c.stage == stage])
        for stage in (*PIPELINE, Stage.DROPPED_OUT)
    ]
    columns = [
        (stage, cards) for stage, cards in columns if cards or stage not in PIPELINE[:enrolment]
    ]
    progresses = store.progresses_of(session, members)
    cards = {c.id: _card_actions(progresses[c.id]) for c in members}
    return (
        render(
            "training/board.html",
            block="board",
            cohort=cohort,
            programme=session.get(Programme, cohort.programme_id),
            columns=columns,
            cards=cards,
            seats_taken=store.seats_taken(session, cohort.id),
            errors=errors or {},
            message_form=message_form or CohortMessageForm(formdata=None),
            messages=list(
                session.exec(
                    select(CohortMessage)
                    .where(CohortMessage.cohort_id == cohort.id)
                    .order_by(CohortMessage.sent_at.desc())
                )
            ),
        ),
        status,
    )


@blueprint.post("/groepen/<uuid:cohort_id>/bericht")
@require_manager
def cohort_message(cohort_id: uuid.UUID):
    """Staff mail one message to every candidate of the cohort (logged on the cohort page)."""
    from plugins.training import notifications

    cohort = load(Cohort, cohort_id)
    session = db_session()
    form = CohortMessageForm()
    if not form.validate_on_submit():
        return board_page(cohort, status=422, message_form=form)
    sent = notifications.cohort_message(
        session, cohort, subject=form.subject.data, body=form.body.data, sent_by=actor()
    )
    audit.record(
        session,
        action="training.cohort_message_sent",
        object_type="training_cohort",
        object_id=cohort.id,
        detail={"recipients": sent},
    )
    session.commit()
    return redirect(url_for("training.board", cohort_id=cohort.id, _anchor="messages"), 303)


def _card_actions(progress: Progress) -> list[Stage]:
    """The one-click moves a board card offers for a candidate at this progress."""
    actions = []
    for stage in next_stages(progress):
        if stage not in ONE_CLICK:
            continue
        if stage == Stage.GRADUATED and progress.internship_hours < progress.required_hours:
            continue
        if stage == Stage.ENROLLED and progress.intake_outcome != IntakeOutcome.SUITABLE:
            continue
        actions.append(stage)
    return actions
