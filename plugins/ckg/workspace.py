"""One workspace for a CKG worker: the referrals of every municipality that grants the CKG.

Nothing here crosses tenants in one session. For each municipality that uses the module, a
session scoped to *that* municipality (scoping and row-level security hold there) checks that
the worker acts for the CKG there — member of a CKG organisation that municipality granted
``ckg``, holding ``ckg.work`` by that municipality's own roles — and only then reads that
municipality's caseload, leaving an audit entry in it. What leaves the session is a row of
plain values (reference, urgency, status, offer, waiting time, link), never family details:
the link opens the referral at its own municipality's address, where the usual page, access
log and rules apply. Only the municipalities' names and module lists are read platform-wide
(which modules a municipality uses is public).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from core import audit
from core.identity.access import declared_permissions, permissions_for
from core.identity.models import User
from core.identity.services import granted_organisations, roles_of
from core.models import Tenant
from core.tenancy import enabled_plugins
from plugins.ckg import store
from plugins.ckg.access import CKG_KIND
from plugins.ckg.services import clock_label, waiting_minutes

# Each municipality shows its first rows; the full list is at the municipality's own queue.
ROWS_PER_MUNICIPALITY = 25


@dataclass
class WorkspaceRow:
    referral_id: uuid.UUID
    reference: str
    urgency: str
    status: str
    offer: str
    clock: str


@dataclass
class MunicipalityCaseload:
    tenant_id: uuid.UUID
    slug: str
    name: str
    total: int
    rows: list[WorkspaceRow] = field(default_factory=list)


def ckgs_worked_for(db, user_id: uuid.UUID, permissions: frozenset[str]) -> set[uuid.UUID]:
    """The CKG organisations the user acts for in the session's municipality (empty without
    ``ckg.work`` there)."""
    if "ckg.work" not in permissions:
        return set()
    return {
        organisation.id
        for organisation in granted_organisations(db, user_id)
        if organisation.kind == CKG_KIND and "ckg" in organisation.modules
    }


def workspace(
    database,
    registry,
    tenants: list[Tenant],
    *,
    user: User,
    ckg_ids: set[uuid.UUID],
    wanted: store.CaseloadFilter,
    now: datetime,
    from_tenant: str,
) -> list[MunicipalityCaseload]:
    """The caseload of ``ckg_ids`` in every municipality of ``tenants`` (those that enabled the
    module) where ``user`` works for one of these CKGs; each read in its own tenant session and
    audited there as ``ckg.workspace_read``."""
    found = []
    for tenant in tenants:
        with database.tenant_session(tenant.id) as db:
            permissions = permissions_for(
                roles_of(db, user.id),
                declared_permissions(registry, enabled_plugins(db)),
                is_platform_admin=False,  # an administrator is no CKG worker: no shortcut here
            )
            here = ckgs_worked_for(db, user.id, permissions) & ckg_ids
            if not here:
                continue
            referrals, total = store.caseload(
                db, here, wanted, now=now, per_page=ROWS_PER_MUNICIPALITY
            )
            rows = [
                WorkspaceRow(
                    referral_id=referral.id,
                    reference=store.reference(referral),
                    urgency=referral.urgency,
                    status=referral.status,
                    offer=referral.accepted_offer or referral.requested_offer,
                    clock=clock_label(waiting_minutes(referral, now)),
                )
                for referral in referrals
            ]
            audit.record(
                db,
                action="ckg.workspace_read",
                object_type="ckg_caseload",
                object_id=",".join(sorted(str(i) for i in here)),
                detail={"from_tenant": from_tenant, "rows": len(rows), "total": total},
                actor=f"user:{user.id}",
            )
        found.append(
            MunicipalityCaseload(
                tenant_id=tenant.id, slug=tenant.slug, name=tenant.name, total=total, rows=rows
            )
        )
    return found
