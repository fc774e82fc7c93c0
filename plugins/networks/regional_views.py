"""Regional networks across municipalities: invitations, agreements and the shared read view."""

from __future__ import annotations

import uuid

from flask import abort, current_app, flash, g, redirect, url_for
from flask_babel import gettext as _

from core.db import lock_row, utcnow
from core.identity.access import require_permission
from core.rendering import render
from core.web import db_session, tenants_with_plugin
from plugins.networks import access, regional, regional_mail, store
from plugins.networks.forms import CounterpartForm, InvitationForm, RegionalActionForm
from plugins.networks.models import Network, RegionalPartnership
from plugins.networks.regional_mail import News
from plugins.networks.services import NetworkKind, RuleError, check_action
from plugins.networks.views import _network_page
from plugins.networks.web import actor, blueprint


@blueprint.post("/<uuid:network_id>/regio")
@require_permission("networks.regional")
def invite(network_id: uuid.UUID):
    """The owner's admin invites another municipality: this is the owner's agreement."""
    session = db_session()
    network = access.visible_network(session, network_id)
    form = InvitationForm()
    invitable = tenants_with_plugin("networks")
    try:
        if not form.validate_on_submit():
            raise RuleError({})
        partnership = regional.invite(
            session,
            network=network,
            partner_tenant_id=form.partner_tenant.data,
            invitation=form.value("invitation"),
            actor=actor(),
            now=utcnow(),
            invitable_tenant_ids={tenant.id for tenant in invitable},
        )
    except RuleError as error:
        form.apply_rules(error.errors)
        return _network_page(network.id, form, 422)
    session.commit()
    partner = next((t.name for t in invitable if t.id == partnership.partner_tenant_id), "")
    flash(_("Invitation sent to %(municipality)s.", municipality=partner))
    # Only a committed invitation is announced; the invited side's outbox holds the mail.
    regional_mail.announce(
        current_app.extensions["opvangplein.db"],
        partnership,
        News.INVITED,
        to_tenant_id=partnership.partner_tenant_id,
        sender=g.tenant.name,
        network_name=network.name,
        message=partnership.invitation,
    )
    return redirect(url_for("networks.network", network_id=network.id) + "#regional", code=303)


@blueprint.get("/beheer/regio")
@require_permission("networks.regional")
def regional_admin():
    return _admin_page()


def _admin_page(refused: CounterpartForm | None = None, status: int = 200):
    """The regional page; ``refused`` is a refused accept form, its id naming its invitation."""
    session = db_session()
    partnerships = regional.partnerships_of(session, g.tenant.id)
    own_networks = {n.id: n for n in store.all_networks(session)}
    return (
        render(
            "networks/regional_admin.html",
            received=[p for p in partnerships if p.partner_tenant_id == g.tenant.id],
            sent=[p for p in partnerships if p.owner_tenant_id == g.tenant.id],
            is_active=regional.is_active,
            own_networks=own_networks,
            counterparts=[n for n in own_networks.values() if n.kind == NetworkKind.REGIONAL],
            tenant_names=regional.tenant_names(
                session,
                {p.owner_tenant_id for p in partnerships}
                | {p.partner_tenant_id for p in partnerships},
            ),
            form=refused,
        ),
        status,
    )


def _partnership(session, partnership_id: uuid.UUID):
    try:
        return regional.partnership_for(session, partnership_id, g.tenant.id)
    except regional.NotShared:
        abort(404)


def _locked_partnership(session, partnership_id: uuid.UUID):
    """The agreement, locked until commit: two clicks on one answer change it (and mail) once."""
    _partnership(session, partnership_id)
    return lock_row(session, RegionalPartnership, partnership_id)


@blueprint.post("/beheer/regio/<uuid:partnership_id>/aanvaarden")
@require_permission("networks.regional")
def accept(partnership_id: uuid.UUID):
    """The partner's admin agrees, naming their own regional network as the counterpart."""
    session = db_session()
    partnership = _locked_partnership(session, partnership_id)
    if partnership.partner_tenant_id != g.tenant.id:
        abort(404)
    # Not validated: an id that does not parse is no network, and the rule below says so.
    form = CounterpartForm()
    own_id = form.counterpart.data
    own = session.get(Network, own_id) if own_id else None
    try:
        changed = regional.accept(
            session,
            partnership,
            tenant_id=g.tenant.id,
            own_network=own,
            actor=actor(),
            now=utcnow(),
        )
    except RuleError as error:
        session.rollback()
        # One accept form per invitation: the message goes to this invitation's field.
        form.counterpart.id = f"counterpart-{partnership_id}"
        form.apply_rules(error.errors)
        return _admin_page(form, 422)
    session.commit()
    if changed:
        regional_mail.announce(
            current_app.extensions["opvangplein.db"],
            partnership,
            News.ACCEPTED,
            to_tenant_id=partnership.owner_tenant_id,
            sender=g.tenant.name,
            network_name=own.name,
        )
    flash(_("Partnership accepted: the two networks now read each other's meetings and actions."))
    return redirect(url_for("networks.regional_admin"), code=303)


