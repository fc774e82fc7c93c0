"""One application: its page, the questions and answers, the decisions, licence and opening."""

from __future__ import annotations

import uuid
from datetime import date

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import require_permission
from core.rendering import render
from core.tenancy import plugin_settings
from core.web import db_session, tenant_hooks
from plugins.starters import company_places, letters, notifications, services
from plugins.starters.access import (
    APPLY,
    REVIEW,
    actor_name,
    is_applicant,
    is_reviewer,
    own_application,
    visible_application,
)
from plugins.starters.forms import (
    AnswerForm,
    DecisionForm,
    DocumentForm,
    LicenceForm,
    LocationForm,
    OpeningForm,
    PaymentForm,
    PaymentRequestForm,
    QuestionForm,
    SecondApprovalForm,
    SendBackForm,
)
from plugins.starters.messages import rule_message
from plugins.starters.models import (
    Application,
    InformationRequest,
    RequestedMeasure,
    SupportMeasure,
)
from plugins.starters.services import ApplicationStatus, Decision, RuleError
from plugins.starters.views.common import (
    blueprint,
    contact_email,
    loket_locations,
    reasons,
    row_of_application,
)


def _compliance(application: Application, requested: list[tuple]) -> dict | None:
    """Loket participation for premiums that depend on it; ``None`` when no measure does."""
    if not any(measure and measure.requires_loket_participation for _, measure in requested):
        return None
    if "loket" not in g.enabled_plugins:
        return {"state": "not_available"}
    if application.location_id is None:
        return {"state": "no_location", "locations": loket_locations()}
    participation = tenant_hooks().loket_participation(
        tenant=g.tenant, session=db_session(), location_id=application.location_id
    )
    if participation is None:
        return {"state": "unknown_location"}
    return {"state": "known", "participation": participation}


def _location_choices(locations) -> list[tuple[str, str]]:
    return [(str(location.id), f"{location.name} ({location.address})") for location in locations]


def _page_forms(application, requested, compliance, failed, failed_for) -> dict:
    """Every form the page shows: the one that was just refused, the others empty."""

    def fresh(form_class, **data):
        if isinstance(failed, form_class) and failed_for is None:
            return failed
        return form_class(formdata=None, data=data)

    def per_row(form_class, row_id, **data):
        if isinstance(failed, form_class) and failed_for == row_id:
            return failed
        return form_class(formdata=None, data=data)

    location = fresh(LocationForm)
    location.location_id.choices = _location_choices((compliance or {}).get("locations", []))
    return {
        "question": fresh(QuestionForm),
        "answers": {
            asked.id: per_row(AnswerForm, asked.id).for_question(asked.id)
            for asked in services.open_questions(db_session(), application)
        },
        "decisions": {
            row.id: per_row(
                DecisionForm, row.id, amount=measure.amount_eur if measure else None
            ).for_row(row.id)
            for row, measure in requested
            if row.decision == Decision.PENDING
        },
        "second_approvals": {
            row.id: per_row(SecondApprovalForm, row.id).for_row(row.id)
            for row, _measure in requested
            if row.decision == Decision.PROPOSED
        },
        "send_backs": {
            row.id: per_row(SendBackForm, row.id).for_row(row.id)
            for row, _measure in requested
            if row.decision == Decision.PROPOSED
        },
        "payments": {
            row.id: per_row(PaymentForm, row.id, on=date.today()).for_row(row.id)
            for row, _measure in requested
            if services.payable(row)
        },
        "document": fresh(DocumentForm),
        "licence": fresh(LicenceForm),
        "opening": fresh(OpeningForm),
        "location": location,
    }


