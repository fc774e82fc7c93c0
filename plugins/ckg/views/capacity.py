"""The CKG's queue, and its antennas with their places and on-call contact."""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.db import utcnow
from core.identity.access import require_permission
from core.rendering import render
from core.web import database, db_session
from plugins.ckg import store
from plugins.ckg.access import acting_ckg_ids, acting_ckgs
from plugins.ckg.forms import CAPACITY_FIELDS, AntennaForm
from plugins.ckg.models import Antenna, Referral
from plugins.ckg.services import (
    CAPACITY_COLUMNS,
    OPEN_STATES,
    Offer,
    ReferralStatus,
    Urgency,
    clock_label,
    free_places,
    queue_order,
    waiting_minutes,
)
from plugins.ckg.views.common import blueprint


@blueprint.get("/wachtrij")
@require_permission("ckg.work")
def queue():
    ckg_ids = acting_ckg_ids()
    if not ckg_ids:
        abort(403)
    session = db_session()
    # A filter is a GET search: an unknown value simply filters nothing.
    filters = {key: request.args.get(key, "") for key in ("antenna", "offer", "urgency")}
    antennas = store.antennas_of(session, ckg_ids)
    statement = select(Referral).where(
        Referral.organisation_id.in_(ckg_ids),
        Referral.status.in_([str(state) for state in OPEN_STATES | {ReferralStatus.ACCEPTED}]),
    )
    if filters["offer"] in set(Offer):
        statement = statement.where(Referral.requested_offer == filters["offer"])
    if filters["urgency"] in set(Urgency):
        statement = statement.where(Referral.urgency == filters["urgency"])
    if filters["antenna"] in {str(a.id) for a in antennas}:
        statement = statement.where(Referral.antenna_id == uuid.UUID(filters["antenna"]))
    now = utcnow()
    alert_minutes = store.ckg_settings(session)["crisis_alert_minutes"]
    rows = [
        {
            "referral": referral,
            "minutes": waiting_minutes(referral, now),
            "clock": clock_label(waiting_minutes(referral, now)),
            "overdue": referral.urgency == Urgency.CRISIS
            and referral.status == ReferralStatus.SUBMITTED
            and waiting_minutes(referral, now) > alert_minutes,
        }
        for referral in sorted(session.exec(statement).all(), key=queue_order)
    ]
    return render(
        "ckg/queue.html",
        block="queue",
        rows=rows,
        filters=filters,
        antennas=antennas,
        antenna_names={a.id: a.name for a in antennas},
        capacity=_capacity_rows(antennas),
    )


def _capacity_rows(antennas: list[Antenna]) -> list[dict]:
    return [
        {
            "antenna": antenna,
            "offers": [
                (offer, *_places(antenna, offer), free_places(antenna, offer))
                for offer in CAPACITY_COLUMNS
            ],
        }
        for antenna in antennas
    ]


def _places(antenna: Antenna, offer: Offer) -> tuple[int, int]:
    places, occupied = CAPACITY_COLUMNS[offer]
    return getattr(antenna, places), getattr(antenna, occupied)


def _capacity_page(ckgs, antennas: list[Antenna], failed: AntennaForm | None = None):
    """Every antenna's form with its stored values, and one to add an antenna; the form that
    was just refused shows what was typed instead."""
    failed_id = failed.antenna_id.data if failed is not None else None
    choices = [(str(ckg.id), ckg.name) for ckg in ckgs]
    antenna_forms = []
    for antenna in antennas:
        if failed is not None and failed_id == antenna.id:
            form = failed
        else:
            form = AntennaForm(formdata=None, obj=antenna, antenna_id=antenna.id)
        antenna_forms.append((antenna, form.for_antenna(antenna)))
    new_form = failed if failed is not None and failed_id is None else AntennaForm(formdata=None)
    new_form.organisation_id.choices = choices
    if new_form.organisation_id.data is None and ckgs:
        new_form.organisation_id.data = ckgs[0].id
    return render(
        "ckg/capacity.html",
        ckgs=ckgs,
        capacity=_capacity_rows(antennas),
        antenna_forms=antenna_forms,
        new_form=new_form.for_antenna(None),
        failed=failed,
    )


@blueprint.get("/capaciteit")
@require_permission("ckg.work")
def capacity():
    ckgs = acting_ckgs()
    if not ckgs:
        abort(403)
    return _capacity_page(ckgs, store.antennas_of(db_session(), {o.id for o in ckgs}))


@blueprint.post("/capaciteit")
@require_permission("ckg.work")
def save_antenna():
    """Create or update one antenna of the user's CKG (platform-level data of that CKG)."""
    ckgs = acting_ckgs()
    if not ckgs:
        abort(403)
    session = db_session()
    ckg_ids = {o.id for o in ckgs}
    form = AntennaForm()
    form.organisation_id.choices = [(str(ckg.id), ckg.name) for ckg in ckgs]
    valid = form.validate_on_submit()
    if form.antenna_id.raw_data and form.antenna_id.raw_data[0].strip():
        antenna = session.get(Antenna, form.antenna_id.data) if form.antenna_id.data else None
        if antenna is None or antenna.organisation_id not in ckg_ids:
            abort(404)
    else:
        organisation_id = form.organisation_id.data
        if organisation_id not in ckg_ids:
            abort(404)
        name = form.name.data or ""
        if not name:
            form.fail("name", _("Give the antenna a name of at most 100 characters."))
        elif session.exec(
            select(Antenna).where(Antenna.organisation_id == organisation_id, Antenna.name == name)
        ).first():
            form.fail("name", _("Your CKG already has an antenna with this name."))
        antenna = Antenna(organisation_id=organisation_id, name=name)
    if not valid or any(field.errors for field in form):
        session.rollback()
        page = _capacity_page(ckgs, store.antennas_of(session, ckg_ids), failed=form)
        return page, 422
    shared_fields = (*CAPACITY_FIELDS, "on_call_email", "on_call_phone", "second_on_call_email")
    before = {name: getattr(antenna, name, None) for name in shared_fields}
    for column, value in form.capacity_values().items():
        setattr(antenna, column, value)
    antenna.on_call_email = form.on_call_email.data or ""
    antenna.on_call_phone = form.on_call_phone.data or ""
    antenna.second_on_call_email = form.second_on_call_email.data or ""
    antenna.updated_at = utcnow()
    session.add(antenna)
    session.commit()
    after = {name: getattr(antenna, name) for name in shared_fields}
    # The antenna and its on-call contact serve every municipality that works with this CKG:
    # each of them sees the change in its own audit log, not only this one.
    audit.record_for_organisation(
        database(),
        antenna.organisation_id,
        action="ckg.antenna_saved",
        object_type="ckg_antenna",
        object_id=antenna.id,
        detail={
            "antenna": antenna.name,
            "changed_at": g.tenant.slug,
            "changes": {
                name: [before[name], after[name]]
                for name in shared_fields
                if before[name] != after[name]
            },
        },
    )
    return redirect(url_for("ckg.capacity"), code=303)
