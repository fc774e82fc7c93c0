"""Buildings for childcare: the list, a starter's interest, staff adding buildings and matches."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core.identity.access import can, require_permission
from core.rendering import render
from core.web import db_session
from plugins.starters import services
from plugins.starters.access import (
    APPLY,
    MANAGE_CATALOGUE,
    REVIEW,
    actor_name,
    is_reviewer,
    own_application,
)
from plugins.starters.forms import BuildingForm, InterestForm, MatchForm
from plugins.starters.models import Application, Building, BuildingInterest, BuildingPhoto
from plugins.starters.photos import map_link
from plugins.starters.views.common import blueprint, get_or_404, own_applications


def _buildings_page(failed=None, failed_for: uuid.UUID | None = None, status: int = 200):
    """The page; ``failed`` is a refused form (for building or interest ``failed_for``)."""
    session = db_session()
    mine = own_applications() if can(APPLY) else []
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
    # The starter's own interests with staff's outcome: a matched building is allocated and
    # leaves the list of available ones, so the outcome is shown apart from that list.
    own_interests = []
    if chosen is not None:
        own_interests = [
            (row, session.get(Building, row.building_id))
            for row in session.exec(
                select(BuildingInterest)
                .where(BuildingInterest.application_id == chosen.id)
                .order_by(BuildingInterest.created_at)
            )
        ]
    own_interest = {row.building_id for row, _building in own_interests}

    def form_for(form_class, row_id):
        if isinstance(failed, form_class) and failed_for == row_id:
            return failed
        return form_class(formdata=None)

    photos = {}
    for photo in session.exec(select(BuildingPhoto).order_by(BuildingPhoto.uploaded_at)):
        photos.setdefault(photo.building_id, []).append(photo)
    return (
        render(
            "starters/buildings.html",
            buildings=buildings,
            photos=photos,
            map_link=map_link,
            mine=mine,
            chosen=chosen,
            own_interest=own_interest,
            own_interests=own_interests,
            interests=interests,
            reviewer=reviewer,
            failed=failed,
            building_form=failed
            if isinstance(failed, BuildingForm)
            else BuildingForm(formdata=None),
            interest_forms={
                b.id: form_for(InterestForm, b.id).for_building(b.id) for b in buildings
            },
            match_forms={
                interest.id: form_for(MatchForm, interest.id).for_interest(interest.id)
                for interest, _building, _application in interests
            },
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
    form = BuildingForm()
    if not form.validate_on_submit():
        return _buildings_page(form, status=422)
    session.add(Building(**form.values()))
    session.commit()
    flash(_("The building was added."))
    return redirect(url_for("starters.buildings"), 303)


@blueprint.post("/panden/<uuid:building_id>/interesse")
@require_permission(APPLY)
def express_interest(building_id: uuid.UUID):
    session = db_session()
    building = get_or_404(Building, building_id)
    if building.status != "available":
        abort(404)  # withdrawn or allocated: starters no longer see it
    form = InterestForm().for_building(building.id)
    valid = form.validate_on_submit()
    if form.application_id.data is None:
        abort(404)
    application = own_application(form.application_id.data)
    if not valid:
        return _buildings_page(form, building.id, 422)
    existing = session.exec(
        select(BuildingInterest).where(
            BuildingInterest.building_id == building.id,
            BuildingInterest.application_id == application.id,
        )
    ).first()
    if existing is None:
        session.add(
            BuildingInterest(
                building_id=building.id,
                application_id=application.id,
                message=form.message.data or "",
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
    interest = get_or_404(BuildingInterest, interest_id)
    form = MatchForm().for_interest(interest.id)
    if not form.validate_on_submit():
        return _buildings_page(form, interest.id, 422)
    interest.outcome = form.outcome.data
    interest.outcome_note = form.note.data or ""
    session.add(interest)
    building = session.get(Building, interest.building_id)
    if interest.outcome == "matched" and building is not None:
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
