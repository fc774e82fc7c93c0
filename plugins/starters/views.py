"""The starters pages (Dutch URLs under /starters). Thin: parse, authorise, call a service, render."""

from __future__ import annotations

import uuid
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select
from werkzeug.exceptions import RequestEntityTooLarge

from core import audit
from core.identity.access import acting_organisations, can, require_permission
from core.mail import queue_mail
from core.rendering import render
from core.richtext import render_rich_text
from core.tenancy import plugin_settings
from core.web import db_session, tenant_hooks, tenant_required
from plugins.starters import services, uploads
from plugins.starters.access import (
    APPLY,
    MANAGE_CATALOGUE,
    REVIEW,
    actor_name,
    is_applicant,
    is_reviewer,
    own_application,
    visible_application,
)
from plugins.starters.forms import (
    parse_agreement,
    parse_building,
    parse_measure,
    parse_measure_ids,
    parse_project,
    raw_form,
)
from plugins.starters.labels import TEMPLATE_LABELS, label
from plugins.starters.messages import (
    area_text,
    not_eligible_message,
    project_place,
    rule_message,
    unmet_reason,
    upload_message,
)
from plugins.starters.models import (
    REASON_MAX,
    TEXT_MAX,
    Application,
    ApplicationDocument,
    Building,
    BuildingInterest,
    CompanyAgreement,
    InformationRequest,
    RequestedMeasure,
    SupportMeasure,
)
from plugins.starters.services import (
    STEPS,
    ApplicationStatus,
    DocumentKind,
    FacilityType,
    MeasureKind,
    NotEligible,
    RuleError,
)

blueprint = Blueprint("starters", __name__, url_prefix="/starters")
blueprint.before_request(tenant_required)
# Upload directory and virus scanner are checked when the app starts, not on the first upload.
blueprint.record_once(lambda state: uploads.configure(state.app))


@blueprint.context_processor
def _helpers() -> dict:
    return {
        "labels": TEMPLATE_LABELS,
        "label": label,
        "rich_text": render_rich_text,
        "area_text": area_text,
        "project_place": project_place,
        "steps": STEPS,
        "facility_types": list(FacilityType),
        "measure_kinds": list(MeasureKind),
        "document_kinds": list(DocumentKind),
        "text_max": TEXT_MAX,
        "reason_max": REASON_MAX,
        "may_apply": can(APPLY),
        "may_review": can(REVIEW),
        "may_manage": can(MANAGE_CATALOGUE),
    }


@blueprint.after_request
def _no_store(response):
    # Applications hold personal data; a shared computer must not keep them in its cache.
    if g.get("user") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _settings() -> dict:
    from plugins.starters.plugin import MANIFEST

    return plugin_settings(db_session(), MANIFEST)


def _contact_email() -> str:
    return _settings().get("contact_email") or g.tenant.contact_email or ""


def _get_or_404(model, object_id: uuid.UUID):
    row = db_session().get(model, object_id)
    if row is None:
        abort(404)
    return row


# -- the public catalogue ---------------------------------------------------------------------


@blueprint.get("/")
def index():
    session = db_session()
    measures = services.open_measures(session, date.today())
    # A signed-in starter sees, beside each measure, whether it fits their latest project.
    project = _latest_project() if can(APPLY) else None
    return render(
        "starters/index.html",
        measures=measures,
        contact_email=_contact_email(),
        contact_points=[m for m in measures if m.kind == MeasureKind.CONTACT_POINT],
        project=project,
        unfit={m.id: _reasons(m, project) for m in measures} if project else {},
    )


def _latest_project() -> Application | None:
    """The starter's most recent application whose project is filled in, if any."""
    return next(
        (
            application
            for application in _own_applications()
            if services.project_complete(application)
        ),
        None,
    )


@blueprint.get("/maatregelen/<uuid:measure_id>")
def measure_detail(measure_id: uuid.UUID):
    measure = _get_or_404(SupportMeasure, measure_id)
    if not services.is_open(measure, date.today()) and not can(MANAGE_CATALOGUE):
        abort(404)
    project = _latest_project() if can(APPLY) else None
    return render(
        "starters/measure.html",
        measure=measure,
        contact_email=_contact_email(),
        project=project,
        unfit={measure.id: _reasons(measure, project)} if project else {},
    )


