"""The networks pages: the list, one network, its members. Thin: parse, authorise, call, render.

The other pages register on the same blueprint from their own modules (imported at the end).
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from core import audit
from core.db import utcnow
from core.rendering import render
from core.web import db_session, tenants_with_plugin
from plugins.networks import access, contact_access, regional, store
from plugins.networks.figures import figures_from_other_plugins
from plugins.networks.forms import (
    CaseForm,
    ContactForm,
    CoordinatorForm,
    EndMembershipForm,
    InvitationForm,
    MemberForm,
    NetworkForm,
    NetworksForm,
)
from plugins.networks.models import ContactPerson, Network, NetworkMember
from plugins.networks.services import (
    UNFINISHED,
    RuleError,
    check_contact,
    check_member,
    check_network,
    overdue_actions,
)
from plugins.networks.web import blueprint


@blueprint.get("/")
def index():
    if g.get("user") is None:
        # Anonymous visitors only have the public social map here.
        return redirect(url_for("networks.directory"))
    if not (access.is_manager() or access.acts_for_anyone()):
        abort(403)
    return _index_page(NetworkForm(formdata=None))


def _index_page(form: NetworkForm, status: int = 200):
    session = db_session()
    networks = access.visible_networks(session)
    actions = store.actions_of_networks(session, {n.id for n in networks})
    return (
        render(
            "networks/index.html",
            networks=networks,
            overdue_count=len(overdue_actions(actions, date.today())),
            may_manage=access.is_manager(),
            is_admin=access.is_tenant_admin(),
            form=form,
        ),
        status,
    )


@blueprint.post("/")
@access.require_signed_in
def create_network():
    if not access.is_manager():
        abort(403)
    form = NetworkForm()
    if not _network_is_valid(form):
        return _index_page(form, 422)
    session = db_session()
    network = Network(
        name=form.value("name"), purpose=form.value("purpose"), kind=form.value("kind")
    )
    session.add(network)
    audit.record(
        session,
        action="networks.network_created",
        object_type="networks_network",
        object_id=network.id,
    )
    session.commit()
    flash(_("Network created."))
    return redirect(url_for("networks.network", network_id=network.id), code=303)


def _network_is_valid(form: NetworkForm) -> bool:
    """The form's own messages, then the rules' for fields without one."""
    valid = form.validate_on_submit()
    try:
        check_network(form.value("name"), form.value("purpose"), form.value("kind"))
    except RuleError as error:
        form.apply_rules(error.errors)
        valid = False
    return valid


# -- one network ----------------------------------------------------------------------------


@blueprint.get("/<uuid:network_id>")
@access.require_signed_in
def network(network_id: uuid.UUID):
    return _network_page(network_id)


def _network_page(
    network_id: uuid.UUID,
    refused: NetworksForm | None = None,
    status: int = 200,
    *,
    member_id: uuid.UUID | None = None,
):
    """The network's page. ``refused`` is the form that was posted and refused: it is shown
    with what was typed and its messages (``member_id``: the member a contact form is for);
    every other form on the page starts empty, or with the stored values."""
    session = db_session()
    network = access.visible_network(session, network_id)
    members = store.members_of(session, network.id)
    mine = access.my_members(members)
    actions = store.actions_of_network(session, network.id)
    today = date.today()
    member_ids_here = {m.organisation_id for m in members if m.organisation_id}
    cases = [
        case
        for case in store.cases_of(session, network.id)
        if access.is_manager() or {str(m.id) for m in mine} & set(case.participant_member_ids)
    ]
    partnerships = regional.partnerships_of_network(session, g.tenant.id, network.id)
    context = {
        "network": network,
        "members": members,
        "mine": {m.id for m in mine},
        "contacts": store.contacts_of(session, {m.id for m in members}),
        "pending_contacts": contact_access.pending_contact_ids(session, [m.id for m in members]),
        "accepted_contacts": contact_access.accepted_contact_ids(session, [m.id for m in members]),
        "meetings": store.meetings_of(session, network.id),
        "open_actions": [a for a in actions if a.status in UNFINISHED],
        "overdue": {a.id for a in overdue_actions(actions, today)},
        "member_names": store.member_names(session, network.id),
        "partner_names": regional.tenant_names(
            session, {a.partner_tenant_id for a in actions if a.partner_tenant_id}
        ),
        "cases": cases,
        "may_manage": access.is_manager(),
        "may_coordinate": access.may_coordinate(members),
        "is_admin": access.is_tenant_admin(),
        "candidates": [
            o for o in store.granted_organisations(session) if o.id not in member_ids_here
        ],
        "figures": figures_from_other_plugins(session, g.tenant),
        "partnerships": partnerships,
        "active": {p.id for p in partnerships if regional.is_active(p)},
        "tenant_names": regional.tenant_names(
            session,
            {p.owner_tenant_id for p in partnerships} | {p.partner_tenant_id for p in partnerships},
        ),
        "other_tenants": [
            tenant for tenant in tenants_with_plugin("networks") if tenant.id != g.tenant.id
        ]
        if access.is_tenant_admin()
        else [],
    }
    forms = _network_forms(network, members, refused, member_id)
    return render("networks/network.html", form=refused, **forms, **context), status


def _network_forms(network, members, refused, member_id) -> dict:
    """The page's forms, with their own ids (one contact form per member)."""

    def shown(form_class, prefix: str | None = None, **kwargs):
        if type(refused) is form_class:
            return refused
        form = form_class(formdata=None, **kwargs)
        return form.with_ids(prefix) if prefix else form

    contact_forms = {}
    for member in members:
        if isinstance(refused, ContactForm) and member.id == member_id:
            contact_forms[member.id] = refused
        else:
            contact_forms[member.id] = ContactForm(formdata=None).with_ids(
                f"contact-{member.id}", strip="contact-"
            )
    case_form = shown(CaseForm, "case")
    case_form.participants.choices = [str(member.id) for member in members]
    return {
        "edit_form": shown(NetworkForm, "edit", obj=network),
        "member_form": shown(MemberForm),
        "contact_forms": contact_forms,
        "case_form": case_form,
        "invitation_form": shown(InvitationForm),
        "end_form": refused if isinstance(refused, EndMembershipForm) else None,
    }


