"""Company places: a parent whose employer reserved places asks for one for their child.

Which places a parent may claim, and what proves they work there, is the owner's business
(the ``reserved_places_for_employee`` and ``claim_reserved_place`` hooks, answered by the
starters plugin); the loket only checks that the request is the parent's own and still waits,
and makes sure the facility is among the family's choices, so a round can offer it.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import require_permission
from core.web import db_session, tenant_hooks
from plugins.loket.models import Preference, RequestStatus
from plugins.loket.views.common import _parents_own_request, blueprint


def employee_places() -> list:
    """The company places the signed-in parent may claim ([] without the owner or a proof)."""
    return [
        place
        for places in tenant_hooks().reserved_places_for_employee(
            tenant=g.tenant, session=db_session(), user=g.user
        )
        for place in places or ()
    ]


def _add_to_choices(session, row, location_id: uuid.UUID) -> None:
    """A round offers places among the family's choices: the facility joins them, last."""
    if row.area:
        return  # an area request is expanded at the round; the claim is read there
    preferences = list(session.exec(select(Preference).where(Preference.request_id == row.id)))
    if any(p.location_id == location_id for p in preferences):
        return
    rank = max((p.rank for p in preferences), default=0) + 1
    session.add(Preference(request_id=row.id, location_id=location_id, rank=rank))


@blueprint.post("/aanvraag/<uuid:request_id>/bedrijfsplaats")
@require_permission("loket.request")
def claim_company_place(request_id: uuid.UUID):
    session = db_session()
    row = _parents_own_request(request_id)
    if row.status != RequestStatus.OPEN:
        flash(_("Only a request that waits for a place can ask for a company place."))
        return redirect(url_for("loket.my_requests"), 303)
    reference = (request.form.get("reference") or "").strip()[:64]
    answer = tenant_hooks().claim_reserved_place(
        tenant=g.tenant, session=session, user=g.user, reference=reference, request_id=row.id
    )
    if answer is None:
        abort(404)  # no plugin keeps company places for this municipality
    if not answer.accepted:
        session.rollback()
        flash(answer.reason)
        return redirect(url_for("loket.my_requests"), 303)
    place = next((p for p in employee_places() if p.reference == reference), None)
    if place is not None and place.location_id is not None:
        _add_to_choices(session, row, place.location_id)
    audit.record(
        session,
        action="loket.company_place_claimed",
        object_type="loket_request",
        object_id=row.id,
    )
    session.commit()
    flash(
        _(
            "You asked for a place your employer reserved. The next round offers it to you "
            "before other families, while the company's places last."
        )
    )
    return redirect(url_for("loket.my_requests"), 303)
