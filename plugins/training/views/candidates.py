"""Candidates (managers): the list, adding one, the candidate page with its step, progress and
partner forms, and the hand-off to the loket."""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _

from core.rendering import is_htmx_fragment_request, render
from core.web import db_session
from plugins.training import documents, internship, notifications, store, vacancies
from plugins.training.access import actor, is_staff, require_manager, visible_organisations
from plugins.training.forms import (
    CandidateForm,
    HandOffForm,
    HireForm,
    PartnerForm,
    ProgressForm,
    StaffHoursForm,
    StepForm,
    show_rule_errors,
)
from plugins.training.handoff import LANGUAGES, HandOffInput, hand_off, may_offer_hand_off
from plugins.training.models import Candidate, Cohort
from plugins.training.services import PIPELINE, RuleError, Stage, Step
from plugins.training.views.common import (
    blueprint,
    childcare_locations,
    load,
    offer_organisations,
    organisation_names,
    record_for_candidate,
    today,
    training_partners,
)
from plugins.training.views.programmes import board_page


@blueprint.route("/kandidaten", methods=["GET", "POST"])
@require_manager
def candidates():
    """The list, and adding a candidate a partner met elsewhere (e.g. a VDAB counsellor)."""
    session = db_session()
    form = CandidateForm()
    choices = offer_organisations(form)
    if form.validate_on_submit():
        organisation_id = form.organisation.organisation_id
        if store.find_candidate(session, form.email.data, organisation_id):
            form.fail("email", _("A candidate with this e-mail address exists already."))
        else:
            found = store.add_candidate(
                session,
                store.Registrant(
                    **form.person(),
                    phone=form.phone.data or "",
                    interest=form.interest.data,
                    contact_consent=form.contact_consent.data,
                ),
                organisation_id=organisation_id,
                actor=actor(),
            )
            record_for_candidate(
                session,
                found,
                "training.candidate_added",
                {"contact_consent": found.contact_consent},
            )
            session.commit()
            return redirect(url_for("training.candidate", candidate_id=found.id), 303)
    stage = request.args.get("fase", "")
    if stage and stage not in set(Stage):
        stage = ""
    visible = visible_organisations()
    return (
        render(
            "training/candidates.html",
            candidates=store.candidates(session, visible, stage=stage or None),
            stage=stage,
            all_stages=[*PIPELINE, Stage.DROPPED_OUT],
            cohort_names={c.id: c.name for c in store.cohorts(session, visible)},
            # Who cannot take the internship or employment step yet (no valid extract).
            with_extract=documents.candidates_with_valid_extract(session, today()),
            organisation_choices=choices,
            form=form,
        ),
        422 if form.errors else 200,
    )


@blueprint.get("/kandidaten/<uuid:candidate_id>")
@require_manager
def candidate(candidate_id: uuid.UUID):
    return _candidate_page(load(Candidate, candidate_id))


def _candidate_page(
    candidate: Candidate,
    *,
    step_form: StepForm | None = None,
    progress_form: ProgressForm | None = None,
    hours_form: StaffHoursForm | None = None,
    partner_form: PartnerForm | None = None,
    hire_form=None,
):
    """The candidate page; a refused submission passes its form to show what was typed."""
    session = db_session()
    visible = visible_organisations()
    cohort = session.get(Cohort, candidate.cohort_id) if candidate.cohort_id else None
    open_cohorts = [c for c in store.cohorts(session, visible) if c.ends_on >= today()]
    taken = store.seats_taken_in(session, [c.id for c in open_cohorts])
    cohorts = [(c, max(c.capacity - taken[c.id], 0)) for c in open_cohorts]
    # Another page may link to one step ("?stap=intake") to choose it already.
    step_form = step_form or StepForm(formdata=None, data={"target": request.args.get("stap")})
    progress_form = progress_form or ProgressForm(formdata=None)
    hours_form = hours_form or StaffHoursForm(formdata=None)
    partners = training_partners() if is_staff() else []
    if partner_form is None:
        current = str(candidate.organisation_id) if candidate.organisation_id else None
        partner_form = PartnerForm(formdata=None, data={"partner": current})
    partner_form.partner.choices = [(str(p.id), p.name) for p in partners]
    open_vacancies = vacancies.open_vacancies(session)
    if hire_form is None:
        hire_form = HireForm(formdata=None)
    hire_form.vacancy.choices = [(str(v.id), v.title) for v in open_vacancies]
    invalid = (
        step_form.errors
        or progress_form.errors
        or hours_form.errors
        or partner_form.errors
        or hire_form.errors
    )
    return (
        render(
            "training/candidate.html",
            candidate=candidate,
            cohort=cohort,
            progress=store.progress_of(session, candidate),
            hour_entries=internship.entries(session, candidate.id),
            timeline=store.timeline(session, candidate.id),
            targets=_targets(candidate),
            cohorts=cohorts,
            locations=childcare_locations(),
            offer_hand_off=may_offer_hand_off(candidate),
            partners=partners,
            organisation_names=organisation_names(),
            step_form=step_form,
            progress_form=progress_form,
            hours_form=hours_form,
            partner_form=partner_form,
            hire_form=hire_form,
            open_vacancies=open_vacancies,
        ),
        422 if invalid else 200,
    )


