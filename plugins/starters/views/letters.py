"""Decision letters: made when every measure is decided, mailed to the starter, downloaded by the
starter and the tenant's staff only (anyone else: 404)."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, current_app, flash, g
from flask_babel import gettext as _

from core import audit
from core.file_downloads import send_private_file
from core.identity.access import require_permission
from core.mail import Attachment
from core.tenancy import plugin_settings
from core.web import db_session
from plugins.starters import letters, notifications, services, uploads
from plugins.starters.access import REVIEW, actor_name, visible_application
from plugins.starters.models import Application, DecisionLetter
from plugins.starters.services import ApplicationStatus
from plugins.starters.views.common import blueprint, contact_email, get_or_404


def letter_texts() -> letters.LetterTexts:
    from plugins.starters.plugin import MANIFEST

    return letters.LetterTexts.from_settings(
        plugin_settings(db_session(), MANIFEST), contact_email()
    )


def issue_and_send(application: Application) -> str | None:
    """Make the letter, queue the mail with it and commit; ``None`` when the letter could not be
    made (the decision stays, staff can make the letter again). Returns the mail's subject."""
    session = db_session()
    files = uploads.file_store()
    try:
        issued = letters.issue_letter(
            session, files, g.tenant, application, letter_texts(), date.today(), actor=actor_name()
        )
    except Exception:  # a broken renderer must not lose the decision itself
        current_app.logger.exception("starters: the decision letter could not be made")
        session.commit()
        return None
    subject = notifications.application_decided(
        session,
        g.tenant,
        application,
        attachments=(Attachment(issued.filename, "application/pdf", issued.pdf),),
    )
    if subject:
        # The address stays off the timeline: it is erased with the starter, the timeline is kept.
        services.add_timeline(session, application, "starter_notified", actor_name(), subject)
    audit.record(
        session,
        action="starters.letter_issued",
        object_type="starters_decision_letter",
        object_id=issued.letter.id,
        detail={"application": str(application.id)},
    )
    try:
        session.commit()
    except BaseException:
        files.discard(g.tenant.id, application.id, issued.letter.stored_name)
        raise
    files.publish(g.tenant.id, application.id, issued.letter.stored_name)
    return subject


@blueprint.post("/aanvragen/<uuid:application_id>/beslissingsbrief")
@require_permission(REVIEW)
def reissue_letter(application_id: uuid.UUID):
    """Staff make the letter again (after a failure, or new texts), and it is mailed again."""
    application = visible_application(application_id)
    if application.status != ApplicationStatus.DECIDED:
        abort(409)
    from plugins.starters.views.review import to_detail

    if issue_and_send(application) is None:
        flash(_("The decision letter could not be made. Try again later."))
    else:
        flash(_("The decision letter was made and sent to the starter."))
    return to_detail(application)


@blueprint.get("/beslissingsbrieven/<uuid:letter_id>")
def download_letter(letter_id: uuid.UUID):
    if g.get("user") is None:
        abort(401)
    letter = get_or_404(DecisionLetter, letter_id)
    # The starter themselves or staff of this tenant; another starter gets 404.
    application = visible_application(letter.application_id)
    return send_private_file(
        uploads.file_store(),
        application.id,
        letter.stored_name,
        mimetype="application/pdf",
        download_name=f"beslissing-{letter.created_at:%Y%m%d}.pdf",
        audit_action="starters.letter_downloaded",
        object_type="starters_decision_letter",
        object_id=letter.id,
    )
