"""Vacancies (the job match): providers publish and close them, staff record a hire."""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, url_for

from core import audit
from core.rendering import render
from core.web import db_session
from plugins.training import notifications, store, vacancies
from plugins.training.access import actor, require_manager, visible_organisations
from plugins.training.forms import HireForm, StepForm, show_rule_errors
from plugins.training.models import Candidate, Vacancy
from plugins.training.services import RuleError, Stage, Step
from plugins.training.views.common import blueprint, load, record_for_candidate, today


def _provider_ids() -> set[uuid.UUID]:
    if g.get("user") is None:
        abort(401)
    ids = {organisation.id for organisation in vacancies.provider_organisations()}
    if not ids:
        abort(404)
    return ids


@blueprint.route("/vacatures", methods=["GET", "POST"])
def provider_vacancies():
    from plugins.training.forms import VacancyForm

    providers = {o.id: o for o in vacancies.provider_organisations()}
    _provider_ids()
    session = db_session()
    form = VacancyForm()
    if form.validate_on_submit():
        vacancy = Vacancy(
            organisation_id=next(iter(providers)),
            title=form.title.data,
            location=form.location.data,
            hours_per_week=form.hours_per_week.data,
            starts_on=form.starts_on.data,
            contact=form.contact.data,
        )
        session.add(vacancy)
        session.flush()
        audit.record(
            session,
            action="training.vacancy_published",
            object_type="training_vacancy",
            object_id=vacancy.id,
        )
        session.commit()
        return redirect(url_for("training.provider_vacancies"), 303)
    return (
        render(
            "training/vacancies.html",
            vacancies=vacancies.vacancies_of(session, set(providers)),
            providers=providers,
            form=form,
        ),
        422 if form.errors else 200,
    )


@blueprint.post("/vacatures/<uuid:vacancy_id>/sluiten")
def close_vacancy(vacancy_id: uuid.UUID):
    ids = _provider_ids()
    session = db_session()
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None or vacancy.organisation_id not in ids:
        abort(404)
    vacancies.close(session, vacancy)
    session.commit()
    return redirect(url_for("training.provider_vacancies"), 303)


@blueprint.post("/kandidaten/<uuid:candidate_id>/aanwerving")
@require_manager
def record_hire(candidate_id: uuid.UUID):
    """Staff record that the candidate was hired for a vacancy: the candidate is employed."""
    from plugins.training.views.candidates import _candidate_page

    session = db_session()
    found = load(Candidate, candidate_id)
    open_ones = {str(v.id): v for v in vacancies.open_vacancies(session)}
    form = HireForm()
    form.vacancy.choices = [(key, v.title) for key, v in open_ones.items()]
    if form.validate_on_submit():
        vacancy = open_ones[form.vacancy.data]
        employer = vacancies.organisation_name(session, vacancy.organisation_id)
        try:
            record = store.move(
                session,
                found,
                Step(target=Stage.EMPLOYED, employer=employer, employed_in_region=True),
                actor=actor(),
                today=today(),
                visible=visible_organisations(),
            )
            found.hired_vacancy_id = vacancy.id
            session.add(found)
            vacancies.close(session, vacancy)
            record_for_candidate(session, found, "training.hired", {"vacancy": str(vacancy.id)})
            notifications.stage_reached(
                session, g.tenant, found, record.from_stage, record.to_stage
            )
        except RuleError as refused:
            show_rule_errors(form, {"vacancy": next(iter(refused.errors.values()))})
    if form.errors:
        session.rollback()
        step_form = StepForm(formdata=None)
        return _candidate_page(load(Candidate, candidate_id), step_form=step_form, hire_form=form)
    session.commit()
    return redirect(url_for("training.candidate", candidate_id=found.id), 303)
