"""A coordinator invites a member's contact person by mail to work in the network (issue 21)."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from core import audit
from core.web import db_session
from plugins.networks import access, contact_access, store
from plugins.networks.forms import CancelMeetingForm
from plugins.networks.models import ContactPerson, NetworkMember
from plugins.networks.web import blueprint


@blueprint.post(
    "/<uuid:network_id>/leden/<uuid:member_id>/contactpersonen/<uuid:contact_id>/uitnodigen"
)
@access.require_signed_in
def invite_contact(network_id: uuid.UUID, member_id: uuid.UUID, contact_id: uuid.UUID):
    session = db_session()
    network = access.visible_network(session, network_id)
    member = session.get(NetworkMember, member_id)
    contact = session.get(ContactPerson, contact_id)
    if (
        member is None
        or member.network_id != network.id
        or member.ended_at is not None
        or contact is None
        or contact.member_id != member.id
    ):
        abort(404)
    if not access.may_coordinate(store.members_of(session, network.id)):
        abort(403)
    # An empty form: it only carries the CSRF token.
    if not CancelMeetingForm().validate_on_submit():
        abort(400)
    back = url_for("networks.network", network_id=network.id) + "#members"
    try:
        invitation = contact_access.invite_contact(
            session, g.tenant, network, member, contact, invited_by=g.user.id
        )
    except contact_access.NoAddress:
        flash(_("%(contact)s has no e-mail address: add one first.", contact=contact.name))
        return redirect(back, code=303)
    audit.record(
        session,
        action="networks.contact_invited",
        object_type="networks_member",
        object_id=member.id,
        detail={"invitation": str(invitation.id), "network_id": str(network.id)},
    )
    session.commit()
    flash(
        _(
            "Invitation sent to %(email)s: once accepted, %(contact)s works in this network "
            "for %(member)s.",
            email=contact.email,
            contact=contact.name,
            member=member.name,
        )
    )
    return redirect(back, code=303)