def _targets(candidate: Candidate) -> list[Stage]:
    """Stages the step form offers: forward ones (skipping needs a reason), the same intake
    again, a drop-out, or — after a drop-out — the stages reached before."""
    if candidate.stage == Stage.DROPPED_OUT:
        reached = PIPELINE.index(Stage(candidate.furthest_stage))
        return list(PIPELINE[: reached + 1])
    current = PIPELINE.index(Stage(candidate.stage))
    if candidate.stage == Stage.EMPLOYED:
        return []
    targets = list(PIPELINE[current + 1 :])
    if candidate.stage == Stage.INTAKE:
        targets.insert(0, Stage.INTAKE)
    if candidate.stage in PIPELINE[: PIPELINE.index(Stage.GRADUATED)]:
        targets.append(Stage.DROPPED_OUT)
    return targets


@blueprint.post("/kandidaten/<uuid:candidate_id>/stap")
@require_manager
def move(candidate_id: uuid.UUID):
    session = db_session()
    found = load(Candidate, candidate_id)
    form = StepForm()
    # The free-text placement field stands in for the loket's locations when there are none.
    placement_field = "placement_location" if childcare_locations() else "placement_name"
    if form.validate_on_submit():
        step = _step(form, placement_field)
        if step is not None:
            try:
                record = store.move(
                    session,
                    found,
                    step,
                    actor=actor(),
                    today=today(),
                    visible=visible_organisations(),
                )
                notifications.stage_reached(
                    session, g.tenant, found, record.from_stage, record.to_stage
                )
            except RuleError as refused:
                show_rule_errors(form, refused.errors, aliases={"placement": placement_field})
    from_board = form.from_board.data
    if form.errors:
        session.rollback()
        found = load(Candidate, candidate_id)
        if from_board and found.cohort_id and is_htmx_fragment_request():
            cohort = session.get(Cohort, found.cohort_id)
            first = next(str(errors[0]) for errors in form.errors.values() if errors)
            return board_page(cohort, {str(found.id): first}, 422)
        return _candidate_page(found, step_form=form)
    session.commit()
    if from_board and found.cohort_id:
        cohort = session.get(Cohort, found.cohort_id)
        if is_htmx_fragment_request():
            return board_page(cohort)
        return redirect(url_for("training.board", cohort_id=cohort.id), 303)
    return redirect(url_for("training.candidate", candidate_id=found.id), 303)


def _step(form: StepForm, placement_field: str) -> Step | None:
    """The step the form asks for; ``None`` (with a message) for an unknown internship place."""
    target = form.target.data
    location_id, placement_name = None, form.placement_name.data or ""
    provider_id = None
    if target == Stage.INTERNSHIP and form.placement_location.data:
        locations = {location.id: location for location in childcare_locations()}
        location = locations.get(form.placement_location.data)
        if location is None:
            form.fail(placement_field, _("Choose the childcare location of the internship."))
            return None
        location_id, placement_name = location.id, location.name
        # Its provider's members become the intern's mentors.
        provider_id = location.provider_organisation_id
    return Step(
        target=target,
        reason=form.reason.data or "",
        intake_outcome=form.intake_outcome.data or "",
        intake_reasons=form.intake_reasons.data or "",
        needs_childcare=form.needs_childcare.data,
        cohort_id=form.cohort_id(),
        placement_location_id=location_id,
        placement_name=placement_name,
        placement_provider_id=provider_id,
        employer=form.employer.data or "",
        employed_in_region=form.employed_in_region.data,
        dropout_reason=form.dropout_reason.data or "",
        dropout_note=form.dropout_note.data or "",
    )