# -- a starter's applications -----------------------------------------------------------------


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


def _step_page(application: Application, step: str, raw: dict, errors: dict, status: int = 200):
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
        measure.id: _reasons(measure, application)
        for measure in measures
        if services.eligibility(measure, application)
    }
    return (
        render(
            "starters/step.html",
            application=application,
            step=step,
            raw=raw,
            errors=errors,
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
        ),
        status,
    )


def _reasons(measure: SupportMeasure, application: Application) -> list[str]:
    return [
        unmet_reason(condition, measure, application)
        for condition in services.eligibility(measure, application)
    ]


def _rule_text(error: RuleError, application: Application) -> str:
    if isinstance(error, NotEligible):
        return not_eligible_message(error.measure, error.unmet, application)
    return rule_message(error.code)


def _project_raw(application: Application) -> dict:
    return {
        "applicant_kind": application.applicant_kind,
        "organisation_name": application.organisation_name,
        "applicant_name": application.applicant_name,
        "applicant_email": application.applicant_email,
        "facility_type": application.facility_type,
        "planned_places": application.planned_places or "",
        "target_opening": application.target_opening.isoformat()
        if application.target_opening
        else "",
        "postcode": application.postcode,
        "area": application.area,
        "address": application.address,
    }


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
    if request.method == "GET":
        raw = _project_raw(application) if step == "project" else {}
        return _step_page(application, step, raw, {})
    session = db_session()
    raw = raw_form(request.form)
    saving_draft = request.form.get("action") == "save"
    if step == "project":
        parsed = parse_project(raw, date.today(), partial=saving_draft)
        for key, value in parsed.values.items():
            if key not in parsed.errors and (value not in ("", None) or not saving_draft):
                setattr(application, key, value)
        session.add(application)
        session.commit()
        if parsed.errors:
            return _step_page(application, step, raw, parsed.errors, 422)
    elif step == "measures":
        try:
            services.set_requested_measures(
                session, application, parse_measure_ids(raw), date.today(), actor=actor_name()
            )
        except RuleError as error:
            session.rollback()
            raw["measures"] = raw.get("measures", [])
            message = _rule_text(error, application)
            return _step_page(application, step, raw, {"measures": message}, 422)
        session.commit()
    elif step == "documents":
        missing = services.missing_documents(session, application)
        if missing and not saving_draft:
            kinds = ", ".join(label(TEMPLATE_LABELS["document_kind"], kind) for kind in missing)
            message = _("Still missing: %(kinds)s.", kinds=kinds)
            return _step_page(application, step, raw, {"document-file": message}, 422)
    elif step == "declaration":
        application.declaration_accepted = bool(raw.get("declaration"))
        session.add(application)
        session.flush()
        if saving_draft:
            session.commit()
        else:
            try:
                services.submit(session, application, actor=actor_name())
            except RuleError as error:
                session.commit()  # the declaration itself is kept as part of the draft
                field = f"step-{error.field}" if error.field in STEPS[:-1] else "declaration"
                message = _rule_text(error, application)
                return _step_page(application, step, raw, {field: message}, 422)
            audit.record(
                session,
                action="starters.application_submitted",
                object_type="starters_application",
                object_id=application.id,
            )
            session.commit()
            flash(_("Your application was submitted. You will hear from the municipality."))
            return redirect(
                url_for("starters.application_detail", application_id=application.id), 303
            )
    if saving_draft:
        flash(_("Your application was saved as a draft."))
        return redirect(url_for("starters.step", application_id=application.id, step=step), 303)
    following = _next_step(step)
    return redirect(url_for("starters.step", application_id=application.id, step=following), 303)