def detail_page(
    application: Application, *, failed=None, failed_for: uuid.UUID | None = None, status=200
):
    """The application's page; ``failed`` is a refused form (of row ``failed_for``) to show."""
    session = db_session()
    requested = [
        (row, session.get(SupportMeasure, row.measure_id))
        for row in services.requested_measures(session, application)
    ]
    # The eligibility check staff see beside each decision (and the starter beside each measure).
    unmet = {
        row.id: reasons(measure, application) for row, measure in requested if measure is not None
    }
    timeline = session.exec(
        select(services.TimelineEntry)
        .where(services.TimelineEntry.application_id == application.id)
        .order_by(services.TimelineEntry.at)
    ).all()
    steps = services.licence_steps(session, application)
    compliance = _compliance(application, requested) if is_reviewer() else None
    return (
        render(
            "starters/application.html",
            application=application,
            requested=requested,
            unmet=unmet,
            documents=services.documents_of(session, application),
            letters=letters.letters_of(session, application),
            questions=services.questions_of(session, application),
            timeline=timeline,
            licence_steps=steps,
            licence_done=sum(1 for row in steps if row.done_on),
            compliance=compliance,
            company_places=company_places.claims_at_location(session, application.location_id),
            is_applicant=is_applicant(application),
            is_reviewer=is_reviewer(),
            under_review=application.status in services.UNDER_REVIEW,
            failed=failed,
            page_forms=_page_forms(application, requested, compliance, failed, failed_for),
        ),
        status,
    )


def to_detail(application: Application):
    return redirect(url_for("starters.application_detail", application_id=application.id), 303)


@blueprint.get("/aanvragen/<uuid:application_id>")
def application_detail(application_id: uuid.UUID):
    application = visible_application(application_id)
    if application.status == ApplicationStatus.DRAFT:
        return redirect(url_for("starters.step", application_id=application.id, step="project"))
    return detail_page(application)


def _record_notified(application: Application, subject: str) -> None:
    if subject:
        # The address stays off the timeline: it is erased with the starter, the timeline is kept.
        services.add_timeline(db_session(), application, "starter_notified", actor_name(), subject)