@blueprint.post("/kandidaten/<uuid:candidate_id>/voortgang")
@require_manager
def log_progress(candidate_id: uuid.UUID):
    session = db_session()
    found = load(Candidate, candidate_id)
    form = ProgressForm()
    if form.validate_on_submit():
        try:
            store.log_progress(session, found, modules=form.modules.data or 0, actor=actor())
        except RuleError as refused:
            show_rule_errors(form, refused.errors)
    if form.errors:
        session.rollback()
        return _candidate_page(load(Candidate, candidate_id), progress_form=form)
    session.commit()
    return redirect(url_for("training.candidate", candidate_id=found.id), 303)


@blueprint.post("/kandidaten/<uuid:candidate_id>/stage-uren")
@require_manager
def log_hours_for_intern(candidate_id: uuid.UUID):
    """The school logs a day on the intern's behalf: it waits for the mentor like the intern's."""
    session = db_session()
    found = load(Candidate, candidate_id)
    form = StaffHoursForm()
    if form.validate_on_submit():
        try:
            internship.log_hours(
                session,
                found,
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
        return _candidate_page(load(Candidate, candidate_id), hours_form=form)
    session.commit()
    return redirect(
        url_for("training.candidate", candidate_id=found.id, _anchor="hour-entries"), 303
    )


@blueprint.post("/kandidaten/<uuid:candidate_id>/partner")
@require_manager
def assign_partner(candidate_id: uuid.UUID):
    """Staff hand a candidate of a municipal info session to a training partner."""
    session = db_session()
    found = load(Candidate, candidate_id)
    if not is_staff():
        abort(403)
    partners = {str(o.id): o for o in training_partners()}
    form = PartnerForm()
    form.partner.choices = [(key, partner.name) for key, partner in partners.items()]
    if not form.validate_on_submit():
        return _candidate_page(found, partner_form=form)
    chosen = partners[form.partner.data]
    found.organisation_id = chosen.id
    session.add(found)
    store.add_timeline(session, found, actor=actor(), kind="stage", detail=f"→ {chosen.name}")
    session.commit()
    return redirect(url_for("training.candidate", candidate_id=found.id), 303)


@blueprint.route("/kandidaten/<uuid:candidate_id>/loket", methods=["GET", "POST"])
@require_manager
def loket_hand_off(candidate_id: uuid.UUID):
    session = db_session()
    found = load(Candidate, candidate_id)
    if not may_offer_hand_off(found):
        abort(404)
    loket_on = "loket" in g.enabled_plugins
    form = HandOffForm()
    if loket_on and form.validate_on_submit():
        data = HandOffInput(
            consent=form.consent.data,
            child_name=form.child_name.data or "",
            child_birth_date=form.child_birth_date.data,
            desired_start=form.desired_start.data,
            language=form.language.data or "",
            note=form.note.data or "",
        )
        try:
            hand_off(session, found, data, actor=actor(), today=today())
            # Staff record the candidate's consent and ask the loket for them.
            record_for_candidate(
                session, found, "training.handed_to_loket", {"consent": data.consent}
            )
            session.commit()
            return redirect(url_for("training.candidate", candidate_id=found.id), 303)
        except RuleError as refused:
            show_rule_errors(form, refused.errors)
        except ValueError as refused:
            # The loket vetoed the hand-off (its message says which field): nothing is kept.
            form.fail("consent", str(refused))
    if form.errors:
        session.rollback()
        found = load(Candidate, candidate_id)
    return (
        render(
            "training/hand_off.html",
            candidate=found,
            loket_on=loket_on,
            languages=LANGUAGES,
            form=form,
            today=today().isoformat(),
        ),
        422 if form.errors else 200,
    )