@blueprint.post("/beheer/regio/<uuid:partnership_id>/intrekken")
@require_permission("networks.regional")
def withdraw(partnership_id: uuid.UUID):
    """Either side's admin ends the agreement; nothing crosses from then on."""
    session = db_session()
    partnership = _locked_partnership(session, partnership_id)
    news = regional.withdraw(
        session, partnership, tenant_id=g.tenant.id, actor=actor(), now=utcnow()
    )
    own_id = regional.own_network_id(partnership, g.tenant.id)
    own_network = session.get(Network, own_id) if own_id else None
    session.commit()
    if news is not None:
        other_tenant_id, _other_network = regional.other_side(partnership, g.tenant.id)
        regional_mail.announce(
            current_app.extensions["opvangplein.db"],
            partnership,
            news,
            to_tenant_id=other_tenant_id,
            sender=g.tenant.name,
            network_name=own_network.name if own_network else "",
        )
    flash(_("Partnership withdrawn: nothing is shared any more."))
    return redirect(url_for("networks.regional_admin"), code=303)


@blueprint.get("/regio/<uuid:partnership_id>")
@access.require_signed_in
def shared(partnership_id: uuid.UUID):
    """The other municipality's meetings and actions, read-only, for those who may see our side."""
    return _shared_page(partnership_id)


def _own_side(session, partnership_id: uuid.UUID):
    partnership = _partnership(session, partnership_id)
    own_id = regional.own_network_id(partnership, g.tenant.id)
    own = session.get(Network, own_id) if own_id else None
    if own is None or not access.may_see(session, own):
        abort(404)
    return partnership, own


def _shared_page(partnership_id: uuid.UUID, refused=None, meeting_id=None, status: int = 200):
    session = db_session()
    partnership, own = _own_side(session, partnership_id)
    try:
        view = regional.read_shared(
            current_app.extensions["opvangplein.db"],
            partnership.id,
            viewer_tenant_id=g.tenant.id,
            actor=actor(),
        )
    except regional.NotShared:
        abort(404)
    may_add = view.adds_actions and access.may_coordinate(store.members_of(session, own.id))
    action_forms = {}
    if may_add:
        for meeting in view.meetings:
            if refused is not None and meeting.id == meeting_id:
                action_forms[meeting.id] = refused
            else:
                action_forms[meeting.id] = RegionalActionForm(formdata=None).with_ids(
                    f"regional-{meeting.id}"
                )
    return (
        render(
            "networks/shared.html",
            view=view,
            own=own,
            partnership=partnership,
            action_forms=action_forms,
            own_tenant_name=g.tenant.name,
            form=refused,
        ),
        status,
    )


@blueprint.post("/regio/<uuid:partnership_id>/overleg/<uuid:meeting_id>/acties")
@access.require_signed_in
def add_regional_action(partnership_id: uuid.UUID, meeting_id: uuid.UUID):
    """A partner municipality adds an action to the owner's meeting, not to its own network."""
    session = db_session()
    partnership, own = _own_side(session, partnership_id)
    if not regional.is_active(partnership) or partnership.partner_tenant_id != g.tenant.id:
        abort(404)
    if not access.may_coordinate(store.members_of(session, own.id)):
        abort(403)
    form = RegionalActionForm().with_ids(f"regional-{meeting_id}")
    valid = form.validate_on_submit()
    title, due_on = form.value("title"), form.due_on.data
    if valid:
        try:
            check_action(title, due_on, None, {None})
        except RuleError as error:
            form.apply_rules(
                {key.replace("action-", ""): message for key, message in error.errors.items()}
            )
            valid = False
    if not valid:
        return _shared_page(partnership_id, form, meeting_id, 422)
    try:
        regional.add_partner_action(
            current_app.extensions["opvangplein.db"],
            partnership.id,
            meeting_id,
            viewer_tenant_id=g.tenant.id,
            title=title,
            due_on=due_on,
            actor=actor(),
        )
    except regional.NotShared:
        abort(404)
    owner_name = regional.tenant_names(session, {partnership.owner_tenant_id}).get(
        partnership.owner_tenant_id, ""
    )
    flash(
        _(
            "Action added to the meeting of %(owner)s: %(title)s.",
            owner=owner_name,
            title=title,
        )
    )
    return redirect(
        url_for("networks.shared", partnership_id=partnership.id) + "#actions", code=303
    )
