"""Who sees what: municipal staff see the whole tenant, a training partner only its own rows.

A training partner is an organisation (school, CVO, VDAB) the tenant granted the ``training``
module; its members hold ``training.manage`` through the ``partner`` role kind. Candidates,
cohorts, programmes, info sessions and courses carry the organisation that runs them; rows of
the municipality itself (no organisation) are for its staff. A row a viewer may not see answers
404, so its existence is not revealed either.
"""

from __future__ import annotations

import uuid
from functools import wraps

from flask import abort, g

from core.identity.access import acting_organisations, can


def is_staff() -> bool:
    """Municipal staff of the module, tenant admins and platform admins see every row."""
    user = g.get("user")
    if user is None:
        return False
    roles = g.get("roles", ())
    return "staff:training" in roles or "tenant_admin" in roles or user.is_platform_admin


def partner_organisations() -> list:
    if not can("training.manage"):
        return []
    return acting_organisations("training")


def visible_organisations() -> set[uuid.UUID] | None:
    """``None``: every row; otherwise the organisations whose rows the viewer may see."""
    if is_staff():
        return None
    return {organisation.id for organisation in partner_organisations()}


def may_see(row) -> bool:
    visible = visible_organisations()
    return visible is None or (row.organisation_id is not None and row.organisation_id in visible)


def may_manage() -> bool:
    return g.get("user") is not None and can("training.manage")


def actor() -> str:
    """How the timeline names who acted: the person and the organisation they act for."""
    user = g.get("user")
    if user is None:
        return "public-form"
    organisations = partner_organisations()
    if organisations and not is_staff():
        return f"{user.name} ({organisations[0].name})"[:200]
    return (user.name or str(user.id))[:200]


def require_visible(row):
    """The row, or 404 when it is missing or belongs to someone else."""
    if row is None or not may_see(row):
        abort(404)
    return row


def require_manager(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if g.get("user") is None:
            abort(401)
        if not may_manage():
            abort(403)
        return view(*args, **kwargs)

    return guarded