@blueprint.post("/<uuid:network_id>/leden")
@access.require_signed_in
def add_member(network_id: uuid.UUID):
    """The tenant grants membership: staff of the module (or the admin) admit a partner."""
    session = db_session()
    network = access.visible_network(session, network_id)
    if not access.is_manager():
        abort(403)
    form = MemberForm()
    valid = form.validate_on_submit()
    organisation_id = form.organisation.data
    granted = {o.id: o for o in store.granted_organisations(session)}
    members = store.members_of(session, network.id)
    try:
        check_member(
            organisation_id=organisation_id,
            name=form.value("member_name"),
            sector=form.value("sector"),
            granted=set(granted),
            already={m.organisation_id for m in members if m.organisation_id},
        )
    except RuleError as error:
        form.apply_rules(error.errors)
        valid = False
    if not valid:
        return _network_page(network.id, form, 422)
    name = granted[organisation_id].name if organisation_id else form.value("member_name")
    member = NetworkMember(
        network_id=network.id,
        organisation_id=organisation_id,
        name=name,
        sector=form.value("sector"),
        coordinates=bool(form.coordinates.data),
    )
    session.add(member)
    audit.record(
        session,
        action="networks.member_admitted",
        object_type="networks_member",
        object_id=member.id,
        detail={"network_id": str(network.id)},
    )
    session.commit()
    flash(_("%(member)s is now a member.", member=name))
    return redirect(url_for("networks.network", network_id=network.id) + "#members", code=303)


