"""Candidates' documents: the candidate and the training staff upload and download them; anyone
else gets 404. The internship and employment steps read the extract's dates (services.py)."""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from core.file_downloads import send_private_file
from core.identity.access import can
from core.identity.confirmations import verified_email
from core.rendering import render
from core.web import db_session
from plugins.training import documents, store
from plugins.training.access import actor, may_manage, may_see
from plugins.training.forms import DocumentForm
from plugins.training.models import Candidate, CandidateDocument
from plugins.training.views.common import blueprint, record_for_candidate, today

REFUSALS = {
    "no_file": lambda: _("Choose a file."),
    "bad_name": lambda: _("The file name cannot be used; rename the file and try again."),
    "too_big": lambda: _("Choose a file of at most %(mb)d MB.", mb=5),
    "empty": lambda: _("The file is empty."),
    "wrong_type": lambda: _("Choose a PDF, PNG or JPEG file."),
    "content_mismatch": lambda: _("The file's content does not match its type."),
}


def _own(candidate: Candidate) -> bool:
    user = g.get("user")
    if user is None or not can("training.follow"):
        return False
    return candidate.id in {
        c.id for c in store.candidates_of_citizen(db_session(), user.id, verified_email(user))
    }


def _reachable(candidate_id: uuid.UUID) -> Candidate:
    """The candidate, for themselves or for training staff who see them; else 404."""
    if g.get("user") is None:
        abort(401)
    candidate = db_session().get(Candidate, candidate_id)
    if candidate is None:
        abort(404)
    if _own(candidate) or (may_manage() and may_see(candidate)):
        return candidate
    abort(404)


@blueprint.route("/kandidaten/<uuid:candidate_id>/documenten", methods=["GET", "POST"])
def candidate_documents(candidate_id: uuid.UUID):
    candidate = _reachable(candidate_id)
    session = db_session()
    try:
        form = DocumentForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = DocumentForm(formdata=None)
        form.fail("document", REFUSALS["too_big"]())
        valid = False
    if valid and form.expires_on.data and form.expires_on.data < form.issued_on.data:
        form.fail("expires_on", _("The end of validity comes after the issue date."))
        valid = False
    if valid and form.issued_on.data > today():
        form.fail("issued_on", _("A document is issued on a day that has begun."))
        valid = False
    if valid:
        upload = form.document.data
        data = upload.stream.read(documents.MAX_BYTES + 1)
        try:
            name, content_type = documents.accept(data, upload.filename)
        except documents.DocumentRefused as refusal:
            form.fail("document", REFUSALS[refusal.code]())
            valid = False
    if valid:
        files = documents.file_store()
        stored_name = files.put_pending(g.tenant.id, candidate.id, data)
        document = CandidateDocument(
            candidate_id=candidate.id,
            kind=form.kind.data,
            issued_on=form.issued_on.data,
            expires_on=form.expires_on.data,
            original_name=name,
            stored_name=stored_name,
            content_type=content_type,
            size_bytes=len(data),
            uploaded_by=actor(),
        )
        session.add(document)
        session.flush()
        record_for_candidate(session, candidate, "training.document_added", {"kind": document.kind})
        try:
            session.commit()
        except BaseException:
            files.discard(g.tenant.id, candidate.id, stored_name)
            raise
        files.publish(g.tenant.id, candidate.id, stored_name)
        return redirect(url_for("training.candidate_documents", candidate_id=candidate.id), 303)
    return (
        render(
            "training/documents.html",
            candidate=candidate,
            documents=documents.documents_of(session, candidate.id),
            is_valid=lambda document: documents.is_valid(document, today()),
            form=form,
            back=url_for("training.candidate", candidate_id=candidate.id)
            if may_manage()
            else url_for("training.my_path"),
        ),
        422 if form.errors else 200,
    )


@blueprint.get("/documenten/<uuid:document_id>")
def download_candidate_document(document_id: uuid.UUID):
    if g.get("user") is None:
        abort(401)
    document = db_session().get(CandidateDocument, document_id)
    if document is None:
        abort(404)
    candidate = _reachable(document.candidate_id)
    return send_private_file(
        documents.file_store(),
        candidate.id,
        document.stored_name,
        mimetype=document.content_type,
        download_name=document.original_name,
        audit_action="training.document_downloaded",
        object_type="training_document",
        object_id=document.id,
    )
