"""The audit service plugins call: ``record(session, action=..., object=...)``."""

from __future__ import annotations

import uuid
from typing import Any

from core.models import AuditEntry, PlatformAuditEntry
from core.request_context import current_actor, current_request_id


def record(
    session,
    *,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    detail: dict | None = None,
    actor: str | None = None,
) -> AuditEntry:
    """Append an audit entry in the session's tenant (stamped at flush)."""
    entry = AuditEntry(
        actor=actor or current_actor(),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
        request_id=current_request_id(),
    )
    session.add(entry)
    return entry


def record_platform_action(
    session,
    *,
    action: str,
    actor: str | None = None,
    target_tenant_id: uuid.UUID | None = None,
    detail: dict | None = None,
) -> PlatformAuditEntry:
    entry = PlatformAuditEntry(
        actor=actor or current_actor(),
        action=action,
        target_tenant_id=target_tenant_id,
        detail=detail or {},
        request_id=current_request_id(),
    )
    session.add(entry)
    return entry


def record_for_organisation(
    database,
    organisation_id: uuid.UUID,
    *,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    detail: dict | None = None,
    actor: str | None = None,
) -> list[uuid.UUID]:
    """Append the same entry in every tenant that grants the organisation; return those tenants.

    An organisation's shared data (a CKG's antennas and on-call contacts) serves every
    municipality that works with it, so each of them must see who changed it — not only the one
    where the change was made."""
    from sqlmodel import select

    from core.identity.models import OrganisationGrant

    actor = actor or current_actor()
    with database.platform_session(actor=actor, reason=f"audit {action} in granting tenants") as db:
        tenant_ids = sorted(
            set(
                db.exec(
                    select(OrganisationGrant.tenant_id).where(
                        OrganisationGrant.organisation_id == organisation_id
                    )
                ).all()
            )
        )
        for tenant_id in tenant_ids:
            entry = record(
                db,
                action=action,
                object_type=object_type,
                object_id=object_id,
                detail=detail,
                actor=actor,
            )
            entry.tenant_id = tenant_id
    return tenant_ids
