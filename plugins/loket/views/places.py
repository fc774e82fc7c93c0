"""Providers: report free places at their own locations and confirm or reject proposals."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core.identity.access import require_permission
from core.rendering import render
from core.request_context import current_actor
from core.web import db_session
from plugins.loket import continuous, forms, notifications, occupancy, reserve, services
from plugins.loket.models import (
    AGE_GROUPS,
    REJECTION_REASONS,
    ChildcareRequest,
    FreePlace,
    Location,
    Proposal,
    ProposalStatus,
)
from plugins.loket.views.common import (
    _context,
    _locations,
    _provider_location_ids,
    blueprint,
    settings,
)


@blueprint.get("/plaatsen")
@require_permission("loket.places")
def places():
    return _places_page()


def _places_page(status: int = 200, submitted=None, failed: uuid.UUID | None = None):
    """The provider's page: one free-places form per location and one decision form per
    proposal; the form that was sent and failed (``failed`` is its location or proposal)
    comes back with what was typed and its messages."""
    session = db_session()
    own = _provider_location_ids()
    locations = [location for location in _locations() if location.id in own]
    free_places = [
        place
        for place in session.exec(select(FreePlace).order_by(FreePlace.available_from))
        # A withdrawn report with nothing taken keeps its row (proposals point at it).
        if place.location_id in own and place.places > 0
    ]
    proposals = [
        (proposal, row)
        for proposal, row in session.exec(
            select(Proposal, ChildcareRequest)
            .join(ChildcareRequest, ChildcareRequest.id == Proposal.request_id)
            .where(Proposal.status == ProposalStatus.AWAITING_PROVIDER)
        )
        if proposal.location_id in own
    ]

    def form_for(form_class, key):
        if submitted is not None and key == failed:
            return submitted
        return form_class(formdata=None).number(key)

    return render(
        "loket/places.html",
        **_context(
            locations=locations,
            by_id={location.id: location for location in locations},
            free_places=free_places,
            occupancy=occupancy.occupancy_of(session, [location.id for location in locations]),
            reserves={
                location.id: reserve.reserve_of(session, location, settings())
                for location in locations
            },
            proposals=proposals,
            free_place_forms={
                location.id: form_for(forms.FreePlaceForm, location.id) for location in locations
            },
            decision_forms={
                proposal.id: form_for(forms.ProviderDecisionForm, proposal.id)
                for proposal, _row in proposals
            },
            age_groups=AGE_GROUPS,
            day_choices=forms.DAY_CHOICES,
            reasons=REJECTION_REASONS,
            errors=submitted.errors_by_id() if submitted is not None else {},
        ),
    ), status


@blueprint.post("/plaatsen/<uuid:location_id>/vrij")
@require_permission("loket.places")
def report_free_place(location_id: uuid.UUID):
    session = db_session()
    if location_id not in _provider_location_ids():
        abort(404)
    location = session.get(Location, location_id)
    form = forms.FreePlaceForm().number(location_id)
    if not form.validate_on_submit():
        return _places_page(422, submitted=form, failed=location_id)
    try:
        services.report_free_place(
            session,
            location,
            age_group=form.age_group.data,
            available_from=form.available_from.data,
            places=form.places.data,
            days=list(form.days.data or ()),
            quota_percent=settings()["occasional_quota_percent"],
            actor=current_actor(),
        )
    except services.OverCapacity as refused:
        form.fail("places", _over_capacity_message(refused))
        return _places_page(422, submitted=form, failed=location_id)
    continuous.place_freed(session, g.tenant, [location_id], trigger="free_places_reported")
    session.commit()
    flash(_("The free places were saved."))
    return redirect(url_for("loket.places"))


def _over_capacity_message(refused: services.OverCapacity) -> str:
    if refused.licensed == 0:
        return _(
            "This location has no licensed places for this age group: fill them in on the "
            "location page first."
        )
    return _(
        "This location is licensed for %(licensed)d places of this age group and %(reported)d "
        "are already reported or taken: you can report at most %(room)d more.",
        licensed=refused.licensed,
        reported=refused.reported,
        room=refused.room,
    )


@blueprint.post("/voorstel/<uuid:proposal_id>/aanbieder")
@require_permission("loket.places")
def provider_decision(proposal_id: uuid.UUID):
    session = db_session()
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.location_id not in _provider_location_ids():
        abort(404)
    form = forms.ProviderDecisionForm().number(proposal_id)
    if not form.validate_on_submit():
        return _places_page(422, submitted=form, failed=proposal_id)
    row = session.get(ChildcareRequest, proposal.request_id)
    location = session.get(Location, proposal.location_id)
    try:
        if form.decision.data == "confirm":
            services.confirm_proposal(session, proposal)
            notifications.place_offered_to_parent(session, g.tenant, row, proposal)
            message = _("You confirmed the proposal; the parent is asked to accept.")
        else:
            still_free = services.reject_proposal(session, proposal, reason=form.reason.data)
            notifications.proposal_answered(session, g.tenant, row, location, accepted=False)
            if still_free:
                continuous.place_freed(session, g.tenant, [location.id], trigger="rejected")
            message = _("You rejected the proposal.")
    except services.InvalidTransition:
        abort(409)
    session.commit()
    flash(message)
    return redirect(url_for("loket.places"))
