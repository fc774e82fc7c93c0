"""Company agreements: places a company reserves in a facility for its employees."""

from __future__ import annotations

import uuid
from datetime import date

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import require_permission
from core.rendering import render
from core.web import db_session
from plugins.starters import company_places
from plugins.starters.access import MANAGE_CATALOGUE
from plugins.starters.forms import AgreementForm
from plugins.starters.models import CompanyAgreement
from plugins.starters.views.common import blueprint, get_or_404, loket_locations


@blueprint.route("/bedrijven", methods=["GET", "POST"])
@require_permission(MANAGE_CATALOGUE)
def agreements():
    session = db_session()
    locations = loket_locations()
    form = AgreementForm()
    form.location_id.choices = [(str(location.id), location.name) for location in locations]
    if form.validate_on_submit():
        agreement = CompanyAgreement(**form.values())
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
            claims=company_places.claims_by_agreement(session),
            location_names={location.id: location.name for location in locations},
            form=form,
            today=date.today(),
        ),
        422 if form.is_submitted() else 200,
    )


@blueprint.route("/bedrijven/<uuid:agreement_id>/bewerken", methods=["GET", "POST"])
@require_permission(MANAGE_CATALOGUE)
def edit_agreement(agreement_id: uuid.UUID):
    """Change an agreement: its period, places, and who may claim them (the company's domains)."""
    session = db_session()
    agreement = get_or_404(CompanyAgreement, agreement_id)
    form = AgreementForm()
    form.location_id.choices = [(str(location.id), location.name) for location in loket_locations()]
    if not form.is_submitted():
        form = AgreementForm(formdata=None, obj=agreement)
        form.location_id.choices = [
            (str(location.id), location.name) for location in loket_locations()
        ]
        form.location_id.data = str(agreement.location_id) if agreement.location_id else ""
        form.email_domains.data = ", ".join(agreement.email_domains or ())
    elif form.validate_on_submit():
        for name, value in form.values().items():
            setattr(agreement, name, value)
        session.add(agreement)
        audit.record(
            session,
            action="starters.agreement_changed",
            object_type="starters_company_agreement",
            object_id=agreement.id,
        )
        session.commit()
        flash(_("The agreement was saved."))
        return redirect(url_for("starters.agreements"), 303)
    return (
        render("starters/agreement_edit.html", agreement=agreement, form=form),
        422 if form.is_submitted() else 200,
    )