@blueprint.post("/aanvragen/<uuid:application_id>/documenten")
@require_permission(APPLY)
def upload_document(application_id: uuid.UUID):
    application = own_application(application_id)
    if application.status not in (ApplicationStatus.DRAFT, *services.UNDER_REVIEW):
        abort(409)
    session = db_session()
    errors: dict[str, str] = {}
    try:
        kind = request.form.get("kind", "")
        file = request.files.get("document")
    except RequestEntityTooLarge:
        # Over the platform's request limit: say so in the page rather than a bare 413.
        kind, file = "", None
        errors["document-file"] = upload_message("too_big")
    if not errors and kind not in set(DocumentKind):
        errors["document-kind"] = _("Choose what kind of document this is.")
    if not errors:
        try:
            if file is None:
                raise uploads.UploadRefused("no_file")
            data, name, content_type = uploads.accept(
                file.stream, file.filename, uploads.virus_scanner()
            )
        except uploads.UploadRefused as refusal:
            if refusal.code == "scan_failed":
                current_app.logger.error("starters: virus scan failed: %s", refusal.detail)
            errors["document-file"] = upload_message(refusal.code, refusal.detail)
    if errors:
        if application.status == ApplicationStatus.DRAFT:
            return _step_page(application, "documents", {"kind": kind}, errors, 422)
        return _detail_page(application, errors=errors, status=422)
    stored = uploads.store(
        uploads.upload_root(), g.tenant.id, application.id, data, name, content_type
    )
    document = ApplicationDocument(
        application_id=application.id,
        kind=kind,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        uploaded_by=actor_name(),
    )
    session.add(document)
    services.add_timeline(
        session, application, "document_added", actor_name(), stored.original_name
    )
    session.commit()
    flash(_("The document %(name)s was added.", name=stored.original_name))
    if application.status == ApplicationStatus.DRAFT:
        return redirect(
            url_for("starters.step", application_id=application.id, step="documents"), 303
        )
    return redirect(url_for("starters.application_detail", application_id=application.id), 303)


