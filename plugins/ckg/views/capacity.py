"""The CKG's queue, and its antennas with their places and on-call contact."""

from __future__ import annotations

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlmodel import select

from core import audit
from core.db import utcnow
from core.identity.access import require_permission
from core.rendering import announce_when_swapped, render
from core.web import database, db_session
from plugins.ckg import store
from plugins.ckg.access import acting_ckg_ids, acting_ckgs
from plugins.ckg.forms import CAPACITY_FIELDS, AntennaForm
from plugins.ckg.models import Antenna
from plugins.ckg.services import (
    CAPACITY_COLUMNS,
    Offer,
    ReferralStatus,
    Urgency,
    clock_label,
    free_places,
    waiting_minutes,
)
from plugins.ckg.views.common import blueprint


@blueprint.get("/wachtrij")
@require_permission("ckg.work")
def queue():
    """The CKG's caseload: every state, searched, filtered and paged by the database."""
    ckg_ids = acting_ckg_ids()
    if not ckg_ids:
        abort(403)
    session = db_session()
    antennas = store.antennas_of(session, ckg_ids)
    filters, wanted = _caseload_filter(antennas)
    page = _page_number(request.args.get("page", ""))
    now = utcnow()
    referrals, total = store.caseload(session, ckg_ids, wanted, now=now, page=page)
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
        for referral in referrals
    ]
    pages = max((total + store.CASELOAD_PAGE_SIZE - 1) // store.CASELOAD_PAGE_SIZE, 1)
    page_html = render(
        "ckg/queue.html",
        block="queue",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        page_args={key: value for key, value in filters.items() if value},
        filters=filters,
        state_choices=CASELOAD_STATES,
        waiting_choices=WAITING_DAYS,
        antennas=antennas,
        antenna_names={a.id: a.name for a in antennas},
        assignees=store.people_named(
            session, {f"user:{r.assigned_user_id}" for r in referrals if r.assigned_user_id}
        ),
        capacity=_capacity_rows(antennas),
    )
    return announce_when_swapped(
        page_html, ngettext("%(num)d case found.", "%(num)d cases found.", total)
    )


# The state filter: "active" (the default) hides what is finished; every single state can be
# chosen too, so a closed or redirected case is found again.
ACTIVE_STATES = tuple(
    str(state)
    for state in ReferralStatus
    if state not in (ReferralStatus.DRAFT, ReferralStatus.CLOSED, ReferralStatus.REDIRECTED)
)
CASELOAD_STATES = ("active", "all", *(str(s) for s in ReferralStatus if s != ReferralStatus.DRAFT))
WAITING_DAYS = (1, 7, 30, 90)
SEARCH_MAX = 100


def _caseload_filter(antennas: list[Antenna]) -> tuple[dict, store.CaseloadFilter]:
    """The filters as the page shows them, and as the query uses them. A filter is a GET
    search: an unknown value simply filters nothing."""
    args = request.args
    filters = {
        key: args.get(key, "").strip()
        for key in ("state", "q", "mine", "antenna", "offer", "urgency", "waiting")
    }
    filters["q"] = filters["q"][:SEARCH_MAX]
    if filters["state"] not in CASELOAD_STATES:
        filters["state"] = "active"
    state = filters["state"]
    states = ACTIVE_STATES if state == "active" else () if state == "all" else (state,)
    antenna_ids = {str(a.id): a.id for a in antennas}
    waiting = int(filters["waiting"]) if filters["waiting"] in {str(d) for d in WAITING_DAYS} else 0
    wanted = store.CaseloadFilter(
        states=states,
        search=filters["q"],
        assigned_to=g.user.id if filters["mine"] == "1" else None,
        offer=filters["offer"] if filters["offer"] in set(Offer) else "",
        antenna_id=antenna_ids.get(filters["antenna"]),
        urgency=filters["urgency"] if filters["urgency"] in set(Urgency) else "",
        waiting_days=waiting,
    )
    return filters, wanted


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


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
