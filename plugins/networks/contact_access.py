"""Contact persons without an account invited by mail to work in a network (issue 21).

Partners named only in the network (none of Herenthout's six has an account) could not act: only
the admin worked. A coordinator now invites a member's contact person by mail through the core's
invitation flow (single-use link, 48 hours, tied to the address it was mailed to: an account with
another verified address is refused, see ``core.identity.invitations``). The one who redeems
the link gets the ``partner:networks`` role in this tenant — it opens this module only — and acts
for that one member in that one network. It is never organisation membership: that comes only from
the organisation's own sign-in provider.
"""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from sqlmodel import select

from core.identity import invitations as core_invitations
from core.identity.confirmations import normalise
from core.identity.models import EmailConfirmation
from core.mail import queue_mail
from core.web import external_url
from plugins.networks.models import ContactInvitation, ContactPerson, Network, NetworkMember

# The role the invitation grants: partner-level permissions of this module only.
CONTACT_ROLE = "partner:networks"


class NoAddress(ValueError):
    """The contact person has no e-mail address to send the invitation to."""


def invite_contact(
    session,
    tenant,
    network: Network,
    member: NetworkMember,
    contact: ContactPerson,
    *,
    invited_by: uuid.UUID,
) -> ContactInvitation:
    """Mail ``contact`` a link that lets them act for ``member`` in ``network``."""
    address = normalise(contact.email)
    if "@" not in address:
        raise NoAddress(contact.name)
    row, token = core_invitations.invite(
        session, email=address, roles=[CONTACT_ROLE], invited_by=invited_by
    )
    invitation = ContactInvitation(
        member_id=member.id, contact_id=contact.id, confirmation_id=row.id
    )
    session.add(invitation)
    link = external_url(tenant, "email_links.invitation", token=token)
    queue_mail(
        session,
        to=address,
        subject=_("Invitation to work in the network %(network)s", network=network.name),
        body=_(
            "%(municipality)s invites you to work in the network %(network)s on Opvangplein "
            "for %(member)s: see the meetings and record the actions of %(member)s.\n\n"
            "Open this link and sign in to accept (it works once, for 48 hours):\n%(link)s\n\n"
            "If you did not expect this invitation, ignore this message.",
            municipality=tenant.name,
            network=network.name,
            member=member.name,
            link=link,
        ),
        purpose="networks.contact_invitation",
        # A contact person has no account, so no language of their own: Dutch.
        language="nl",
    )
    session.flush()
    return invitation


def granted_member_ids(session, user_id: uuid.UUID | None) -> set[uuid.UUID]:
    """The network members ``user_id`` acts for because they redeemed a contact invitation."""
    if user_id is None:
        return set()
    rows = session.exec(
        select(ContactInvitation.member_id)
        .join(EmailConfirmation, EmailConfirmation.id == ContactInvitation.confirmation_id)
        .join(NetworkMember, NetworkMember.id == ContactInvitation.member_id)
        .where(EmailConfirmation.used_by == user_id, NetworkMember.ended_at.is_(None))
    ).all()
    return set(rows)


def pending_contact_ids(session, member_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Contact persons with an invitation that is mailed but not yet accepted."""
    if not member_ids:
        return set()
    live = {row.id for row in core_invitations.pending(session)}
    rows = session.exec(
        select(ContactInvitation).where(ContactInvitation.member_id.in_(member_ids))
    ).all()
    return {row.contact_id for row in rows if row.confirmation_id in live}


def accepted_contact_ids(session, member_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not member_ids:
        return set()
    rows = session.exec(
        select(ContactInvitation.contact_id)
        .join(EmailConfirmation, EmailConfirmation.id == ContactInvitation.confirmation_id)
        .where(ContactInvitation.member_id.in_(member_ids), EmailConfirmation.used_at.is_not(None))
    ).all()
    return set(rows)
