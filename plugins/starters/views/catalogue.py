"""The catalogue of support measures: public pages, and the staff's list and edit form."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import can, require_permission
from core.rendering import render
from core.web import db_session
from plugins.starters import services
from plugins.starters.access import APPLY, MANAGE_CATALOGUE
from plugins.starters.forms import MeasureForm
from plugins.starters.models import SupportMeasure
from plugins.starters.services import MeasureKind
from plugins.starters.views.common import (
    blueprint,
    contact_email,
    get_or_404,
    latest_project,
    reasons,
    unmet_demand,
)


@blueprint.get("/")
def index():
    session = db_session()
    measures = services.open_measures(session, date.today())
    # A signed-in starter sees, beside each measure, whether it fits their latest project.
    project = latest_project() if can(APPLY) else None
    return render(
        "starters/index.html",
        measures=measures,
        contact_email=contact_email(),
        contact_points=[m for m in measures if m.kind == MeasureKind.CONTACT_POINT],
        project=project,
        unfit={m.id: reasons(m, project) for m in measures} if project else {},
        demand=unmet_demand(),
    )


@blueprint.get("/maatregelen/<uuid:measure_id>")
def measure_detail(measure_id: uuid.UUID):
    measure = get_or_404(SupportMeasure, measure_id)
    if not services.is_open(measure, date.today()) and not can(MANAGE_CATALOGUE):
        abort(404)
    project = latest_project() if can(APPLY) else None
    return render(
        "starters/measure.html",
        measure=measure,
        contact_email=contact_email(),
        project=project,
        unfit={measure.id: reasons(measure, project)} if project else {},
    )


@blueprint.get("/beheer/maatregelen")
@require_permission(MANAGE_CATALOGUE)
def catalogue():
    measures = db_session().exec(select(SupportMeasure).order_by(SupportMeasure.title))
    return render("starters/catalogue.html", measures=list(measures), today=date.today())


@blueprint.route(
    "/beheer/maatregelen/nieuw", methods=["GET", "POST"], defaults={"measure_id": None}
)
@blueprint.route("/beheer/maatregelen/<uuid:measure_id>", methods=["GET", "POST"])
@require_permission(MANAGE_CATALOGUE)
def edit_measure(measure_id: uuid.UUID | None):
    session = db_session()
    measure = get_or_404(SupportMeasure, measure_id) if measure_id else None
    form = MeasureForm()
    if not form.is_submitted():
        form = MeasureForm.for_measure(measure)  # the stored measure, before any submit
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("starters/measure_form.html", measure=measure, form=form), status
    measure = measure or SupportMeasure(title="", kind="")
    for key, value in form.values().items():
        setattr(measure, key, value)
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
