"""A starter's applications: the list, starting one, and the four steps to submit it."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import acting_organisations, require_permission
from core.rendering import render
from core.web import db_session
from plugins.starters import services
from plugins.starters.access import APPLY, actor_name, own_application
from plugins.starters.forms import (
    DeclarationForm,
    DocumentForm,
    MeasuresForm,
    ProjectForm,
    StepForm,
)
from plugins.starters.labels import TEMPLATE_LABELS, label
from plugins.starters.models import Application, SupportMeasure
from plugins.starters.services import STEPS, ApplicationStatus, RuleError
from plugins.starters.views.common import blueprint, reasons, rule_text, unmet_demand

STEP_FORMS: dict[str, type[StepForm]] = {
    "project": ProjectForm,
    "measures": MeasuresForm,
    "documents": StepForm,
    "declaration": DeclarationForm,
}


@blueprint.get("/aanvragen")
@require_permission(APPLY)
def my_applications():
    session = db_session()
    applications = list(
        session.exec(
            select(Application)
            .where(Application.applicant_user_id == g.user.id)
            .order_by(Application.created_at.desc())
        )
    )
    return render(
        "starters/my_applications.html",
        applications=applications,
        steps_done={a.id: len(services.completed_steps(session, a)) for a in applications},
        open_questions={a.id: len(services.open_questions(session, a)) for a in applications},
    )


@blueprint.post("/aanvragen")
@require_permission(APPLY)
def start_application():
    session = db_session()
    application = services.start_application(session, user=g.user, actor=actor_name())
    # A starter who signed in for an organisation (a provider granted this module) applies
    # for it; the step can still change that.
    organisations = acting_organisations("starters")
    if organisations:
        application.applicant_kind = "organisation"
        application.organisation_name = organisations[0].name
        session.add(application)
    session.commit()
    return redirect(url_for("starters.step", application_id=application.id, step="project"), 303)


def step_page(
    application: Application,
    step: str,
    form: StepForm,
    status: int = 200,
    document_form: DocumentForm | None = None,
):
    """The page of one step; ``form`` is that step's form, ``document_form`` the upload form."""
    session = db_session()
    today = date.today()
    measures = services.open_measures(session, today)
    chosen = {row.measure_id for row in services.requested_measures(session, application)}
    chosen_measures = [session.get(SupportMeasure, measure_id) for measure_id in chosen]
    required = sorted(
        {kind for measure in chosen_measures if measure for kind in measure.required_documents}
    )
    # Every open measure the project does not meet, with the reasons, so a starter sees what fits.
    unfit = {
        measure.id: reasons(measure, application)
        for measure in measures
        if services.eligibility(measure, application)
    }
    return (
        render(
            "starters/step.html",
            application=application,
            step=step,
            form=form,
            document_form=document_form or DocumentForm(formdata=None),
            done=services.completed_steps(session, application),
            measures=measures,
            eligible={m.id for m in measures if m.id not in unfit},
            unfit=unfit,
            chosen=chosen,
            documents=services.documents_of(session, application),
            required_documents=required,
            missing_documents=services.missing_documents(session, application),
            today=today.isoformat(),
            # The place names open measures use, offered while typing so a name matches exactly.
            known_places=sorted({place for m in measures for place in m.area_places}),
            demand=unmet_demand() if step == "project" else [],
        ),
        status,
    )


def _unsubmitted_form(step: str, application: Application) -> StepForm:
    """The step's form as the page shows it before a submit: what the draft holds."""
    if step == "project":
        form = ProjectForm(obj=application)
        form.applicant_kind.data = form.applicant_kind.data or "person"
        return form
    if step == "declaration":
        return DeclarationForm(data={"declaration": application.declaration_accepted})
    return STEP_FORMS[step]()


def _next_step(step: str) -> str | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


@blueprint.route("/aanvragen/<uuid:application_id>/stap/<step>", methods=["GET", "POST"])
@require_permission(APPLY)
def step(application_id: uuid.UUID, step: str):
    if step not in STEPS:
        abort(404)
    application = own_application(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("starters.application_detail", application_id=application.id))
    form = STEP_FORMS[step]()
    if isinstance(form, MeasuresForm):
        form.measures.choices = [
            (str(measure.id), measure.title)
            for measure in services.open_measures(db_session(), date.today())
        ]
    if not form.is_submitted():
        return step_page(application, step, _unsubmitted_form(step, application))
    valid = form.validate()
    refused = {
        "project": _save_project,
        "measures": _save_measures,
        "documents": _check_documents,
        "declaration": _declare_and_submit,
    }[step](application, form, valid)
    if refused is not None:
        return refused
    if step == "declaration" and not form.saving_draft:
        flash(_("Your application was submitted. You will hear from the municipality."))
        return redirect(url_for("starters.application_detail", application_id=application.id), 303)
    if form.saving_draft:
        flash(_("Your application was saved as a draft."))
        return redirect(url_for("starters.step", application_id=application.id, step=step), 303)
    following = _next_step(step)
    return redirect(url_for("starters.step", application_id=application.id, step=following), 303)


# Each step's submit: ``None`` when it went through, else the page to answer with.


def _save_project(application: Application, form: ProjectForm, valid: bool):
    session = db_session()
    # What is right is kept even when another field is wrong, so nobody types it twice.
    for key, value in form.valid_values().items():
        setattr(application, key, value)
    session.add(application)
    session.commit()
    return None if valid else step_page(application, "project", form, 422)


def _save_measures(application: Application, form: MeasuresForm, valid: bool):
    if not valid:
        return step_page(application, "measures", form, 422)
    session = db_session()
    try:
        services.set_requested_measures(
            session, application, form.measures.data, date.today(), actor=actor_name()
        )
    except RuleError as error:
        session.rollback()
        form.fail("measures", rule_text(error, application))
        return step_page(application, "measures", form, 422)
    session.commit()
    return None


def _check_documents(application: Application, form: StepForm, valid: bool):
    if not valid:
        return step_page(application, "documents", form, 422)
    missing = services.missing_documents(db_session(), application)
    if missing and not form.saving_draft:
        kinds = ", ".join(label(TEMPLATE_LABELS["document_kind"], kind) for kind in missing)
        document_form = DocumentForm(formdata=None)
        document_form.fail("document", _("Still missing: %(kinds)s.", kinds=kinds))
        return step_page(application, "documents", form, 422, document_form=document_form)
    return None


def _declare_and_submit(application: Application, form: DeclarationForm, valid: bool):
    if not valid:
        return step_page(application, "declaration", form, 422)
    session = db_session()
    application.declaration_accepted = bool(form.declaration.data)
    session.add(application)
    session.flush()
    if form.saving_draft:
        session.commit()
        return None
    try:
        services.submit(session, application, actor=actor_name())
    except RuleError as error:
        session.commit()  # the declaration itself is kept as part of the draft
        message = rule_text(error, application)
        if error.field in STEPS[:-1]:
            form.add_problem(f"step-{error.field}", message)
        else:
            form.fail("declaration", message)
        return step_page(application, "declaration", form, 422)
    audit.record(
        session,
        action="starters.application_submitted",
        object_type="starters_application",
        object_id=application.id,
    )
    session.commit()
    return None
