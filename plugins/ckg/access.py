"""Who may see what of a referral, decided per referral (the permission alone is not enough).

* the CKG the referral is assigned to (a member acting for that organisation here): everything;
* the referrer (the user who submitted it): its status and the CKG's message to the referrer;
* the family (a parent who referred themselves, or whose e-mail the referrer gave): a read-only
  view of what was submitted about them, its status and the message;
* the tenant admin: the access log, never the content.

Everyone else gets a 404, so a referral's existence is not revealed either.
"""

from __future__ import annotations

import uuid
from functools import wraps

from flask import abort, g

from core.identity.access import acting_organisations, can
from core.identity.confirmations import verified_email
from plugins.ckg.models import AccessLogEntry, Referral

CKG_KIND = "ckg"


def acting_ckgs() -> list:
    """The CKG organisations the signed-in user works for at this tenant (granted ``ckg``)."""
    if not can("ckg.work"):
        return []
    return [
        organisation
        for organisation in acting_organisations("ckg")
        if organisation.kind == CKG_KIND
    ]


def acting_ckg_ids() -> set[uuid.UUID]:
    return {organisation.id for organisation in acting_ckgs()}


def may_refer() -> bool:
    # Loket staff hand families on to a CKG; a permission can only name this module's own staff.
    return g.get("user") is not None and (can("ckg.refer") or "staff:loket" in g.roles)


def is_tenant_admin() -> bool:
    user = g.get("user")
    return user is not None and ("tenant_admin" in g.roles or user.is_platform_admin)


def viewer_role(referral: Referral) -> str | None:
    """``ckg``, ``referrer``, ``family`` or ``None`` for the signed-in user and this referral."""
    user = g.get("user")
    if user is None:
        return None
    if referral.organisation_id in acting_ckg_ids():
        return "ckg"
    if referral.referrer_user_id == user.id and may_refer():
        return "referrer"
    if "parent" in g.roles and is_family(referral, user):
        return "family"
    return None


def is_family(referral: Referral, user) -> bool:
    """The parent who referred, or — once the family confirmed the address the referrer typed —
    a user whose own address is proven to be that one (an e-mail claim alone proves nothing)."""
    if referral.family_user_id == user.id:
        return True
    if referral.family_email_confirmed_at is None:
        return False
    email = verified_email(user)
    return bool(email) and email == referral.family_email.strip().lower()


def may_read_access_log(referral: Referral) -> bool:
    if is_tenant_admin():
        return True
    return can("ckg.access_log") and referral.organisation_id in acting_ckg_ids()


def log_access(session, referral: Referral, role: str, action: str = "view") -> None:
    """Every look at a referral leaves a row: who, when, which referral, in which role."""
    session.add(
        AccessLogEntry(referral_id=referral.id, actor=f"user:{g.user.id}", role=role, action=action)
    )


def require_signed_in(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if g.get("user") is None:
            abort(401)
        return view(*args, **kwargs)

    return guarded
