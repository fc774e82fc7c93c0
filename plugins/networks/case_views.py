"""Case consultation: a family discussed in a network under a pseudonymous reference.

Only the reference (``CASE-7F3K``), the purpose and the participating members are recorded.
Family details are refused until consent is recorded: when a plugin that owns consent is
enabled here (the ckg plugin, through the ``consent_for_case`` hook) its record decides — and is
asked again every time, so a withdrawn consent hides the details at once; otherwise staff record
the consent locally with who, when and on what basis.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from core import audit
from core.db import utcnow
from core.rendering import render
from core.web import db_session, tenant_hooks
from plugins.networks import access, store
from plugins.networks.forms import CaseForm, ConsentForm, FamilyDetailsForm
from plugins.networks.models import CaseConsultation
from plugins.networks.services import (
    ConsentCheck,
    RuleError,
    check_case,
    check_family_details,
    check_local_consent,
    consent_from_hook,
    new_case_reference,
)
from plugins.networks.views import _network_page
from plugins.networks.web import actor, blueprint


def consent_owner_present() -> bool:
    """Whether a plugin enabled for this tenant answers ``consent_for_case``."""
    return bool(tenant_hooks().consent_for_case.get_hookimpls())


def ask_consent_owner(case: CaseConsultation, case_reference: str):
    """The consent owner's record for ``case_reference``, as far as this case's participants
    may use it (a consent counts only where its owner takes part)."""
    session = db_session()
    taking_part = {
        member.organisation_id
        for member in store.members_of(session, case.network_id)
        if str(member.id) in case.participant_member_ids and member.organisation_id is not None
    }
    return tenant_hooks().consent_for_case(
        tenant=g.tenant,
        session=session,
        case_reference=case_reference,
        participant_organisation_ids=taking_part,
    )


def current_consent(case: CaseConsultation) -> ConsentCheck:
    if case.consent_source == "hook":
        if not consent_owner_present():
            return ConsentCheck(allowed=False)
        return consent_from_hook(ask_consent_owner(case, case.consent_case_reference))
    if case.consent_source == "local":
        return ConsentCheck(
            allowed=True,
            source="local",
            basis=case.consent_basis,
            recorded_at=case.consent_recorded_at,
        )
    return ConsentCheck(allowed=False)


@blueprint.post("/<uuid:network_id>/casusoverleg")
@access.require_signed_in
def create_case(network_id: uuid.UUID):
    session = db_session()
    network = access.visible_network(session, network_id)
    members = store.members_of(session, network.id)
    if not (access.may_coordinate(members) or access.my_members(members)):
        abort(403)
    form = CaseForm().with_ids("case")
    form.participants.choices = [str(member.id) for member in members]
    purpose = form.value("purpose")
    try:
        if not form.validate_on_submit():
            raise RuleError({})
        chosen = set(form.participants.data or ())
        check_case(purpose, chosen, {m.id for m in members})
        own = {m.id for m in access.my_members(members)}
        if not access.is_manager() and not chosen & own:
            # Otherwise the partner who opens the case could not read it afterwards.
            raise RuleError({"case-participants": _l("Include your own organisation.")})
    except RuleError as error:
        form.apply_rules(error.errors)
        return _network_page(network.id, form, 422)
    case = CaseConsultation(
        network_id=network.id,
        reference=new_case_reference(store.case_references(session)),
        purpose=purpose,
        participant_member_ids=sorted(str(member_id) for member_id in chosen),
        created_by=actor(),
    )
    session.add(case)
    audit.record(
        session, action="networks.case_opened", object_type="networks_case", object_id=case.id
    )
    session.commit()
    flash(gettext("Case consultation opened: %(reference)s.", reference=case.reference))
    return redirect(url_for("networks.case", case_id=case.id), code=303)


def _readable_case(session, case_id: uuid.UUID):
    """Staff and the people of participating members read a case; for anyone else it is 404."""
    case = session.get(CaseConsultation, case_id)
    if case is None:
        abort(404)
    network = access.visible_network(session, case.network_id)
    members = store.members_of(session, network.id)
    mine = {str(m.id) for m in access.my_members(members)}
    if not (access.is_manager() or mine & set(case.participant_member_ids)):
        abort(404)
    return case, network, members


@blueprint.get("/casusoverleg/<uuid:case_id>")
@access.require_signed_in
def case(case_id: uuid.UUID):
    return _case_page(case_id)


def _case_page(
    case_id: uuid.UUID,
    refused: ConsentForm | FamilyDetailsForm | None = None,
    status: int = 200,
):
    """The case's page; ``refused`` is the posted form that was refused, shown as typed."""
    session = db_session()
    case, network, members = _readable_case(session, case_id)
    consent = current_consent(case)
    consent_form = refused if isinstance(refused, ConsentForm) else ConsentForm(formdata=None)
    family_form = (
        refused
        if isinstance(refused, FamilyDetailsForm)
        else FamilyDetailsForm(formdata=None, obj=case)
    )
    return (
        render(
            "networks/case.html",
            case=case,
            network=network,
            participants=[m for m in members if str(m.id) in case.participant_member_ids],
            consent=consent,
            owner_present=consent_owner_present(),
            form=refused,
            consent_form=consent_form,
            family_form=family_form,
        ),
        status,
    )


@blueprint.post("/casusoverleg/<uuid:case_id>/toestemming")
@access.require_signed_in
def record_consent(case_id: uuid.UUID):
    session = db_session()
    case, _network, _members = _readable_case(session, case_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _case_page(case_id, form, 422)
    if consent_owner_present():
        reference = form.value("consent_case_reference")
        check = consent_from_hook(ask_consent_owner(case, reference)) if reference else None
        if check is None or not check.allowed:
            message = _l(
                "No consent of the family is on record for this reference. Ask the CKG to record it first."
            )
            form.fail("consent_case_reference", message)
            return _case_page(case_id, form, 422)
        case.consent_source, case.consent_case_reference = "hook", reference
        case.consent_basis = check.basis
    else:
        basis = form.value("consent_basis")
        confirmed = bool(form.consent_confirmed.data)
        try:
            check_local_consent(basis, confirmed)
        except RuleError as error:
            form.apply_rules(error.errors)
            return _case_page(case_id, form, 422)
        case.consent_source, case.consent_basis = "local", basis
    case.consent_recorded_by, case.consent_recorded_at = actor(), utcnow()
    session.add(case)
    audit.record(
        session,
        action="networks.case_consent_recorded",
        object_type="networks_case",
        object_id=case.id,
        detail={"source": case.consent_source},
    )
    session.commit()
    flash(gettext("Consent recorded."))
    return redirect(url_for("networks.case", case_id=case.id) + "#consent", code=303)


@blueprint.post("/casusoverleg/<uuid:case_id>/gezin")
@access.require_signed_in
def family_details(case_id: uuid.UUID):
    session = db_session()
    case, _network, _members = _readable_case(session, case_id)
    form = FamilyDetailsForm()
    details = form.value("family_details").replace("\r\n", "\n")
    try:
        if not form.validate_on_submit():
            raise RuleError({})
        check_family_details(details, current_consent(case))
    except RuleError as error:
        form.apply_rules(error.errors)
        return _case_page(case_id, form, 422)
    case.family_details = details
    session.add(case)
    audit.record(
        session,
        action="networks.case_family_details_saved",
        object_type="networks_case",
        object_id=case.id,
    )
    session.commit()
    flash(gettext("Family details saved."))
    return redirect(url_for("networks.case", case_id=case.id) + "#family", code=303)
