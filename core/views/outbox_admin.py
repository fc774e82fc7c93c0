"""The tenant admin's view of outgoing mail: what waits, what failed for good, and for how long
sent mail is kept. A dead letter can be sent again once its cause (an address, the relay) is fixed.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import select

from core import audit
from core.forms import IntegerField, PlatformForm
from core.identity.access import require_permission
from core.local_time import local_datetime
from core.mail import FAILED, OutboxMessage, backlog, retry_dead_letter
from core.rendering import render
from core.web import db_session, tenant_directory, tenant_required

blueprint = Blueprint("outbox_admin", __name__, url_prefix="/beheer/post")
blueprint.before_request(tenant_required)
DEAD_LETTERS_SHOWN = 200


class RetentionForm(PlatformForm):
    mail_retention_days = IntegerField(
        _l("Keep sent mail for (days)"),
        required=True,
        minimum=1,
        maximum=365,
        id="mail-retention-days",
    )


def _page(form: RetentionForm | None = None, status: int = 200):
    session = db_session()
    dead_letters = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.status == FAILED)
        .order_by(OutboxMessage.created_at.desc())
        .limit(DEAD_LETTERS_SHOWN)
    ).all()
    form = form or RetentionForm(
        formdata=None, data={"mail_retention_days": g.tenant.mail_retention_days}
    )
    return render(
        "admin/outbox.html",
        backlog=backlog(session),
        dead_letters=dead_letters,
        form=form,
        when=local_datetime,
    ), status


@blueprint.get("/")
@require_permission("core.admin")
def index():
    return _page()


@blueprint.post("/<uuid:message_id>/opnieuw")
@require_permission("core.admin")
def retry(message_id: uuid.UUID):
    session = db_session()
    message = retry_dead_letter(session, message_id)
    if message is None:
        abort(404)
    audit.record(session, action="mail.retried", object_type="outbox_message", object_id=message.id)
    session.commit()
    flash(_("The message to %(address)s is sent again.", address=message.to_address))
    return redirect(url_for("outbox_admin.index"))


@blueprint.post("/bewaartermijn")
@require_permission("core.admin")
def update_retention():
    form = RetentionForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    session = db_session()
    tenant = session.merge(g.tenant)
    tenant.mail_retention_days = form.mail_retention_days.data
    session.add(tenant)
    audit.record(
        session,
        action="mail.retention_changed",
        object_type="tenant",
        object_id=tenant.slug,
        detail={"days": tenant.mail_retention_days},
    )
    session.commit()
    tenant_directory().forget()
    flash(_("Sent mail is now kept for %(days)d days.", days=tenant.mail_retention_days))
    return redirect(url_for("outbox_admin.index"))