@blueprint.post("/aanvragen/<uuid:application_id>/documenten/<uuid:document_id>/verwijderen")
@require_permission(APPLY)
def delete_document(application_id: uuid.UUID, document_id: uuid.UUID):
    application = own_application(application_id)
    session = db_session()
    document = session.get(ApplicationDocument, document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    if application.status != ApplicationStatus.DRAFT:
        abort(409)  # a submitted document is part of the file staff review
    uploads.remove(uploads.upload_root(), g.tenant.id, application.id, document.stored_name)
    session.delete(document)
    services.add_timeline(
        session, application, "document_removed", actor_name(), document.original_name
    )
    session.commit()
    return redirect(url_for("starters.step", application_id=application.id, step="documents"), 303)


@blueprint.get("/documenten/<uuid:document_id>")
def download_document(document_id: uuid.UUID):
    if g.get("user") is None:
        abort(401)
    document = _get_or_404(ApplicationDocument, document_id)
    application = visible_application(document.application_id)
    try:
        path = uploads.stored_path(
            uploads.upload_root(), g.tenant.id, application.id, document.stored_name
        )
    except uploads.UploadRefused:
        abort(404)
    if not path.is_file():
        abort(404)
    audit.record(
        db_session(),
        action="starters.document_downloaded",
        object_type="starters_document",
        object_id=document.id,
    )
    db_session().commit()
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_name,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# -- one application --------------------------------------------------------------------------


def _compliance(application: Application, requested: list[tuple]) -> dict | None:
    """Loket participation for premiums that depend on it; ``None`` when no measure does."""
    if not any(measure and measure.requires_loket_participation for _, measure in requested):
        return None
    if "loket" not in g.enabled_plugins:
        return {"state": "not_available"}
    if application.location_id is None:
        locations = [
            location
            for found in tenant_hooks().childcare_locations(tenant=g.tenant, session=db_session())
            for location in found or ()
        ]
        return {"state": "no_location", "locations": locations}
    participation = tenant_hooks().loket_participation(
        tenant=g.tenant, session=db_session(), location_id=application.location_id
    )
    if participation is None:
        return {"state": "unknown_location"}
    return {"state": "known", "participation": participation}


def _detail_page(
    application: Application, *, errors: dict | None = None, raw: dict | None = None, status=200
):
    session = db_session()
    requested = [
        (row, session.get(SupportMeasure, row.measure_id))
        for row in services.requested_measures(session, application)
    ]
    # The eligibility check staff see beside each decision (and the starter beside each measure).
    unmet = {
        row.id: _reasons(measure, application) for row, measure in requested if measure is not None
    }
    timeline = session.exec(
        select(services.TimelineEntry)
        .where(services.TimelineEntry.application_id == application.id)
        .order_by(services.TimelineEntry.at)
    ).all()
    steps = services.licence_steps(session, application)
    return (
        render(
            "starters/application.html",
            application=application,
            requested=requested,
            unmet=unmet,
            documents=services.documents_of(session, application),
            questions=services.questions_of(session, application),
            timeline=timeline,
            licence_steps=steps,
            licence_done=sum(1 for row in steps if row.done_on),
            compliance=_compliance(application, requested) if is_reviewer() else None,
            is_applicant=is_applicant(application),
            is_reviewer=is_reviewer(),
            under_review=application.status in services.UNDER_REVIEW,
            errors=errors or {},
            raw=raw or {},
        ),
        status,
    )


@blueprint.get("/aanvragen/<uuid:application_id>")
def application_detail(application_id: uuid.UUID):
    application = visible_application(application_id)
    if application.status == ApplicationStatus.DRAFT:
        return redirect(url_for("starters.step", application_id=application.id, step="project"))
    return _detail_page(application)


def _notify_applicant(application: Application, subject: str, body: str, purpose: str) -> None:
    if not application.applicant_email:
        return
    queue_mail(
        db_session(),
        to=application.applicant_email,
        subject=subject,
        body=body,
        purpose=purpose,
        language="nl",
    )
    # The address stays off the timeline: it is erased with the starter, the timeline is kept.
    services.add_timeline(db_session(), application, "starter_notified", actor_name(), subject)


@blueprint.post("/aanvragen/<uuid:application_id>/vragen")
@require_permission(REVIEW)
def ask_information(application_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    question = request.form.get("question", "").strip()
    if len(question) > REASON_MAX:
        return _detail_page(
            application,
            errors={"question": _("Use at most %(limit)d characters.", limit=REASON_MAX)},
            raw={"question": question},
            status=422,
        )
    try:
        services.request_information(session, application, question, actor=actor_name())
    except RuleError as error:
        return _detail_page(
            application,
            errors={error.field or "question": rule_message(error.code)},
            raw={"question": question},
            status=422,
        )
    link = url_for("starters.application_detail", application_id=application.id, _external=True)
    # The starter reads Dutch by default; the mail does not follow the staff member's language.
    with force_locale("nl"):
        _notify_applicant(
            application,
            _("%(tenant)s asks for more information about your application", tenant=g.tenant.name),
            _(
                "The municipality asks:\n\n%(question)s\n\nAnswer on %(link)s",
                question=question,
                link=link,
            ),
            "starters.information_requested",
        )
    audit.record(
        session,
        action="starters.information_requested",
        object_type="starters_application",
        object_id=application.id,
    )
    session.commit()
    flash(_("The question was sent to the starter."))
    return redirect(url_for("starters.application_detail", application_id=application.id), 303)


@blueprint.post("/aanvragen/<uuid:application_id>/vragen/<uuid:question_id>/antwoord")
@require_permission(APPLY)
def answer_information(application_id: uuid.UUID, question_id: uuid.UUID):
    application = own_application(application_id)
    session = db_session()
    asked = session.get(InformationRequest, question_id)
    if asked is None or asked.application_id != application.id:
        abort(404)
    answer = request.form.get("answer", "").strip()
    field = f"answer-{asked.id}"
    if len(answer) > TEXT_MAX:
        return _detail_page(
            application,
            errors={field: _("Use at most %(limit)d characters.", limit=TEXT_MAX)},
            raw={field: answer},
            status=422,
        )
    try:
        services.answer_information(session, application, asked, answer, actor=actor_name())
    except RuleError as error:
        return _detail_page(
            application, errors={field: rule_message(error.code)}, raw={field: answer}, status=422
        )
    session.commit()
    flash(_("Thank you: your answer was sent to the municipality."))
    return redirect(url_for("starters.application_detail", application_id=application.id), 303)


@blueprint.post("/aanvragen/<uuid:application_id>/maatregelen/<uuid:requested_id>/beslissing")
@require_permission(REVIEW)
def decide(application_id: uuid.UUID, requested_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    requested = session.get(RequestedMeasure, requested_id)
    if requested is None or requested.application_id != application.id:
        abort(404)
    prefix = f"decision-{requested.id}"
    raw = {
        f"{prefix}-decision": request.form.get("decision", ""),
        f"{prefix}-reason": request.form.get("reason", "").strip(),
        f"{prefix}-amount": request.form.get("amount", "").strip(),
    }
    amount = None
    amount_text = raw[f"{prefix}-amount"]
    errors = {}
    if amount_text:
        try:
            amount = int(amount_text)
        except ValueError:
            errors[f"{prefix}-amount"] = _("Fill in a whole number.")
    if len(raw[f"{prefix}-reason"]) > REASON_MAX:
        errors[f"{prefix}-reason"] = _("Use at most %(limit)d characters.", limit=REASON_MAX)
    if not errors:
        try:
            services.decide(
                session,
                application,
                requested,
                decision=raw[f"{prefix}-decision"],
                reason=raw[f"{prefix}-reason"],
                amount=amount,
                actor=actor_name(),
            )
        except RuleError as error:
            errors[f"{prefix}-{error.field or 'decision'}"] = rule_message(error.code)
    if errors:
        session.rollback()
        return _detail_page(application, errors=errors, raw=raw, status=422)
    audit.record(
        session,
        action=f"starters.measure_{requested.decision}",
        object_type="starters_requested_measure",
        object_id=requested.id,
        detail={"amount": requested.amount_granted_eur},
    )
    if application.status == ApplicationStatus.DECIDED:
        link = url_for("starters.application_detail", application_id=application.id, _external=True)
        with force_locale("nl"):
            _notify_applicant(
                application,
                _("%(tenant)s decided on your application", tenant=g.tenant.name),
                _(
                    "Every measure you asked for was decided. Read the decision on %(link)s",
                    link=link,
                ),
                "starters.decided",
            )
    session.commit()
    flash(_("The decision was recorded."))
    return redirect(url_for("starters.application_detail", application_id=application.id), 303)


@blueprint.post("/aanvragen/<uuid:application_id>/vergunning")
@require_permission(REVIEW)
def licence_checklist(application_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    done = set(request.form.getlist("done")) & set(services.LICENCE_STEPS)
    services.update_licence_steps(session, application, done, date.today(), actor=actor_name())
    session.commit()
    flash(_("The licence checklist was saved."))
    return redirect(url_for("starters.application_detail", application_id=application.id), 303)


@blueprint.post("/aanvragen/<uuid:application_id>/opening")
@require_permission(REVIEW)
def record_opening(application_id: uuid.UUID):
    application = visible_application(application_id)
    session = db_session()
    raw = {"opened_on": request.form.get("opened_on", "").strip()}
    try:
        opened_on = date.fromisoformat(raw["opened_on"])
    except ValueError:
        message = _("Fill in a date as YYYY-MM-DD.")
        return _detail_page(application, errors={"opened_on": message}, raw=raw, status=422)
    try:
        services.record_opening(session, application, opened_on, date.today(), actor=actor_name())
    except RuleError as error:
        errors = {"opened_on": rule_message(error.code)}
        return _detail_page(application, errors=errors, raw=raw, status=422)
    audit.record(
        session,
        action="starters.facility_opened",
        object_type="starters_application",
        object_id=application.id,
    )
    session.commit()
    flash(_("The opening was recorded."))
    return redirect(url_for("starters.application_detail", application_id=application.id), 303)


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
    chosen = known.get(request.form.get("location_id", ""))
    if chosen is None:
        return _detail_page(
            application, errors={"location_id": _("Choose one of the locations.")}, status=422
        )
    application.location_id = chosen.id
    session.add(application)
    services.add_timeline(session, application, "location_linked", actor_name(), chosen.name)
    session.commit()
    return redirect(url_for("starters.application_detail", application_id=application.id), 303)


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
    )


# -- the catalogue, for staff -----------------------------------------------------------------


@blueprint.get("/beheer/maatregelen")
@require_permission(MANAGE_CATALOGUE)
def catalogue():
    measures = db_session().exec(select(SupportMeasure).order_by(SupportMeasure.title))
    return render("starters/catalogue.html", measures=list(measures), today=date.today())


def _measure_raw(measure: SupportMeasure) -> dict:
    raw = {key: getattr(measure, key) for key in ("title", "description", "kind", "conditions")}
    raw["area_postcodes"] = ", ".join(measure.area_postcodes)
    raw["area_places"] = ", ".join(measure.area_places)
    for key in ("amount_eur", "min_places", "max_places"):
        value = getattr(measure, key)
        raw[key] = "" if value is None else str(value)
    for key in ("opens_on", "closes_on"):
        value = getattr(measure, key)
        raw[key] = value.isoformat() if value else ""
    raw["facility_types"] = list(measure.facility_types)
    raw["required_documents"] = list(measure.required_documents)
    raw["published"] = measure.published
    raw["requires_loket_participation"] = measure.requires_loket_participation
    return raw


@blueprint.route(
    "/beheer/maatregelen/nieuw", methods=["GET", "POST"], defaults={"measure_id": None}
)
@blueprint.route("/beheer/maatregelen/<uuid:measure_id>", methods=["GET", "POST"])
@require_permission(MANAGE_CATALOGUE)
def edit_measure(measure_id: uuid.UUID | None):
    session = db_session()
    measure = _get_or_404(SupportMeasure, measure_id) if measure_id else None
    if request.method == "GET":
        raw = _measure_raw(measure) if measure else {"published": True}
        return render("starters/measure_form.html", measure=measure, raw=raw, errors={})
    raw = raw_form(request.form)
    parsed = parse_measure(raw)
    if parsed.errors:
        return (
            render("starters/measure_form.html", measure=measure, raw=raw, errors=parsed.errors),
            422,
        )
    measure = measure or SupportMeasure(title="", kind="")
    for key, value in parsed.values.items():
        setattr(measure, key, value)
    if measure.kind != MeasureKind.PREMIUM:
        measure.amount_eur = None
    session.add(measure)
    session.flush()
    audit.record(
        session,
        action="starters.measure_saved",
        object_type="starters_measure",
        object_id=measure.id,
    )
    session.commit()
    flash(_("The measure was saved."))
    return redirect(url_for("starters.catalogue"), 303)


# -- buildings --------------------------------------------------------------------------------


def _own_applications() -> list[Application]:
    if g.get("user") is None:
        return []
    return list(
        db_session().exec(
            select(Application)
            .where(Application.applicant_user_id == g.user.id)
            .order_by(Application.created_at.desc())
        )
    )


def _buildings_page(raw: dict | None = None, errors: dict | None = None, status: int = 200):
    session = db_session()
    mine = _own_applications() if can(APPLY) else []
    chosen = None
    if mine:
        wanted = request.args.get("aanvraag", "")
        chosen = next((a for a in mine if str(a.id) == wanted), mine[0])
    reviewer = is_reviewer() or can(MANAGE_CATALOGUE)
    if reviewer:
        buildings = list(session.exec(select(Building).order_by(Building.address)))
    else:
        buildings = services.buildings_for(session, chosen.planned_places if chosen else None)
    interests = []
    if reviewer:
        interests = [
            (
                interest,
                session.get(Building, interest.building_id),
                session.get(Application, interest.application_id),
            )
            for interest in session.exec(
                select(BuildingInterest).order_by(BuildingInterest.created_at)
            )
        ]
    own_interest = set()
    if chosen is not None:
        own_interest = {
            row.building_id
            for row in session.exec(
                select(BuildingInterest).where(BuildingInterest.application_id == chosen.id)
            )
        }
    return (
        render(
            "starters/buildings.html",
            buildings=buildings,
            mine=mine,
            chosen=chosen,
            own_interest=own_interest,
            interests=interests,
            reviewer=reviewer,
            raw=raw or {},
            errors=errors or {},
        ),
        status,
    )


@blueprint.get("/panden")
def buildings():
    if g.get("user") is None:
        abort(401)
    if not (can(APPLY) or is_reviewer() or can(MANAGE_CATALOGUE)):
        abort(403)
    return _buildings_page()


@blueprint.post("/panden")
@require_permission(MANAGE_CATALOGUE)
def add_building():
    session = db_session()
    raw = raw_form(request.form)
    parsed = parse_building(raw)
    if parsed.errors:
        return _buildings_page(raw, parsed.errors, 422)
    building = Building(**parsed.values)
    session.add(building)
    session.commit()
    flash(_("The building was added."))
    return redirect(url_for("starters.buildings"), 303)


@blueprint.post("/panden/<uuid:building_id>/interesse")
@require_permission(APPLY)
def express_interest(building_id: uuid.UUID):
    session = db_session()
    building = _get_or_404(Building, building_id)
    try:
        application_id = uuid.UUID(request.form.get("application_id", ""))
    except ValueError:
        abort(404)
    application = own_application(application_id)
    existing = session.exec(
        select(BuildingInterest).where(
            BuildingInterest.building_id == building.id,
            BuildingInterest.application_id == application.id,
        )
    ).first()
    if existing is None:
        message = request.form.get("message", "").strip()[:REASON_MAX]
        session.add(
            BuildingInterest(
                building_id=building.id, application_id=application.id, message=message
            )
        )
        services.add_timeline(
            session, application, "building_interest", actor_name(), building.address
        )
        session.commit()
    flash(_("Your interest was passed on to the municipality."))
    return redirect(url_for("starters.buildings", aanvraag=application.id), 303)


@blueprint.post("/panden/interesse/<uuid:interest_id>")
@require_permission(REVIEW)
def record_match(interest_id: uuid.UUID):
    session = db_session()
    interest = _get_or_404(BuildingInterest, interest_id)
    outcome = request.form.get("outcome", "")
    if outcome not in {"matched", "not_matched"}:
        return _buildings_page(
            errors={f"outcome-{interest.id}": _("Choose matched or not matched.")}, status=422
        )
    interest.outcome = outcome
    interest.outcome_note = request.form.get("note", "").strip()[:REASON_MAX]
    session.add(interest)
    building = session.get(Building, interest.building_id)
    if outcome == "matched" and building is not None:
        building.status = "allocated"
        session.add(building)
    application = session.get(Application, interest.application_id)
    if application is not None:
        services.add_timeline(
            session,
            application,
            "building_outcome",
            actor_name(),
            building.address if building else "",
        )
    session.commit()
    flash(_("The outcome was recorded."))
    return redirect(url_for("starters.buildings"), 303)


# -- company agreements -----------------------------------------------------------------------


def _locations() -> list:
    if "loket" not in g.enabled_plugins:
        return []
    return [
        location
        for found in tenant_hooks().childcare_locations(tenant=g.tenant, session=db_session())
        for location in found or ()
    ]


@blueprint.route("/bedrijven", methods=["GET", "POST"])
@require_permission(MANAGE_CATALOGUE)
def agreements():
    session = db_session()
    locations = _locations()
    raw, errors, status = {}, {}, 200
    if request.method == "POST":
        raw = raw_form(request.form)
        parsed = parse_agreement(raw, {str(location.id) for location in locations})
        if parsed.errors:
            errors, status = parsed.errors, 422
        else:
            agreement = CompanyAgreement(**parsed.values)
            session.add(agreement)
            session.flush()
            audit.record(
                session,
                action="starters.agreement_saved",
                object_type="starters_company_agreement",
                object_id=agreement.id,
            )
            session.commit()
            flash(_("The agreement was saved."))
            return redirect(url_for("starters.agreements"), 303)
    rows = session.exec(select(CompanyAgreement).order_by(CompanyAgreement.starts_on))
    return (
        render(
            "starters/agreements.html",
            agreements=list(rows),
            locations=locations,
            location_names={location.id: location.name for location in locations},
            raw=raw,
            errors=errors,
            today=date.today(),
        ),
        status,
    )
