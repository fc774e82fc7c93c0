"""The board (current notices, and the form for staff) and one notice's page."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, redirect, url_for

from core.events import announce
from core.i18n import current_language
from core.identity.access import can, require_permission
from core.rendering import render
from core.tenancy import plugin_settings
from core.web import db_session
from opvangplein_example import services
from opvangplein_example.forms import NoticeForm
from opvangplein_example.models import Notice
from opvangplein_example.plugin import MANIFEST
from opvangplein_example.views.common import blueprint


def _board(form: NoticeForm, status: int = 200):
    session = db_session()
    shown = plugin_settings(session, MANIFEST)["shown"]
    return render(
        "noticeboard/board.html",
        title=MANIFEST.title(current_language()),
        notices=services.current_notices(session, today=date.today(), limit=shown),
        form=form if can("noticeboard.post") else None,
    ), status


@blueprint.get("/")
def board():
    return _board(NoticeForm())


@blueprint.post("/")
@require_permission("noticeboard.post")
def post_notice():
    form = NoticeForm()
    if not form.validate_on_submit():
        return _board(form, 422)
    session = db_session()
    notice = services.post_notice(
        session,
        title=form.title.data,
        body=form.body.data,
        visible_until=form.visible_until.data,
    )
    announce(
        session,
        "noticeboard.notice_posted",
        notice_id=str(notice.id),
        title=notice.title,
        visible_until=notice.visible_until.isoformat(),
    )
    session.commit()
    return redirect(url_for("noticeboard.notice", notice_id=notice.id), 303)


@blueprint.get("/<uuid:notice_id>")
def notice(notice_id: uuid.UUID):
    found = db_session().get(Notice, notice_id)
    if found is None:
        abort(404)
    return render("noticeboard/notice.html", notice=found)
