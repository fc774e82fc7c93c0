"""The location details page: staff for every location, providers for their own."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from core import audit
from core.identity.access import can
from core.rendering import render
from core.web import db_session
from plugins.loket import areas, forms, locations
from plugins.loket.models import AGE_GROUPS, CARE_NEEDS, DAY_PARTS, TARIFFS, WEEKDAYS, Location
from plugins.loket.views import _context, _provider_location_ids, blueprint


def _editable_location(location_id: uuid.UUID) -> Location:
    """The location, if the visitor is loket staff or acts for its provider; else 404/403."""
    if g.get("user") is None:
        abort(401)
    if not (can("loket.manage") or can("loket.places")):
        abort(403)
    location = db_session().get(Location, location_id)
    if location is None:
        abort(404)
    if not can("loket.manage") and location_id not in _provider_location_ids():
        abort(404)
    return location


def _page(location: Location, *, status: int = 200, values: dict | None = None, errors=None):
    session = db_session()
    if values is None:
        values = {
            "tariff": location.tariff,
            "care_needs": location.care_needs,
            "opening_days": location.opening_days,
            "day_parts": location.day_parts,
            "area": location.area,
            "participates": location.participates,
            "capacity": {
                group: str(places)
                for group, places in locations.capacities_of(session, location).items()
            },
        }
    return render(
        "loket/location_edit.html",
        **_context(
            location=location,
            values=values,
            errors=errors or {},
            derived_area=areas.derived_area(location.postcode, location.municipality),
            tariffs=TARIFFS,
            care_needs=CARE_NEEDS,
            weekdays=WEEKDAYS,
            day_parts=DAY_PARTS,
            age_groups=AGE_GROUPS,
            back=url_for("loket.locations" if can("loket.manage") else "loket.places"),
        ),
    ), status


@blueprint.get("/locaties/<uuid:location_id>")
def edit_location(location_id: uuid.UUID):
    return _page(_editable_location(location_id))


@blueprint.post("/locaties/<uuid:location_id>")
def save_location(location_id: uuid.UUID):
    session = db_session()
    location = _editable_location(location_id)
    data = locations.read_location_form(request.form)
    capacity, errors = locations.validate_location(data)
    if errors:
        return _page(
            location,
            status=422,
            values=vars(data),
            errors=forms.error_messages(errors),
        )
    locations.update_location(session, location, data, capacity)
    audit.record(
        session,
        action="loket.location_updated",
        object_type="loket_location",
        object_id=location.id,
        detail={"care_needs": location.care_needs, "capacity": capacity},
    )
    session.commit()
    flash(_("The location was saved."))
    return redirect(url_for("loket.edit_location", location_id=location.id))
