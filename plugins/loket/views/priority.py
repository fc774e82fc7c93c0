"""Priority on the staff pages: which group a request falls in at each location and why,
proof decisions for a foster child or urgency, deviations on advice, the further order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.i18n import words_per_language
from core.identity.access import require_permission
from core.request_context import current_actor
from core.web import db_session
from plugins.loket import allocation, ckg_advice, priority, priority_forms, services
from plugins.loket.models import (
    ChildcareRequest,
    Location,
    LocationCapacity,
    RequestStatus,
)
from plugins.loket.views.common import _own_request, blueprint


@words_per_language
def ground_labels() -> dict[str, str]:
    return {
        "work_or_training": _("Parents work or follow day training at least 4/5 on average"),
        "sibling": _("A brother or sister attends this location"),
        "foster_child": _("Foster child"),
        "deviation": _("Deviation on the advice of a family-support organisation"),
        "urgency": _("Social or pedagogical urgency"),
        "single_parent": _("Single parent"),
        "low_income": _("Low income"),
    }


def organisation_labels() -> dict[str, str]:
    return {
        "kind_en_gezin": _("Kind en Gezin's local team"),
        "huis_van_het_kind": _("Huis van het Kind"),
        "ckg": _("CKG (centre for childcare and family support)"),
        "caw": _("CAW (centre for general welfare work)"),
        "ocmw": _("OCMW"),
        "trajectory_support": _("Trajectory support in work or civic integration"),
    }


def licensed_places(session, location_id: uuid.UUID) -> int:
    return sum(
        session.exec(
            select(LocationCapacity.places).where(LocationCapacity.location_id == location_id)
        )
    )


def deviations_at(session, location_id: uuid.UUID) -> int:
    """How many children a location admits by deviation (requests not withdrawn)."""
    prefix = f"deviation:{location_id}:"
    return sum(
        1
        for flags in session.exec(
            select(ChildcareRequest.situation).where(
                ChildcareRequest.status != RequestStatus.WITHDRAWN
            )
        )
        if any(flag.startswith(prefix) for flag in flags or ())
    )


def priority_facts(session, row: ChildcareRequest, preferences) -> dict:
    """What staff see: the group per preferred location and why, and what is still to verify."""
    flags = list(row.situation or ())
    pack = services.current_rule_pack(session)
    rules = allocation.RulePack.from_rules(pack.rules, version=pack.version)
    applicant = allocation.Applicant(
        id=row.id,
        preferences=(),
        age_groups={},
        registered_at=row.submitted_at or row.created_at or datetime.now(UTC),
        situation=priority.counted_grounds(flags),
        sibling_location_ids=services.sibling_locations(row),
        deviation_location_ids=priority.deviation_location_ids(flags),
    )
    per_location = []
    for _preference, location in preferences:
        if location is None:
            continue
        pool = allocation.Pool(
            location_id=location.id,
            age_group="",
            places=0,
            income_related=location.tariff == "income_related",
        )
        groups = rules.groups_for(pool)
        found = allocation.priority_of(applicant, pool, rules, {row.id: 0.0})
        per_location.append(
            {
                "location": location,
                "income_related": pool.income_related,
                "group": found.group + 1,
                "groups": len(groups) + 1,
                "absolute": pool.income_related and found.group < len(priority.ABSOLUTE_GROUPS),
                "grounds": list(found.grounds),
            }
        )
    fractions = priority.work_fractions(flags)
    return {
        "per_location": per_location,
        "work_fractions": [fractions[parent] for parent in sorted(fractions)],
        "work_average": priority.average_work_fraction(fractions),
        "work_counts": "work_or_training" in priority.counted_grounds(flags),
        "to_verify": priority.to_verify(flags),
        "proof": {
            ground: priority.proof_state(flags, ground)
            for ground in sorted(priority.NEEDS_PROOF)
            if ground in flags
        },
        "deviations": priority.deviations(flags),
        "ckg_advice": ckg_advice.advice_on(session, row),
        "ground_labels": ground_labels(),
        "organisation_labels": organisation_labels(),
        "proof_form": priority_forms.ProofDecisionForm(formdata=None),
        "deviation_form": priority_forms.DeviationForm(formdata=None),
    }


@blueprint.post("/aanvragen/<uuid:request_id>/grond")
@require_permission("loket.manage")
def decide_ground(request_id: uuid.UUID):
    """Staff verified or refused a declared foster child or urgency."""
    from plugins.loket.views.staff import _request_detail_page

    session = db_session()
    row = _own_request(request_id)
    form = priority_forms.ProofDecisionForm()
    if not form.validate_on_submit() or form.ground.data not in (row.situation or ()):
        if not form.errors:
            form.fail("ground", _("The parent did not declare this ground."))
        return _request_detail_page(row, 422, priority_errors=form.errors_by_id())
    row.situation = priority.with_proof_decision(
        row.situation, form.ground.data, form.decision.data
    )
    session.add(row)
    audit.record(
        session,
        action="loket.priority_ground_checked",
        object_type="loket_request",
        object_id=row.id,
        detail={"ground": form.ground.data, "decision": form.decision.data},
    )
    session.commit()
    flash(_("The check of the priority ground was saved."))
    return redirect(url_for("loket.request_detail", request_id=row.id))


@blueprint.post("/aanvragen/<uuid:request_id>/afwijking")
@require_permission("loket.manage")
def record_deviation(request_id: uuid.UUID):
    """A location admits this child by deviation, on a named organisation's advice."""
    from plugins.loket.views.staff import _request_detail_page

    session = db_session()
    row = _own_request(request_id)
    form = priority_forms.DeviationForm()
    location = None
    if form.validate_on_submit():
        location = session.get(Location, form.location_id.data)
        if location is None:
            form.fail("location_id", _("Choose one of the municipality's locations."))
    if location is not None and not form.errors:
        places = licensed_places(session, location.id)
        try:
            row.situation = priority.with_deviation(
                row.situation,
                location_id=location.id,
                organisation=form.organisation.data,
                places=places,
                already=deviations_at(session, location.id),
            )
        except priority.DeviationRefused:
            form.fail(
                "location_id",
                _(
                    "%(location)s already deviates for %(count)d of its %(places)d places: at"
                    " most 10 %% is allowed.",
                    location=location.name,
                    count=priority.deviation_cap(places),
                    places=places,
                ),
            )
    if form.errors:
        return _request_detail_page(row, 422, priority_errors=form.errors_by_id())
    session.add(row)
    audit.record(
        session,
        action="loket.priority_deviation",
        object_type="loket_request",
        object_id=row.id,
        detail={"location_id": str(location.id), "organisation": form.organisation.data},
    )
    session.commit()
    flash(_("The deviation was recorded with the organisation's advice."))
    return redirect(url_for("loket.request_detail", request_id=row.id))


@blueprint.post("/regels/verdere-groepen")
@require_permission("loket.manage")
def change_further_order():
    """The tenant's own order after the absolute groups: saved as a new rule-pack version."""
    from plugins.loket.views.rounds import _rounds_page

    session = db_session()
    form = priority_forms.FurtherOrderForm()
    if not form.validate_on_submit():
        return _rounds_page(422, further_form=form)
    current = services.current_rule_pack(session)
    pack = services.new_rule_pack_version(
        session, {**current.rules, "priority_groups": form.groups()}, actor=current_actor()
    )
    audit.record(
        session,
        action="loket.rules_changed",
        object_type="loket_rule_pack",
        object_id=pack.id,
        detail={"version": pack.version, "priority_groups": form.groups()},
    )
    session.commit()
    flash(_("The rules were saved as version %(version)d.", version=pack.version))
    return redirect(url_for("loket.rounds"))
