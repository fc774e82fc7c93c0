"""Inviting a member by e-mail: the roles go to whoever opens the single-use link mailed there.

The tenant admin types an address and roles; nothing is looked up by that address (so the member
form cannot tell whether the address exists anywhere on the platform) and nothing is granted to
an account that merely claims it. Whoever opens the link — signed in, or signing in first, also
someone who never signed in before — accepts it and receives the roles.
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


def accept(db, token: str, user: User) -> Membership | None:
    """Give ``user`` the invitation's roles (once); ``None`` if the link is not usable."""
    row = confirmations.redeem(db, token, PURPOSE, used_by=user.id)
    if row is None:
        return None
    membership = membership_of(db, user.id)
    before = list(membership.roles) if membership else []
    membership = membership or Membership(user_id=user.id, roles=[], claim_roles=[])
    membership.roles = sorted(set(membership.roles) | set(row.payload.get("roles", [])))
    db.add(membership)
    # The link reached this mailbox: if it is the user's own address, it is now proven.
    confirmations.mark_proven_by_link(user, row.email)
    db.add(user)
    audit.record(
        db,
        action="member.invitation_accepted",
        object_type="user",
        object_id=user.id,
        actor=f"user:{user.id}",
        detail={"invitation": str(row.id), "before": before, "after": membership.roles},
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
