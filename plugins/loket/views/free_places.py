"""Changing or withdrawing a free-place report: its provider's members and loket staff.

Anyone else — another provider, a parent, another municipality — gets 404, as if the report
did not exist. Only POST changes anything; the page itself (GET, HEAD) only shows.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from core import audit
from core.identity.access import can
from core.rendering import render
from core.web import db_session
from plugins.loket import continuous, forms, free_places
from plugins.loket.models import FreePlace, Location
from plugins.loket.services import OverCapacity
from plugins.loket.views.common import _context, _provider_location_ids, blueprint, settings
from plugins.loket.views.places import _over_capacity_message


def _report(free_place_id: uuid.UUID) -> tuple[FreePlace, Location]:
    """The report, if the visitor is loket staff or acts for its location's provider."""
    if g.get("user") is None:
        abort(401)
    if not (can("loket.manage") or can("loket.places")):
        abort(403)
    found = db_session().get(FreePlace, free_place_id)
    if found is None:
        abort(404)
    if not can("loket.manage") and found.location_id not in _provider_location_ids():
        abort(404)
    return found, db_session().get(Location, found.location_id)


def _back(location: Location) -> str:
    if can("loket.manage"):
        return url_for("loket.edit_location", location_id=location.id)
    return url_for("loket.places")


def _page(free_place: FreePlace, location: Location, form=None, *, status: int = 200):
    if form is None:
        form = forms.FreePlaceChangeForm(
            formdata=None,
            data={
                "places": free_place.places,
                "available_from": free_place.available_from,
                "days": list(free_place.days),
            },
        )
    return render(
        "loket/free_place.html",
        **_context(
            free_place=free_place,
            location=location,
            use=free_places.use_of(db_session(), free_place),
            form=form,
            day_choices=forms.DAY_CHOICES,
            back=_back(location),
        ),
    ), status


@blueprint.get("/plaatsen/vrij/<uuid:free_place_id>")
def free_place(free_place_id: uuid.UUID):
    return _page(*_report(free_place_id))


@blueprint.post("/plaatsen/vrij/<uuid:free_place_id>")
def change_free_place(free_place_id: uuid.UUID):
    session = db_session()
    free_place, location = _report(free_place_id)
    form = forms.FreePlaceChangeForm()
    if not form.validate_on_submit():
        return _page(free_place, location, form, status=422)
    try:
        before, after = free_places.change_free_place(
            session,
            free_place.id,
            places=form.places.data,
            available_from=form.available_from.data,
            days=list(form.days.data or ()),
            quota_percent=settings()["occasional_quota_percent"],
        )
    except free_places.BelowUsed as refused:
        form.fail(
            "places",
            _(
                "%(count)d places of this report are already taken or proposed: you cannot "
                "report fewer.",
                count=refused.used,
            ),
        )
        return _page(free_place, location, form, status=422)
    except free_places.TermsFixed:
        form.fail(
            "available_from",
            _(
                "Places of this report are already taken or proposed, so its date and days "
                "stay as they are: report other places anew instead."
            ),
        )
        return _page(free_place, location, form, status=422)
    except OverCapacity as refused:
        form.fail("places", _over_capacity_message(refused))
        return _page(free_place, location, form, status=422)
    audit.record(
        session,
        action="loket.free_place_changed",
        object_type="loket_free_place",
        object_id=free_place.id,
        detail={"location_id": str(location.id), "before": before, "after": after},
    )
    if after["places"] - after["held_back"] > before["places"] - before["held_back"]:
        continuous.place_freed(session, g.tenant, [location.id], trigger="free_places_reported")
    session.commit()
    flash(_("The free places were changed."))
    return redirect(_back(location))


@blueprint.post("/plaatsen/vrij/<uuid:free_place_id>/intrekken")
def withdraw_free_place(free_place_id: uuid.UUID):
    session = db_session()
    free_place, location = _report(free_place_id)
    if not forms.WithdrawFreePlaceForm().validate_on_submit():
        abort(400)
    before, after = free_places.withdraw_free_place(session, free_place.id)
    removed = before["places"] - after["places"]
    if removed:
        audit.record(
            session,
            action="loket.free_place_withdrawn",
            object_type="loket_free_place",
            object_id=free_place.id,
            detail={"location_id": str(location.id), "before": before, "after": after},
        )
        session.commit()
        flash(_("%(count)d free places were withdrawn.", count=removed))
    else:
        flash(_("Nothing to withdraw: every place of this report is taken or proposed."))
    return redirect(_back(location))
