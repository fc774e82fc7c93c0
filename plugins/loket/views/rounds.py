"""Allocation rounds and their priority rules: run a round, simulate a change, save new rules."""

from __future__ import annotations

import secrets
from datetime import date

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import func, select

from core import audit
from core.identity.access import require_permission
from core.rendering import render
from core.request_context import current_actor
from core.web import db_session
from plugins.loket import continuous, forms, offers, priority, priority_forms, services
from plugins.loket.models import (
    AllocationRound,
    ChildcareRequest,
    Location,
    Proposal,
    RequestStatus,
)
from plugins.loket.views.common import _context, _locations, blueprint, reserved_places
from plugins.loket.views.priority import ground_labels


@blueprint.route("/rondes", methods=["GET", "POST"])
@require_permission("loket.manage")
def rounds():
    session = db_session()
    if request.method == "POST" and request.form.get("confirm") != "yes":
        return _confirm_round_page()
    if request.method == "POST":
        continuous.expire_overdue_proposals(session, g.tenant)
        result = services.allocation_round(
            session,
            reserved=reserved_places(),
            seed=secrets.randbelow(2**31),
            actor=current_actor(),
            today=date.today(),
        )
        round_, proposals = result.round, result.proposals
        # Every family in the round hears its result, placed or not.
        offers.tell_round_result(session, g.tenant, result)
        audit.record(
            session,
            action="loket.round_run",
            object_type="loket_round",
            object_id=round_.id,
            detail=round_.summary,
        )
        session.commit()
        flash(_("The round made %(count)d proposals.", count=len(proposals)))
        return redirect(url_for("loket.rounds"))
    return _rounds_page()


def _confirm_round_page():
    """The second step before a round: what it will do, which cannot be undone (families are
    mailed, proposals go out), and a warning button that runs it."""
    open_requests = (
        db_session()
        .exec(
            select(func.count())
            .select_from(ChildcareRequest)
            .where(ChildcareRequest.status == RequestStatus.OPEN)
        )
        .one()
    )
    return render("loket/round_confirm.html", **_context(open_requests=open_requests))


def _rounds_page(
    status: int = 200,
    form: forms.RulesForm | None = None,
    whatif_form: forms.WhatIfForm | None = None,
    further_form: priority_forms.FurtherOrderForm | None = None,
    **context,
):
    session = db_session()
    recent = list(session.exec(select(AllocationRound).order_by(AllocationRound.run_at.desc())))
    proposals = list(
        session.exec(
            select(Proposal, ChildcareRequest, Location)
            .join(ChildcareRequest, ChildcareRequest.id == Proposal.request_id)
            .join(Location, Location.id == Proposal.location_id)
            .order_by(Proposal.created_at.desc())
            .limit(100)
        )
    )
    pack = services.current_rule_pack(session)
    current = {
        "tie_break": pack.rules.get("tie_break"),
        "vulnerable_share_percent": pack.rules.get("vulnerable_share_percent", 0),
        "extra_places": 0,
    }
    if form is None:
        form = forms.RulesForm(formdata=None, data=current)
    if whatif_form is None:
        whatif_form = forms.WhatIfForm(formdata=None, data=current)
    rules = services.allocation.RulePack.from_rules(pack.rules, version=pack.version)
    if further_form is None:
        further_form = priority_forms.FurtherOrderForm(
            formdata=None, data=priority_forms.FurtherOrderForm.positions(rules.priority_groups)
        )
    return render(
        "loket/rounds.html",
        **_context(
            form=form,
            whatif_form=whatif_form,
            errors={
                **form.errors_by_id(),
                **whatif_form.errors_by_id(),
                **further_form.errors_by_id(),
            },
            further_form=further_form,
            absolute_groups=priority.ABSOLUTE_GROUPS,
            further_groups=rules.priority_groups,
            ground_labels=ground_labels(),
            rounds=recent[:10],
            proposals=proposals,
            locations=_locations(),
            rule_pack=pack,
            tie_breaks=services.allocation.TIE_BREAKS,
            **context,
        ),
    ), status


@blueprint.post("/rondes/simulatie")
@require_permission("loket.manage")
def simulate_round():
    """Run the allocation on a copy — more places somewhere, other rules — and save nothing."""
    session = db_session()
    form = forms.WhatIfForm()
    if not form.validate_on_submit():
        return _rounds_page(422, whatif_form=form)
    location, extra = form.location_id.data, form.extra_places.data or 0
    pack = services.current_rule_pack(session)
    current_rules = services.allocation.RulePack.from_rules(pack.rules, version=pack.version)
    other_rules = services.allocation.RulePack.from_rules({**pack.rules, **form.rules()})
    data = services.round_input(session, reserved=reserved_places(), today=date.today())
    seed = 1  # the same lottery on both sides: only the change differs
    now = services.simulate(data, current_rules, seed)
    then = services.simulate(
        data, other_rules, seed, extra_places={location: extra} if location and extra else None
    )
    session.rollback()  # a simulation never writes (not even a first rule pack)
    return _rounds_page(whatif_form=form, simulation={"now": now, "then": then})


@blueprint.post("/regels")
@require_permission("loket.manage")
def change_rules():
    session = db_session()
    form = forms.RulesForm()
    if not form.validate_on_submit():
        return _rounds_page(422, form=form)
    changed = form.rules()
    current = services.current_rule_pack(session)
    pack = services.new_rule_pack_version(
        session, {**current.rules, **changed}, actor=current_actor()
    )
    audit.record(
        session,
        action="loket.rules_changed",
        object_type="loket_rule_pack",
        object_id=pack.id,
        detail={"version": pack.version, **changed},
    )
    session.commit()
    flash(_("The rules were saved as version %(version)d.", version=pack.version))
    return redirect(url_for("loket.rounds"))
