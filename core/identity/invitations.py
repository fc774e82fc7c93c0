"""Inviting a member by e-mail: the roles go only to the person at the address it was mailed to.

The tenant admin types an address and roles; nothing is looked up by that address (so the member
form cannot tell whether the address exists anywhere on the platform) and nothing is granted to
an account that merely claims it: only the single-use link mailed there grants the roles.

A link can travel further than the mailbox (forwarded to a colleague, pasted into a ticket), so
who may redeem it is decided by the account that opens it (:func:`may_accept`):

* an account whose address is *verified* (by its provider or an earlier link) accepts only if that
  address is the invited one — any other verified account gets a refusal (audited, link left
  usable for the person it was meant for): it has a proven identity of its own, and a link is
  never a reason to hand that identity a second person's roles;
* an account without a verified address — typically a partner signing in for the first time
  through a provider that does not vouch for e-mail — accepts, and the link, which reached the
  invited mailbox, becomes the proof of that address: the account's address is set to the invited
  one, proven by link. This is the only way in for someone the platform has never seen, and it
  binds the account to the invited address from then on (a later different verified claim is a
  new identity again, see :func:`core.identity.confirmations.apply_email_claims`).

The residual risk is a link handed on to someone who has no verified address anywhere; it is the
same risk as with any mailed sign-up link, and the acceptance is audited with the account.
"""

from __future__ import annotations

import uuid

from core import audit
from core.identity import confirmations
from core.identity.models import EmailConfirmation, Membership, User
from core.identity.services import membership_of

PURPOSE = "invitation"
INVITATION_PATH = "/uitnodiging/"


def invite(
    db, *, email: str, roles: list[str], invited_by: uuid.UUID
) -> tuple[EmailConfirmation, str]:
    """A pending invitation in the db session's tenant; the caller mails the returned token."""
    row, token = confirmations.issue(
        db,
        email=email,
        purpose=PURPOSE,
        payload={"roles": sorted(set(roles))},
        requested_by=invited_by,
    )
    audit.record(
        db,
        action="member.invited",
        object_type="invitation",
        object_id=row.id,
        detail={"email": row.email, "roles": row.payload["roles"]},
    )
    return row, token


class InvitationRefused(Exception):
    """The signed-in account has a verified address other than the invited one."""


def may_accept(user: User, invited_email: str) -> bool:
    """Whether ``user`` may redeem an invitation mailed to ``invited_email`` (module docstring)."""
    verified = confirmations.verified_email(user)
    return not verified or verified == confirmations.normalise(invited_email)


def refuse(db, row: EmailConfirmation, user: User) -> None:
    """Record that ``user`` tried to redeem an invitation mailed to someone else."""
    audit.record(
        db,
        action="member.invitation_refused",
        object_type="invitation",
        object_id=row.id,
        actor=f"user:{user.id}",
        detail={"reason": "other_verified_address"},
    )


def accept(db, token: str, user: User) -> Membership | None:
    """Give ``user`` the invitation's roles (once); ``None`` if the link is not usable.

    Raises :class:`InvitationRefused` (after auditing it, link left unused) when ``user`` has a
    verified address other than the invited one.
    """
    live = confirmations.find_live(db, token, PURPOSE)
    if live is None:
        return None
    if not may_accept(user, live.email):
        refuse(db, live, user)
        raise InvitationRefused(live.id)
    row = confirmations.redeem(db, token, PURPOSE, used_by=user.id)
    if row is None:
        return None
    membership = membership_of(db, user.id)
    before = list(membership.roles) if membership else []
    membership = membership or Membership(user_id=user.id, roles=[], claim_roles=[])
    membership.roles = sorted(set(membership.roles) | set(row.payload.get("roles", [])))
    db.add(membership)
    proven_now = not confirmations.verified_email(user)
    if proven_now:
        # The link reached the invited mailbox: that address is now this account's, proven.
        user.email = row.email
        confirmations.mark_proven_by_link(user, row.email)
        db.add(user)
    audit.record(
        db,
        action="member.invitation_accepted",
        object_type="user",
        object_id=user.id,
        actor=f"user:{user.id}",
        detail={
            "invitation": str(row.id),
            "before": before,
            "after": membership.roles,
            "address_proven_by_link": proven_now,
        },
    )
    db.flush()
    return membership


def withdraw(db, invitation_id: uuid.UUID) -> EmailConfirmation | None:
    row = confirmations.withdraw(db, invitation_id, PURPOSE)
    if row is not None:
        audit.record(
            db,
            action="member.invitation_withdrawn",
            object_type="invitation",
            object_id=row.id,
            detail={"email": row.email},
        )
    return row


def pending(db) -> list[EmailConfirmation]:
    return confirmations.pending(db, PURPOSE)


def live_invitation_in_path(db, path: str | None) -> bool:
    """Whether ``path`` (a sign-in's ``next``) is a usable invitation link of this tenant.

    A person who has no role yet may then finish signing in, so that they can accept it.
    """
    if not path or not path.startswith(INVITATION_PATH):
        return False
    token = path[len(INVITATION_PATH) :].split("?", 1)[0].strip("/")
    return confirmations.find_live(db, token, PURPOSE) is not None
