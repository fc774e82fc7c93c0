"""Documents of an application: upload (checked, scanned, stored), removal, download."""

from __future__ import annotations

import uuid

from flask import abort, current_app, flash, g, redirect, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from core.file_downloads import send_private_file
from core.identity.access import require_permission
from core.web import db_session
from plugins.starters import services, uploads
from plugins.starters.access import APPLY, actor_name, own_application, visible_application
from plugins.starters.forms import DocumentForm, StepForm
from plugins.starters.messages import upload_message
from plugins.starters.models import ApplicationDocument
from plugins.starters.services import ApplicationStatus
from plugins.starters.views.applications import step_page
from plugins.starters.views.common import blueprint, get_or_404, row_of_application
from plugins.starters.views.review import detail_page


def _submitted_document() -> tuple[DocumentForm, bool]:
    """The upload form, validated; a request over the platform's limit is said in the page."""
    try:
        form = DocumentForm()
        return form, form.validate()
    except RequestEntityTooLarge:
        form = DocumentForm(formdata=None)
        form.fail("document", upload_message("too_big"))
        return form, False


@blueprint.post("/aanvragen/<uuid:application_id>/documenten")
@require_permission(APPLY)
def upload_document(application_id: uuid.UUID):
    application = own_application(application_id)
    if application.status not in (ApplicationStatus.DRAFT, *services.UNDER_REVIEW):
        abort(409)
    form, valid = _submitted_document()
    if valid:
        upload = form.document.data
        try:
            data, name, content_type = uploads.accept(
                upload.stream, upload.filename, uploads.virus_scanner()
            )
        except uploads.UploadRefused as refusal:
            if refusal.code == "scan_failed":
                current_app.logger.error("starters: virus scan failed: %s", refusal.detail)
            form.fail("document", upload_message(refusal.code, refusal.detail))
            valid = False
    if not valid:
        if application.status == ApplicationStatus.DRAFT:
            return step_page(
                application, "documents", StepForm(formdata=None), 422, document_form=form
            )
        return detail_page(application, failed=form, status=422)
    session = db_session()
    files = uploads.file_store()
    stored = uploads.store(files, g.tenant.id, application.id, data, name, content_type)
    document = ApplicationDocument(
        application_id=application.id,
        kind=form.kind.data,
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
    try:
        session.commit()
    except BaseException:
        files.discard(g.tenant.id, application.id, stored.stored_name)
        raise
    files.publish(g.tenant.id, application.id, stored.stored_name)
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
    document = row_of_application(ApplicationDocument, document_id, application)
    if application.status != ApplicationStatus.DRAFT:
        abort(409)  # a submitted document is part of the file staff review
    uploads.file_store().remove(g.tenant.id, application.id, document.stored_name)
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
    document = get_or_404(ApplicationDocument, document_id)
    application = visible_application(document.application_id)
    return send_private_file(
        uploads.file_store(),
        application.id,
        document.stored_name,
        mimetype=document.content_type,
        download_name=document.original_name,
        audit_action="starters.document_downloaded",
        object_type="starters_document",
        object_id=document.id,
    )