@blueprint.post("/<uuid:network_id>/leden/<uuid:member_id>/contactpersonen")
@access.require_signed_in
def add_contact(network_id: uuid.UUID, member_id: uuid.UUID):
    """Staff, or the member organisation itself, name the member's contact persons."""
    session = db_session()
    network = access.visible_network(session, network_id)
    member = session.get(NetworkMember, member_id)
    if member is None or member.network_id != network.id or member.ended_at is not None:
        abort(404)
    if not (access.is_manager() or access.my_members([member])):
        abort(403)
    form = ContactForm()
    valid = form.validate_on_submit()
    values = {key: form.value(f"contact_{key}") for key in ("name", "function", "email", "phone")}
    try:
        check_contact(values["name"], values["function"], values["email"], values["phone"])
    except RuleError as error:
        form.apply_rules(error.errors)
        valid = False
    if not valid:
        # One form per member on the page: its fields' ids carry the member's id.
        form.with_ids(f"contact-{member.id}", strip="contact-")
        return _network_page(network.id, form, 422, member_id=member.id)
    session.add(
        ContactPerson(
            member_id=member.id,
            name=values["name"],
            function=values["function"],
            email=values["email"].lower(),
            phone=values["phone"],
        )
    )
    session.commit()
    flash(_("Contact person %(name)s added.", name=values["name"]))
    return redirect(url_for("networks.network", network_id=network.id) + "#members", code=303)


@blueprint.post("/<uuid:network_id>/bewerken")
@access.require_signed_in
def edit_network(network_id: uuid.UUID):
    """Staff change a network's name, kind and purpose."""
    session = db_session()
    network = access.visible_network(session, network_id)
    if not access.is_manager():
        abort(403)
    form = NetworkForm()
    if not _network_is_valid(form):
        return _network_page(network.id, form.with_ids("edit"), 422)
    network.name, network.purpose = form.value("name"), form.value("purpose")
    network.kind = form.value("kind")
    session.add(network)
    audit.record(
        session,
        action="networks.network_changed",
        object_type="networks_network",
        object_id=network.id,
    )
    session.commit()
    flash(_("Network saved."))
    return redirect(url_for("networks.network", network_id=network.id), code=303)


@blueprint.post("/<uuid:network_id>/leden/<uuid:member_id>/coordinatie")
@access.require_signed_in
def set_coordinator(network_id: uuid.UUID, member_id: uuid.UUID):
    """Staff make a member coordinating (plans meetings, keeps minutes) or not."""
    session = db_session()
    network = access.visible_network(session, network_id)
    member = session.get(NetworkMember, member_id)
    if member is None or member.network_id != network.id or member.ended_at is not None:
        abort(404)
    if not access.is_manager():
        abort(403)
    member.coordinates = bool(CoordinatorForm().coordinates.data)
    session.add(member)
    audit.record(
        session,
        action="networks.coordinator_changed",
        object_type="networks_member",
        object_id=member.id,
        detail={"coordinates": member.coordinates},
    )
    session.commit()
    flash(_("Coordination changed."))
    return redirect(url_for("networks.network", network_id=network.id) + "#members", code=303)


@blueprint.post("/<uuid:network_id>/leden/<uuid:member_id>/beeindigen")
@access.require_signed_in
def end_membership(network_id: uuid.UUID, member_id: uuid.UUID):
    """Staff end a membership: its contacts, services and attendance go with it. A member that
    still owns unfinished actions stays until those are handed over or dropped, so no agreed
    work silently loses its owner."""
    session = db_session()
    network = access.visible_network(session, network_id)
    member = session.get(NetworkMember, member_id)
    if member is None or member.network_id != network.id or member.ended_at is not None:
        abort(404)
    if not access.is_manager():
        abort(403)
    try:
        store.end_membership(session, member, utcnow())
    except RuleError as error:
        session.rollback()
        form = EndMembershipForm(formdata=None)
        form.member.id = f"end-{member_id}"
        form.apply_rules(error.errors)
        return _network_page(network.id, form, 422)
    audit.record(
        session,
        action="networks.membership_ended",
        object_type="networks_member",
        object_id=member_id,
        detail={"network_id": str(network.id)},
    )
    session.commit()
    flash(_("Membership ended."))
    return redirect(url_for("networks.network", network_id=network.id) + "#members", code=303)


# The other pages of the blueprint.
from plugins.networks import (  # noqa: E402,F401
    case_views,
    contact_views,
    directory_views,
    meeting_views,
    regional_views,
)