@blueprint.post("/aanvragen/<uuid:application_id>/vragen")
@require_permission(REVIEW)
def ask_information(application_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    form = QuestionForm()
    if not form.validate_on_submit():
        return detail_page(application, failed=form, status=422)
    question = form.question.data
    try:
        services.request_information(
            session, application, question, actor=actor_name(), actor_user_id=g.user.id
        )
    except RuleError as error:
        form.fail("question", rule_message(error.code))
        return detail_page(application, failed=form, status=422)
    _record_notified(
        application, notifications.question_asked(session, g.tenant, application, question)
    )
    audit.record(
        session,
        action="starters.information_requested",
        object_type="starters_application",
        object_id=application.id,
    )
    session.commit()
    flash(_("The question was sent to the starter."))
    return to_detail(application)


@blueprint.post("/aanvragen/<uuid:application_id>/vragen/<uuid:question_id>/antwoord")
@require_permission(APPLY)
def answer_information(application_id: uuid.UUID, question_id: uuid.UUID):
    application = own_application(application_id)
    session = db_session()
    asked = row_of_application(InformationRequest, question_id, application)
    form = AnswerForm().for_question(asked.id)
    if form.validate_on_submit():
        try:
            services.answer_information(
                session, application, asked, form.answer.data, actor=actor_name()
            )
        except RuleError as error:
            form.fail("answer", rule_message(error.code))
    if form.errors:
        return detail_page(application, failed=form, failed_for=asked.id, status=422)
    notifications.question_answered(session, g.tenant, application, asked, contact_email())
    session.commit()
    flash(_("Thank you: your answer was sent to the municipality."))
    return to_detail(application)


@blueprint.post("/aanvragen/<uuid:application_id>/maatregelen/<uuid:requested_id>/beslissing")
@require_permission(REVIEW)
def decide(application_id: uuid.UUID, requested_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    requested = row_of_application(RequestedMeasure, requested_id, application)
    form = DecisionForm().for_row(requested.id)
    if form.validate_on_submit():
        try:
            services.decide(
                session,
                application,
                requested,
                decision=form.decision.data or "",
                reason=form.reason.data,
                amount=form.amount.data,
                actor=actor_name(),
                actor_user_id=g.user.id,
                second_approval_above=second_approval_above(),
            )
        except RuleError as error:
            form.fail(error.field or "decision", rule_message(error.code))
    if form.errors:
        session.rollback()
        return detail_page(application, failed=form, failed_for=requested.id, status=422)
    audit.record(
        session,
        action=f"starters.measure_{requested.decision}",
        object_type="starters_requested_measure",
        object_id=requested.id,
        detail={"amount": requested.amount_granted_eur},
    )
    session.commit()
    _after_decision(application)
    return to_detail(application)


def second_approval_above() -> int:
    """The four-eyes amount of this tenant (0: every approval counts at once)."""
    from plugins.starters.plugin import MANIFEST

    return plugin_settings(db_session(), MANIFEST).get("second_approval_above_eur") or 0


def _after_decision(application: Application) -> None:
    flash(_("The decision was recorded."))
    if application.status == ApplicationStatus.DECIDED:
        from plugins.starters.views.letters import issue_and_send

        if issue_and_send(application) is None:
            flash(_("The decision letter could not be made. Try again later."))


@blueprint.post(
    "/aanvragen/<uuid:application_id>/maatregelen/<uuid:requested_id>/tweede-goedkeuring"
)
@require_permission(REVIEW)
def second_approval(application_id: uuid.UUID, requested_id: uuid.UUID):
    """Four eyes: another staff member than the one who proposed confirms the approval."""
    application = visible_application(application_id)
    session = db_session()
    requested = row_of_application(RequestedMeasure, requested_id, application)
    form = SecondApprovalForm().for_row(requested.id)
    if form.validate_on_submit():
        try:
            services.second_approve(
                session, application, requested, actor=actor_name(), actor_user_id=g.user.id
            )
        except RuleError as error:
            form.fail("confirm", rule_message(error.code))
    if form.errors:
        session.rollback()
        return detail_page(application, failed=form, failed_for=requested.id, status=422)
    audit.record(
        session,
        action="starters.measure_second_approved",
        object_type="starters_requested_measure",
        object_id=requested.id,
        detail={"amount": requested.amount_granted_eur},
    )
    session.commit()
    _after_decision(application)
    return to_detail(application)


@blueprint.post("/aanvragen/<uuid:application_id>/maatregelen/<uuid:requested_id>/terugsturen")
@require_permission(REVIEW)
def send_back(application_id: uuid.UUID, requested_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    requested = row_of_application(RequestedMeasure, requested_id, application)
    form = SendBackForm().for_row(requested.id)
    if form.validate_on_submit():
        try:
            services.send_back(
                session, application, requested, reason=form.reason.data, actor=actor_name()
            )
        except RuleError as error:
            form.fail(error.field or "reason", rule_message(error.code))
    if form.errors:
        session.rollback()
        return detail_page(application, failed=form, failed_for=requested.id, status=422)
    audit.record(
        session,
        action="starters.measure_sent_back",
        object_type="starters_requested_measure",
        object_id=requested.id,
    )
    session.commit()
    flash(_("The proposal was sent back: the measure is to be decided again."))
    return to_detail(application)


def _payment_step(application, requested, status: str, on: date, note: str, form) -> bool:
    """Record one payment step and audit it; ``False`` (the form marked) when refused."""
    session = db_session()
    try:
        services.record_payment(
            session,
            application,
            requested,
            status=status,
            on=on,
            note=note,
            today=date.today(),
            actor=actor_name(),
        )
    except RuleError as error:
        form.fail(error.field or "status", rule_message(error.code))
        session.rollback()
        return False
    audit.record(
        session,
        action=f"starters.payment_{status}",
        object_type="starters_requested_measure",
        object_id=requested.id,
        detail={"amount": requested.amount_granted_eur, "on": on.isoformat()},
    )
    session.commit()
    return True


@blueprint.post("/aanvragen/<uuid:application_id>/maatregelen/<uuid:requested_id>/betaling")
@require_permission(REVIEW)
def record_payment(application_id: uuid.UUID, requested_id: uuid.UUID):
    application = visible_application(application_id)
    requested = row_of_application(RequestedMeasure, requested_id, application)
    form = PaymentForm().for_row(requested.id)
    if not form.validate_on_submit() or not _payment_step(
        application, requested, form.status.data, form.on.data, form.note.data or "", form
    ):
        return detail_page(application, failed=form, failed_for=requested.id, status=422)
    flash(_("The payment step was recorded."))
    return to_detail(application)


@blueprint.post(
    "/aanvragen/<uuid:application_id>/maatregelen/<uuid:requested_id>/betaling-aanvragen"
)
@require_permission(APPLY)
def request_payment(application_id: uuid.UUID, requested_id: uuid.UUID):
    """The starter asks for their granted premium to be paid."""
    application = own_application(application_id)
    requested = row_of_application(RequestedMeasure, requested_id, application)
    form = PaymentRequestForm()
    if not form.validate_on_submit():
        return detail_page(application, status=422)
    refused = PaymentForm(formdata=None).for_row(requested.id)
    if not _payment_step(application, requested, "requested", date.today(), "", refused):
        return detail_page(application, failed=refused, failed_for=requested.id, status=409)
    flash(_("Your request for payment was sent to the municipality."))
    return to_detail(application)


@blueprint.post("/aanvragen/<uuid:application_id>/vergunning")
@require_permission(REVIEW)
def licence_checklist(application_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    form = LicenceForm()
    if not form.validate_on_submit():
        return detail_page(application, failed=form, status=422)
    done = set(form.done.data)
    services.update_licence_steps(session, application, done, date.today(), actor=actor_name())
    session.commit()
    flash(_("The licence checklist was saved."))
    return to_detail(application)


@blueprint.post("/aanvragen/<uuid:application_id>/opening")
@require_permission(REVIEW)
def record_opening(application_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    form = OpeningForm()
    if not form.validate_on_submit():
        return detail_page(application, failed=form, status=422)
    try:
        services.record_opening(
            session, application, form.opened_on.data, date.today(), actor=actor_name()
        )
    except RuleError as error:
        form.fail("opened_on", rule_message(error.code))
        return detail_page(application, failed=form, status=422)
    audit.record(
        session,
        action="starters.facility_opened",
        object_type="starters_application",
        object_id=application.id,
    )
    session.commit()
    flash(_("The opening was recorded."))
    return to_detail(application)


@blueprint.post("/aanvragen/<uuid:application_id>/locatie")
@require_permission(REVIEW)
def link_location(application_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    known = {
        str(location.id): location
        for found in tenant_hooks().childcare_locations(tenant=g.tenant, session=db_session())
        for location in found or ()
    }
    form = LocationForm()
    form.location_id.choices = _location_choices(known.values())
    if not form.validate_on_submit():
        return detail_page(application, failed=form, status=422)
    chosen = known[form.location_id.data]
    application.location_id = chosen.id
    session.add(application)
    services.add_timeline(session, application, "location_linked", actor_name(), chosen.name)
    session.commit()
    return to_detail(application)


@blueprint.get("/behandelen")
@require_permission(REVIEW)
def work_list():
    session = db_session()
    applications = list(
        session.exec(
            select(Application)
            .where(Application.status != ApplicationStatus.DRAFT)
            .order_by(Application.submitted_at)
        )
    )
    return render(
        "starters/work_list.html",
        applications=applications,
        licence_progress=services.licence_progress(session),
        licence_total=len(services.LICENCE_STEPS),
        awaiting_second_approval=services.awaiting_second_approval(session),
    )
